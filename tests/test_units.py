"""The county office and its units: 转办 → 签收 → 答复草稿 → 采纳 → the office's review and reply; 退回 and
handing again; 联合办理; row-level access (a unit's user cannot read or change another unit's request); 督办.

Through the services (as the GUI and the command line call them); also on PostgreSQL in make test-postgres.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person
from helpers.reply import REASONS

from workstation.domain.errors import UserError
from workstation.domain.handover import Flag, HandoverStatus
from workstation.domain.status import Role, Status
from workstation.services import audit, cases, documents, handover, queries, review, tally, units
from workstation.services import users as u
from workstation.services.base import PermissionDenied
from workstation.services.case_page import case_page
from workstation.services.register_export import export_register

MON = date(2026, 3, 2)  # a Monday; 2026-03 has no holiday


@pytest.fixture
def county(db, users):
    """Two units with a clerk each, and the office's own users (from ``users``)."""
    admin = users["admin"]
    roads = units.create_unit(db, admin, "交通运输局", "县直部门")
    town = units.create_unit(db, admin, "城关镇人民政府", "乡镇街道")
    made = dict(users)
    for login, name, unit in (("roads", "交通局承办", roads), ("town", "城关镇承办", town)):
        info = u.create_user(db, admin, login, name, "secret1", {Role.CLERK, Role.HEAD})
        units.set_user_unit(db, admin, info.id, unit.id)
        made[login] = next(i for i in u.list_users(db) if i.id == info.id).actor()
    made["units"] = {"roads": roads, "town": town}
    return made


def _register(db, who, day=MON, **data):
    return cases.register(db, who["clerk"], person(handed_in_on=day, **data), today=day).case


def test_no_units_means_no_new_step_for_a_township(db, users):
    assert not units.has_units(db)
    case = _register(db, users)
    assert handover.handovers_of(db, case.id, viewer=users["clerk"]) == []
    assert cases.state_of(db, case.id, users["clerk"]).allowed["review"] == ""  # nothing waits for a unit
    assert handover.supervision(db, users["clerk"], today=MON) == []


def test_a_user_belongs_to_a_unit_and_acts_for_it(db, county):
    roads = county["roads"]
    assert roads.in_unit and roads.unit_name == "交通运输局"
    assert not county["clerk"].in_unit
    listed = {i.login: i.unit_name for i in u.list_users(db)}
    assert listed["roads"] == "交通运输局" and listed["clerk"] == ""
    with pytest.raises(UserError, match="管理员属于办公室"):
        units.set_user_unit(db, county["admin"], county["admin"].id, county["units"]["roads"].id)
    with pytest.raises(UserError, match="不能设为管理员"):
        u.set_roles(db, county["admin"], county["roads"].id, {Role.ADMIN, Role.CLERK})
    with pytest.raises(PermissionDenied):
        units.create_unit(db, county["clerk"], "财政局", "县直部门")
    with pytest.raises(UserError, match="已有名为"):
        units.create_unit(db, county["admin"], "交通运输局", "县直部门")
    # the login gives the unit back: the program's actor is the unit's
    assert u.authenticate(db, "roads", "secret1").actor().unit_id == county["units"]["roads"].id


def test_hand_over_sign_for_draft_accept_then_the_office_reviews_and_replies(db, county):
    case = _register(db, county)
    roads_unit = county["units"]["roads"]
    [h] = handover.hand_over(db, county["clerk"], case.id, [roads_unit.id], today=MON)
    legal_due = cases.get_case(db, case.id).due
    assert legal_due == date(2026, 3, 30)  # 20 working days from Tuesday 3 March
    assert h.status == HandoverStatus.HANDED and h.internal_due == date(2026, 3, 23)  # 5 working days before
    # the office cannot review before the unit's draft is in; the unit cannot review at all
    state = cases.state_of(db, case.id, county["clerk"]).allowed
    assert state["review"].startswith("等待承办单位的答复草稿:交通运输局(待签收)")
    answers = {item.id: False for item in review.checklist_items(db)}
    with pytest.raises(UserError, match="等待承办单位"):
        review.submit_review(db, county["clerk"], case.id, answers, today=MON)
    assert set(cases.state_of(db, case.id, county["roads"]).allowed.values()) == {
        "此步骤由办公室办理;承办单位签收后办理答复草稿并提交办公室"}
    with pytest.raises(UserError, match="请先签收"):
        handover.submit_draft(db, county["roads"], case.id, result_key="disclosed", text="拟予公开", today=MON)
    handover.sign_for(db, county["roads"], case.id, today=date(2026, 3, 3))
    h = handover.submit_draft(db, county["roads"], case.id, result_key="disclosed", text="拟予公开招标文件",
                              opinion="经审查不涉密", today=date(2026, 3, 10))
    assert h.status == HandoverStatus.SUBMITTED and h.on_time
    assert "草稿已提交" in cases.state_of(db, case.id, county["clerk"]).allowed["review"]
    with pytest.raises(PermissionDenied, match="没有采纳草稿的权限"):
        handover.accept_draft(db, county["clerk"], h.id, today=MON)
    handover.accept_draft(db, county["reviewer"], h.id, today=date(2026, 3, 11))
    # now the office's review, sign-off and reply in its own name
    review.submit_review(db, county["clerk"], case.id, answers, today=date(2026, 3, 11))
    review.sign_off(db, county["reviewer"], case.id, today=date(2026, 3, 12))
    review.reply(db, county["clerk"], case.id,
                 review.ReplyData("disclosed", date(2026, 3, 12), **REASONS["disclosed"]), today=date(2026, 3, 12))
    assert cases.get_case(db, case.id).status == Status.REPLIED
    actions = [e.action for e in audit.list_events(db, request_id=case.id, viewer=county["admin"])]
    assert {"handed_over", "handover_signed", "draft_submitted", "draft_accepted"} <= set(actions)
    assert audit.verify_chain(db).ok


def test_a_unit_sends_it_back_and_the_office_hands_it_to_another(db, county):
    case = _register(db, county)
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    handover.hand_over(db, county["clerk"], case.id, [roads], today=MON)
    with pytest.raises(UserError, match="请填写退回理由"):
        handover.return_to_office(db, county["roads"], case.id, "  ", today=MON)
    back = handover.return_to_office(db, county["roads"], case.id, "本局未制作该工程的招标文件", today=MON)
    assert back.status == HandoverStatus.RETURNED and back.return_reason.startswith("本局未制作")
    # the unit no longer sees it; nothing waits for it
    with pytest.raises(PermissionDenied):
        case_page(db, case.id, viewer=county["roads"], today=MON)
    assert cases.state_of(db, case.id, county["clerk"]).allowed["review"] == ""
    [again] = handover.hand_over(db, county["clerk"], case.id, [town], today=date(2026, 3, 3))
    assert again.unit == "城关镇人民政府"
    assert [h.status for h in handover.handovers_of(db, case.id, viewer=county["clerk"])] == [
        HandoverStatus.RETURNED, HandoverStatus.HANDED]
    with pytest.raises(UserError, match="无需重复转办"):
        handover.hand_over(db, county["clerk"], case.id, [town], today=date(2026, 3, 3))


def test_joint_handling_waits_for_every_unit(db, county):
    case = _register(db, county)
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    made = handover.hand_over(db, county["clerk"], case.id, [roads, town], note="请各自提供所掌握部分", today=MON)
    assert [h.unit for h in made] == ["交通运输局", "城关镇人民政府"]
    for who in ("roads", "town"):
        handover.sign_for(db, county[who], case.id, today=MON)
    roads_draft = handover.submit_draft(db, county["roads"], case.id, result_key="disclosed", text="招标文件在本局",
                                        today=MON)
    handover.accept_draft(db, county["reviewer"], roads_draft.id, today=MON)
    reason = cases.state_of(db, case.id, county["clerk"]).allowed["review"]
    assert "城关镇人民政府(办理中)" in reason and "交通运输局" not in reason
    # the office sends the town's draft back once; then takes it
    town_draft = handover.submit_draft(db, county["town"], case.id, result_key="unavailable.not_held",
                                       text="本镇不掌握", today=MON)
    sent = handover.send_back_draft(db, county["reviewer"], town_draft.id, "请写明检索的范围", today=MON)
    assert sent.status == HandoverStatus.SIGNED and sent.sent_back_reason == "请写明检索的范围"
    town_draft = handover.submit_draft(db, county["town"], case.id, result_key="unavailable.not_held",
                                       text="经检索本镇档案室2020—2026年卷宗,未制作或获取该信息", today=MON)
    handover.accept_draft(db, county["reviewer"], town_draft.id, today=MON)
    assert cases.state_of(db, case.id, county["clerk"]).allowed["review"] == ""


def test_a_unit_user_cannot_read_or_change_another_units_request(db, county, tmp_path):
    mine = _register(db, county)
    theirs = _register(db, county, applicant_name="李四")
    office_only = _register(db, county, applicant_name="赵六")  # handed to nobody
    handover.hand_over(db, county["clerk"], mine.id, [county["units"]["roads"].id], today=MON)
    handover.hand_over(db, county["clerk"], theirs.id, [county["units"]["town"].id], today=MON)
    roads = county["roads"]
    # lists, search, the dashboard and the export hold the unit's own request only
    everything = queries.CaseFilter()
    assert queries.list_case_ids(db, everything, today=MON, viewer=roads) == [mine.id]
    assert queries.count_cases(db, everything, today=MON, viewer=roads) == 1
    assert queries.list_case_ids(db, queries.CaseFilter(search="李四"), today=MON, viewer=roads) == []
    assert [c.id for c in queries.fetch_cases(db, [mine.id, theirs.id, office_only.id], viewer=roads)] == [mine.id]
    assert queries.dashboard(db, today=MON, viewer=roads).counts["open"] == 1
    assert queries.dashboard(db, today=MON, viewer=county["clerk"]).counts["open"] == 3
    made = export_register(db, roads, everything, tmp_path / "台账.xlsx", today=MON)
    assert made.rows == 1
    # the case view, the documents and the audit trail of another unit's request are refused
    for other in (theirs.id, office_only.id):
        with pytest.raises(PermissionDenied, match="未交由本单位"):
            case_page(db, other, viewer=roads, today=MON)
        with pytest.raises(PermissionDenied):
            handover.handovers_of(db, other, viewer=roads)
    page = case_page(db, mine.id, viewer=roads, today=MON)
    assert "*" in page.intake.id_number  # masked for a unit, as for a clerk, whatever its roles (here 负责人)
    receipt = documents.issue(db, county["clerk"], theirs.id, "receipt", today=MON)
    with pytest.raises(PermissionDenied):
        documents.archived_pdf(db, receipt.id, viewer=roads)
    with pytest.raises(PermissionDenied, match="以办公室的名义"):
        documents.issue(db, roads, mine.id, "receipt", today=MON)
    # writes: the case's steps, the unit's steps on another unit's request, registering
    with pytest.raises(UserError, match="未交由本单位"):
        cases.request_correction(db, roads, theirs.id, MON, "申请内容不明确")
    with pytest.raises(UserError, match="此步骤由办公室办理"):
        cases.request_correction(db, roads, mine.id, MON, "申请内容不明确")
    with pytest.raises(PermissionDenied):
        handover.sign_for(db, roads, theirs.id, today=MON)
    with pytest.raises(PermissionDenied):
        handover.return_to_office(db, roads, theirs.id, "不是本局的", today=MON)
    with pytest.raises(PermissionDenied, match="不在窗口登记"):
        cases.register(db, roads, person(handed_in_on=MON), today=MON)
    with pytest.raises(UserError, match="由办公室办理"):
        handover.hand_over(db, roads, mine.id, [county["units"]["town"].id], today=MON)
    seen = {row.request_id for row in audit.list_events(db, viewer=county["roads"])} - {None}
    assert seen == {mine.id}


def test_the_internal_deadline_default_and_limits(db, county):
    case = _register(db, county)
    roads = county["units"]["roads"].id
    assert handover.default_internal_due(db, case.id, today=MON) == date(2026, 3, 23)
    with pytest.raises(UserError, match="不能晚于法定答复期限"):
        handover.hand_over(db, county["clerk"], case.id, [roads], due=date(2026, 4, 10), today=MON)
    with pytest.raises(UserError, match="不能早于今天"):
        handover.hand_over(db, county["clerk"], case.id, [roads], due=date(2026, 2, 27), today=MON)
    [h] = handover.hand_over(db, county["clerk"], case.id, [roads], due=date(2026, 3, 20), today=MON)
    assert h.internal_due == date(2026, 3, 20)
    # a request handed late still gives the unit its next working day
    late = _register(db, county, applicant_name="钱七")
    [h] = handover.hand_over(db, county["clerk"], late.id, [roads], today=date(2026, 3, 27))
    assert h.internal_due == date(2026, 3, 30)


def test_supervision_flags_each_unit_and_a_reminder_reaches_the_unit(db, county):
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    unsigned = _register(db, county)
    near = _register(db, county, applicant_name="李四")
    handover.hand_over(db, county["clerk"], unsigned.id, [roads], today=MON)
    handover.hand_over(db, county["clerk"], near.id, [town], today=MON)
    handover.sign_for(db, county["town"], near.id, today=MON)
    # Wednesday: two working days after the hand-over, still not signed for
    boards = {b.unit: b for b in handover.supervision(db, county["clerk"], today=date(2026, 3, 4))}
    assert boards["交通运输局"].counts[Flag.NOT_SIGNED] == 1 and boards["城关镇人民政府"].chases == []
    # 19 March: the internal deadline (23 March) is 2 working days away; 24 March: past; 26 March: legal near
    boards = {b.unit: b for b in handover.supervision(db, county["clerk"], today=date(2026, 3, 19))}
    assert boards["城关镇人民政府"].counts[Flag.INTERNAL_SOON] == 1
    boards = {b.unit: b for b in handover.supervision(db, county["clerk"], today=date(2026, 3, 26))}
    town_flags = boards["城关镇人民政府"].chases[0].flags
    assert Flag.INTERNAL_PAST in town_flags and Flag.LEGAL_SOON in town_flags
    # the office records a reminder; the unit's board shows it, the other unit's does not
    handover.remind(db, county["clerk"], town, "请于3月27日前提交答复草稿", case_id=near.id, today=date(2026, 3, 24))
    assert [r.note for r in handover.reminders(db, county["town"])] == ["请于3月27日前提交答复草稿"]
    assert handover.reminders(db, county["roads"]) == []
    [own] = handover.supervision(db, county["town"], today=date(2026, 3, 26))
    assert own.unit == "城关镇人民政府" and own.reminders == 1
    with pytest.raises(PermissionDenied):
        handover.remind(db, county["town"], roads, "催办", today=MON)
    with pytest.raises(UserError, match="没有转办给"):
        handover.remind(db, county["clerk"], roads, "催办", case_id=near.id, today=MON)
    assert [w.number for w in handover.unit_work(db, county["town"])] == [near.number]


def test_the_tally_by_unit(db, county):
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    first, second, third = (_register(db, county, applicant_name=n) for n in ("甲", "乙", "丙"))
    handover.hand_over(db, county["clerk"], first.id, [roads], today=MON)
    handover.hand_over(db, county["clerk"], second.id, [roads], today=MON)
    handover.hand_over(db, county["clerk"], third.id, [town], today=MON)
    for case, day in ((first, date(2026, 3, 10)), (second, date(2026, 3, 25))):
        handover.sign_for(db, county["roads"], case.id, today=MON)
        handover.submit_draft(db, county["roads"], case.id, result_key="disclosed", text="拟公开", today=day)
    handover.return_to_office(db, county["town"], third.id, "不掌握", today=MON)
    rows = {r.unit: r for r in handover.unit_tally(db, county["clerk"], date(2026, 3, 1), date(2026, 3, 31))}
    assert (rows["交通运输局"].handed, rows["交通运输局"].on_time, rows["交通运输局"].late) == (2, 1, 1)
    assert (rows["城关镇人民政府"].handed, rows["城关镇人民政府"].returned) == (1, 1)
    assert [r.unit for r in handover.unit_tally(db, county["town"], date(2026, 3, 1), date(2026, 3, 31))] == [
        "城关镇人民政府"]
    # tables 三 and 四 and their drill-down, as a unit's user: its unit's requests only
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert tally.tally(db, *march).cell("new") == 3
    assert tally.tally(db, *march, viewer=county["roads"]).cell("new") == 2
    assert tally.tally(db, *march, viewer=county["town"]).cell("new") == 0  # sent back: no longer the town's
    behind = tally.requests_behind(db, *march, "new", "total", viewer=county["roads"])
    assert sorted(c.id for c in behind) == sorted([first.id, second.id])


def test_the_internal_deadline_follows_the_legal_one(db, county):
    """Handed while waiting for a correction: no internal deadline yet; counted once the period starts again,
    and moved by an extension (unless the office set its own)."""
    case = _register(db, county)
    cases.request_correction(db, county["clerk"], case.id, MON, "请写明工程名称")
    [h] = handover.hand_over(db, county["clerk"], case.id, [county["units"]["roads"].id], today=MON)
    assert h.internal_due is None and h.legal_due is None
    cases.record_corrected(db, county["clerk"], case.id, date(2026, 3, 9), today=date(2026, 3, 9))
    [h] = handover.handovers_of(db, case.id, viewer=county["clerk"])
    assert h.legal_due == date(2026, 4, 7) and h.internal_due == date(2026, 3, 30)  # 清明 4-6 April is not counted
    cases.extend(db, county["head"], case.id, 20, date(2026, 3, 30), reason="需要检索多年档案", today=date(2026, 3, 30))
    [h] = handover.handovers_of(db, case.id, viewer=county["clerk"])
    assert h.internal_due == handover.Dues(db).calendar.workdays_before(h.legal_due, 5) > date(2026, 4, 7)
