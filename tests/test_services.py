"""Service tests on a real database: every use case, every refusal, the audit chain."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person
from sqlalchemy import select, update

from workstation.domain.errors import UserError
from workstation.domain.status import Status
from workstation.services import audit, cases
from workstation.services.base import PermissionDenied, ValidationError
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.models import Event, Request

TODAY = date(2026, 6, 1)


def reg(db, actor, **kw):
    return cases.register(db, actor, person(**kw), today=TODAY)


def actions(db, case_id):
    return [e.action for e in cases.timeline(db, case_id)]


# --- registration ---------------------------------------------------------------------
def test_register_numbers_due_and_event(db, users):
    done = reg(db, users["clerk"])
    assert done.case.number == "政依申〔2026〕第0001号"
    assert done.case.received == date(2026, 3, 2)
    assert done.deadline.due == date(2026, 3, 30)
    assert done.deadline.correction_notice_by == date(2026, 3, 11)
    assert done.case.status is Status.OPEN and done.case.due == date(2026, 3, 30)
    assert done.case.id_number_masked == "110105********002X"
    second = reg(db, users["clerk"], applicant_name="李四")
    assert second.case.number == "政依申〔2026〕第0002号"
    assert actions(db, done.case.id) == ["registered"]


@pytest.mark.parametrize(
    ("channel", "facts", "received"),
    [
        ("in_person", {"handed_in_on": date(2026, 3, 2)}, date(2026, 3, 2)),
        ("registered_post", {"handed_in_on": None, "signed_on": date(2026, 3, 4)}, date(2026, 3, 4)),
        ("ordinary_post", {"handed_in_on": None, "confirmed_on": date(2026, 3, 5)}, date(2026, 3, 5)),
        ("online", {"handed_in_on": date(2026, 3, 1), "confirmed_on": date(2026, 3, 3)}, date(2026, 3, 3)),
        ("fax", {"handed_in_on": None, "confirmed_on": date(2026, 3, 6)}, date(2026, 3, 6)),
    ],
)
def test_received_date_follows_article_31(db, users, channel, facts, received):
    done = reg(db, users["clerk"], channel=channel, **facts)
    assert done.case.received == received
    with db.read() as s:
        r = s.get(Request, done.case.id)
        for name, value in facts.items():
            assert getattr(r, name) == value  # the facts are kept beside the derived date


def test_missing_channel_fact_names_the_field(db, users):
    with pytest.raises(ValidationError) as err:
        reg(db, users["clerk"], channel="registered_post", handed_in_on=None)
    assert "signed_on" in err.value.errors
    assert "签收日期" in err.value.errors["signed_on"]


def test_validation_collects_every_field(db, users):
    with pytest.raises(ValidationError) as err:
        reg(db, users["clerk"], applicant_name="", content="", phone="", address="",
            handed_in_on=date(2026, 7, 1), email="not-an-email")
    assert {"applicant_name", "content", "handed_in_on", "email"} <= set(err.value.errors)
    assert all(msg for msg in err.value.errors.values())


def test_future_date_and_long_text_refused(db, users):
    with pytest.raises(ValidationError) as err:
        reg(db, users["clerk"], handed_in_on=date(2026, 6, 2), content="字" * 20001)
    assert "不能晚于今天" in err.value.errors["handed_in_on"]
    assert "最多 20000 字" in err.value.errors["content"]


def test_wrong_id_check_digit_is_a_warning_with_override(db, users):
    with pytest.raises(ValidationError) as err:
        reg(db, users["clerk"], id_number="110105194912310021")
    assert "校验" in err.value.errors["id_number"]
    done = reg(db, users["clerk"], id_number="110105194912310021", id_override_reason="旧证件,号码以证件为准")
    timeline = cases.timeline(db, done.case.id)
    assert "旧证件" in (timeline[0].note or "")


def test_organisation_needs_credit_code_and_representative(db, users):
    with pytest.raises(ValidationError) as err:
        reg(db, users["clerk"], applicant_kind="commercial", applicant_name="宏达建筑有限公司",
            id_number="", legal_representative="")
    assert {"id_number", "legal_representative"} <= set(err.value.errors)


def test_reviewer_cannot_register(db, users):
    with pytest.raises(PermissionDenied) as err:
        reg(db, users["reviewer"])
    assert "没有登记申请的权限" in str(err.value)


def test_correct_registration_keeps_old_and_new(db, users):
    done = reg(db, users["clerk"])
    data = cases.intake_of(db, done.case.id, viewer=SYSTEM_ACTOR)
    data.phone = "13900139000"
    with pytest.raises(UserError):
        cases.correct_registration(db, users["clerk"], done.case.id, data, reason="", today=TODAY)
    cases.correct_registration(db, users["clerk"], done.case.id, data, reason="申请人更换电话", today=TODAY)
    ev = cases.timeline(db, done.case.id)[-1]
    assert ev.action == "registration_corrected"
    assert ev.before == {"phone": "13800138000"} and ev.after == {"phone": "13900139000"}
    assert ev.note == "申请人更换电话"


def test_correcting_the_received_date_moves_the_due_date(db, users):
    done = reg(db, users["clerk"])
    data = cases.intake_of(db, done.case.id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2026, 3, 9)
    case = cases.correct_registration(db, users["clerk"], done.case.id, data, reason="登记时日期录错", today=TODAY)
    assert case.received == date(2026, 3, 9) and case.due == date(2026, 4, 7)


# --- before registering: what the clerk is asked about --------------------------------------------
@pytest.mark.parametrize(("today", "said"), [
    (date(2026, 3, 2), None),
    (date(2026, 3, 24), None),  # 4 working days left: more than days.due_soon (3)
    (date(2026, 3, 25), "只剩 3 个工作日"),
    (date(2026, 3, 30), "今天到期"),
    (date(2026, 4, 1), "已超过答复期限 2 个工作日"),
])
def test_a_received_date_near_or_past_its_due_date_is_pointed_out(db, users, today, said):
    warnings = cases.intake_warnings(db, users["clerk"], person(), today=today)
    if said is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert "2026年3月2日" in warning and "2026年3月30日" in warning and said in warning


def test_the_same_id_number_under_another_name_is_pointed_out(db, users):
    first = reg(db, users["clerk"], applicant_name="王晓明").case
    second = reg(db, users["clerk"], applicant_name="王晓民").case
    reg(db, users["clerk"], applicant_name="王小明", id_number="11010119900307803X")  # another number
    today = date(2026, 3, 2)
    [warning] = cases.intake_warnings(db, users["clerk"], person(id_number="11010519491231002x"), today=today)
    assert "王晓明" in warning and first.number in warning and "王晓民" in warning and second.number in warning
    assert "王小明" in warning
    [warning] = cases.intake_warnings(db, users["clerk"], person(applicant_name="王晓明"), today=today)
    assert "王晓民" in warning and first.number not in warning  # the same name is no news
    alone = person(applicant_name="王晓明", id_number="11010119900307803X")
    assert len(cases.intake_warnings(db, users["clerk"], alone, today=today)) == 1  # 王小明 had that number
    assert cases.intake_warnings(db, users["clerk"], person(applicant_name=""), today=today) == []  # errors first
    with pytest.raises(PermissionDenied):
        cases.intake_warnings(db, users["reviewer"], person(), today=today)


# --- correction (补正) -------------------------------------------------------------------
def test_correction_restarts_the_clock(db, users):
    case = reg(db, users["clerk"]).case
    correct_by = cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 5), "请写明文件名称",
                                          today=TODAY)
    assert correct_by == date(2026, 3, 26)  # 15 working days after 3-05
    assert cases.get_case(db, case.id).status is Status.CORRECTION
    assert cases.get_case(db, case.id).due is None
    d = cases.record_corrected(db, users["clerk"], case.id, date(2026, 3, 16), today=TODAY)
    assert d.start == date(2026, 3, 16)
    assert d.due == date(2026, 4, 14)  # 20 working days from 3-16 (清明 4-4..4-6 off)
    assert cases.get_case(db, case.id).due == date(2026, 4, 14)


def test_the_corrected_request_s_content_replaces_the_registered_one(db, users):
    """收到补正 records what the applicant now asks for: the case and every notice after it use that."""
    from workstation.services import documents

    case = reg(db, users["clerk"], content="申请公开有关文件").case
    cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 5), "请写明文件名称", today=TODAY)
    corrected = "申请公开《示范镇2025年道路硬化工程招标文件》(示政发〔2025〕3号)"
    cases.record_corrected(db, users["clerk"], case.id, date(2026, 3, 16), content=f"  {corrected}\n",
                           note="申请人补正", today=TODAY)
    assert cases.get_case(db, case.id).content == corrected
    ev = cases.timeline(db, case.id)[-1]
    assert ev.action == "correction_received" and ev.note == "申请人补正"
    assert ev.before["content"] == "申请公开有关文件" and ev.after["content"] == corrected
    with db.read() as s:
        r = s.get(Request, case.id)
        context = documents.build_context(db, s, r, "receipt", TODAY, None)
    assert context["case"]["content"] == corrected


def test_a_correction_that_keeps_the_content_changes_only_the_status(db, users):
    case = reg(db, users["clerk"], content="申请公开有关文件").case
    cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 5), "请提供联系方式", today=TODAY)
    cases.record_corrected(db, users["clerk"], case.id, date(2026, 3, 16), content="申请公开有关文件 ", today=TODAY)
    ev = cases.timeline(db, case.id)[-1]
    assert "content" not in ev.before and "content" not in ev.after
    assert cases.get_case(db, case.id).content == "申请公开有关文件"
    with pytest.raises(UserError) as err:  # the request cannot become empty
        case2 = reg(db, users["clerk"]).case
        cases.request_correction(db, users["clerk"], case2.id, date(2026, 3, 5), "请写明", today=TODAY)
        cases.record_corrected(db, users["clerk"], case2.id, date(2026, 3, 16), content="  ", today=TODAY)
    assert err.value.field == "content"


def test_restart_without_correction_request_is_refused(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="没有待补正"):
        cases.record_corrected(db, users["clerk"], case.id, date(2026, 3, 16), today=TODAY)


def test_correction_only_once_and_within_seven_working_days(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="补正告知期限已过") as err:
        cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 12), "事项", today=TODAY)
    assert err.value.field == "override_reason"
    cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 12), "事项",
                             override_reason="申请人留的电话一直无法接通", today=TODAY)
    with pytest.raises(UserError, match="一次性"):
        cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 12), "再次", today=TODAY)


def test_deemed_withdrawn_only_after_the_period(db, users):
    case = reg(db, users["clerk"]).case
    cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 5), "请写明文件名称", today=TODAY)
    with pytest.raises(UserError, match="届满后"):
        cases.deem_withdrawn(db, users["clerk"], case.id, date(2026, 3, 26), today=TODAY)
    closed = cases.deem_withdrawn(db, users["clerk"], case.id, date(2026, 3, 27), today=TODAY)
    assert closed.result_key == "other.no_correction" and closed.status is Status.CLOSED


# --- pauses --------------------------------------------------------------------------------
def test_third_party_pause_shows_answer_limit_and_moves_due(db, users):
    case = reg(db, users["clerk"]).case
    started = cases.start_pause(db, users["clerk"], case.id, "third_party", date(2026, 3, 4), party="某公司",
                                today=TODAY)
    assert started.answer_by == date(2026, 3, 25)
    assert cases.get_case(db, case.id).status is Status.PAUSED
    with pytest.raises(UserError, match="已在暂停中"):
        cases.start_pause(db, users["clerk"], case.id, "fee", date(2026, 3, 5), today=TODAY)
    d = cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 11), today=TODAY)
    # 3-05, 3-06, 3-09, 3-10, 3-11 are not counted: 5 working days later than 3-30
    assert d.due == date(2026, 4, 7)
    assert cases.get_case(db, case.id).status is Status.OPEN
    with pytest.raises(UserError, match="没有在暂停中"):
        cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 12), today=TODAY)


def test_pause_end_before_start_refused(db, users):
    case = reg(db, users["clerk"]).case
    cases.start_pause(db, users["clerk"], case.id, "other_body", date(2026, 3, 4), today=TODAY)
    with pytest.raises(UserError, match="不能早于暂停开始日期"):
        cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 3), today=TODAY)


# --- extension and Art. 35 ----------------------------------------------------------------------
def test_only_head_extends(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(PermissionDenied, match="负责人"):
        cases.extend(db, users["clerk"], case.id, 20, date(2026, 3, 20), reason="工作量大", today=TODAY)
    d = cases.extend(db, users["head"], case.id, 20, date(2026, 3, 20), reason="工作量大", today=TODAY)
    assert d.original_due == date(2026, 3, 30)
    assert d.due == date(2026, 4, 28)
    ev = cases.timeline(db, case.id)[-1]
    assert ev.after["approved_by"] == "王主任" and ev.after["approved_on"] == "2026-03-20"
    with pytest.raises(UserError, match="已经延期过"):
        cases.extend(db, users["head"], case.id, 5, date(2026, 3, 21), reason="再延", today=TODAY)


def test_extension_after_original_due_needs_override(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="原答复期限2026-03-30已过"):
        cases.extend(db, users["head"], case.id, 20, date(2026, 3, 31), reason="工作量大", today=TODAY)
    d = cases.extend(db, users["head"], case.id, 20, date(2026, 3, 31), reason="工作量大",
                     override_reason="3月30日已口头批准,书面补签", today=TODAY)
    assert d.due == date(2026, 4, 28)
    assert cases.timeline(db, case.id)[-1].note == "3月30日已口头批准,书面补签"


def test_extension_days_limited(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="1 至 20"):
        cases.extend(db, users["head"], case.id, 21, date(2026, 3, 20), reason="多", today=TODAY)


def test_manual_due_for_article_35(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(PermissionDenied):
        cases.set_manual_due(db, users["clerk"], case.id, date(2026, 6, 30), "大量申请", today=TODAY)
    with pytest.raises(UserError, match="理由"):
        cases.set_manual_due(db, users["head"], case.id, date(2026, 6, 30), " ", today=TODAY)
    d = cases.set_manual_due(db, users["head"], case.id, date(2026, 6, 30), "同一申请人一次提出120项", today=TODAY)
    assert d.due == date(2026, 6, 30) and d.manual
    assert cases.get_case(db, case.id).due == date(2026, 6, 30)


# --- closing --------------------------------------------------------------------------------------
def test_close_with_result(db, users):
    """其他处理办结 records a 其他处理 ending; a reply on the substance goes through the review."""
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="未知的办理结果"):
        cases.close(db, users["clerk"], case.id, "granted", date(2026, 3, 20), today=TODAY)
    for substance in ("disclosed", "unavailable.not_held", "withheld.state_secret", "not_processed.petition"):
        with pytest.raises(UserError, match="须经审查、审核签发") as refused:
            cases.close(db, users["clerk"], case.id, substance, date(2026, 3, 20), today=TODAY)
        assert refused.value.field == "result"
    with pytest.raises(UserError, match="视为放弃申请"):
        cases.close(db, users["clerk"], case.id, "other.no_correction", date(2026, 3, 20), today=TODAY)
    assert cases.get_case(db, case.id).closed_on is None
    closed = cases.close(db, users["clerk"], case.id, "other.no_fee", date(2026, 3, 20), today=TODAY)
    assert closed.result_key == "other.no_fee" and closed.closed_on == date(2026, 3, 20)
    assert closed.status is Status.REPLIED and closed.due == date(2026, 3, 30)  # on the clock until delivered
    with pytest.raises(UserError, match="已办结"):
        cases.close(db, users["clerk"], case.id, "other.other", date(2026, 3, 21), today=TODAY)


def test_withdraw_never_reuses_the_number(db, users):
    first = reg(db, users["clerk"]).case
    closed = cases.withdraw(db, users["clerk"], first.id, date(2026, 3, 3), today=TODAY)
    assert closed.result_key == "other.other" and closed.status is Status.CLOSED
    second = reg(db, users["clerk"]).case
    assert second.number.endswith("第0002号")


def test_close_before_received_refused(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(UserError, match="不能早于收到申请日期"):
        cases.close(db, users["clerk"], case.id, "other.other", date(2026, 3, 1), today=TODAY)


def test_every_change_writes_one_event_in_the_same_transaction(db, users):
    case = reg(db, users["clerk"]).case
    cases.start_pause(db, users["clerk"], case.id, "fee", date(2026, 3, 4), today=TODAY)
    cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 6), today=TODAY)
    cases.close(db, users["clerk"], case.id, "other.no_fee", date(2026, 3, 20), today=TODAY)
    assert actions(db, case.id) == ["registered", "pause_started", "pause_ended", "closed"]
    # a refused change leaves no event behind
    with pytest.raises(UserError):
        cases.withdraw(db, users["clerk"], case.id, date(2026, 3, 21), today=TODAY)
    assert actions(db, case.id)[-1] == "closed"


def test_full_id_number_needs_a_role_and_is_audited(db, users):
    case = reg(db, users["clerk"]).case
    with pytest.raises(PermissionDenied):
        cases.full_id_number(db, users["clerk"], case.id)
    assert cases.full_id_number(db, users["head"], case.id) == "11010519491231002X"
    assert actions(db, case.id)[-1] == "id_revealed"


# --- audit chain ----------------------------------------------------------------------------------
def test_audit_chain_verifies_and_detects_tampering(db, users):
    case = reg(db, users["clerk"]).case
    cases.close(db, users["clerk"], case.id, "other.no_fee", date(2026, 3, 20), today=TODAY)
    report = audit.verify_chain(db)
    assert report.ok and report.events >= 7
    with db.write() as s:
        s.execute(update(Event).where(Event.action == "closed").values(note="改过"))
    broken = audit.verify_chain(db)
    assert not broken.ok and "内容被改动" in broken.text()


def test_audit_chain_detects_a_deleted_event(db, users):
    reg(db, users["clerk"])
    reg(db, users["clerk"])
    with db.write() as s:
        first = s.execute(select(Event).where(Event.action == "registered").order_by(Event.seq)).scalars().first()
        s.delete(first)
    report = audit.verify_chain(db)
    assert not report.ok


# --- holiday notices --------------------------------------------------------------------------
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月5日（农历除夕、周五）至11日（农历正月初六、周四）放假调休，共7天。2月20日（周六）上班。
"""


def test_importing_a_notice_moves_provisional_due_dates(db, users):
    from workstation.services import calendar as cal_service

    today = date(2027, 1, 21)
    case = cases.register(db, users["clerk"], person(handed_in_on=date(2027, 1, 20)), today=today).case
    assert case.due == date(2027, 2, 19) and case.due_provisional
    year, moved = cal_service.import_notice(db, users["clerk"], NOTICE_2027, today=today)
    assert year == 2027
    assert [(m.number, m.old_due, m.new_due, m.provisional) for m in moved] == [
        (case.number, date(2027, 2, 19), date(2027, 2, 23), False)]
    d = cases.deadline(db, case.id, as_of=today)
    assert d.due == date(2027, 2, 23) and not d.provisional
    assert any(s.reason == "春节" for s in d.explanation if not s.counted)
    assert cal_service.imported_years(db).keys() == {2027}
    assert actions(db, case.id)[-1] == "due_recomputed"


def test_importing_a_broken_notice_changes_nothing(db, users):
    from workstation.domain.errors import DataFileError
    from workstation.services import calendar as cal_service

    with pytest.raises(DataFileError):
        cal_service.import_notice(db, users["clerk"], NOTICE_2027.replace("共7天", "共8天"))
    assert cal_service.imported_years(db) == {}


def test_office_override_moves_due_date(db, users):
    from workstation.services import calendar as cal_service

    case = reg(db, users["clerk"]).case
    with pytest.raises(PermissionDenied):
        cal_service.set_override(db, users["clerk"], date(2026, 3, 10), False, "停电", today=TODAY)
    moved = cal_service.set_override(db, users["head"], date(2026, 3, 10), False, "经批准闭馆", today=TODAY)
    assert moved[0].new_due == date(2026, 3, 31)
    assert cases.get_case(db, case.id).due == date(2026, 3, 31)


def test_every_open_request_is_on_a_dashboard_card(db, users):
    """A request registered today, far from its due date, is 办理中 (it was on no card before)."""
    from workstation.services import queries

    today = date(2026, 3, 2)
    fresh = cases.register(db, users["clerk"], person(handed_in_on=today), today=today).case
    board = queries.dashboard(db, today=today)
    assert board.counts["in_progress"] == 1 and [i.case.id for i in board.lists["in_progress"]] == [fresh.id]
    open_total = queries.count_cases(db, queries.CaseFilter(view="open"), today=today)
    on_cards = sum(board.counts[v] for v in ("overdue", "due_soon", "in_progress", "correction", "paused",
                                               "review", "reply"))
    assert on_cards == open_total
    later = date(2026, 3, 27)  # within 3 working days of the due date: due soon, no longer 办理中
    board = queries.dashboard(db, today=later)
    assert board.counts["in_progress"] == 0 and board.counts["due_soon"] == 1



def test_due_soon_is_one_setting_for_the_dashboard_and_the_register(db, users):
    """"Due soon" is the office's setting (default 3 working days), read in one place by every screen."""
    from workstation.services import gui_queries, office, queries

    today = date(2026, 3, 2)
    case = cases.register(db, users["clerk"], person(handed_in_on=today), today=today).case
    due = cases.get_case(db, case.id).due
    early = date(2026, 3, 23)  # 4 working days before the due date (2026-03-27… as the engine counts)
    assert queries.dashboard(db, today=early).counts["due_soon"] == 0
    office.save_settings(db, users["admin"], {"days.due_soon": 5})
    assert queries.dashboard(db, today=early).counts["due_soon"] == 1
    assert gui_queries.due_soon_limit(db, early) >= due
    assert queries.count_cases(db, queries.CaseFilter(view="due_soon"), today=early) == 1
    assert gui_queries.due_soon_text(db) == "5个工作日内到期"

def test_settings_are_declared_once_and_read_typed(db, users):
    """Each setting is one field of OfficeSettings (key, label, type, default, range); reads come back typed."""
    from dataclasses import fields

    from workstation.services import office
    from workstation.services.base import office_settings
    from workstation.settings import SETTINGS, OfficeSettings

    assert [d.name for d in SETTINGS.values()] == [f.name for f in fields(OfficeSettings)]
    assert office_settings(db) == OfficeSettings()  # the defaults, as SETTINGS declares them
    assert {d.key: getattr(OfficeSettings(), d.name) for d in SETTINGS.values()} == {
        d.key: d.default for d in SETTINGS.values()}
    office.save_settings(db, users["admin"], {"days.reply": "15", "office.name": "示范县城关镇人民政府",
                                              "review.allow_self_signoff": True})
    typed = office_settings(db)
    assert typed.reply_days == 15 and typed.office_name == "示范县城关镇人民政府" and typed.allow_self_signoff is True
    assert typed.extension_days == 20 and typed.backup_dir == ""
    case = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 2)), today=date(2026, 3, 2))
    assert case.deadline.due == date(2026, 3, 23)  # 15 working days, as the office set


def test_sorting_by_due_date_puts_requests_without_one_last_both_ways(db, users):
    from workstation.services import queries

    today = date(2026, 3, 20)
    first = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 2)), today=today).case
    second = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 9)), today=today).case
    closed = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 5)), today=today).case
    cases.withdraw(db, users["clerk"], closed.id, today, today=today)
    for descending in (False, True):
        ids = queries.list_case_ids(db, queries.CaseFilter(), sort="due", descending=descending, today=today)
        assert ids[-1] == closed.id and set(ids[:2]) == {first.id, second.id}
        assert ids[0] == (second.id if descending else first.id)


def test_overdue_on_a_rest_day_right_after_the_due_date_says_so(db, users):
    from workstation.services import queries

    case = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 2)), today=date(2026, 3, 2)).case
    assert case.due == date(2026, 3, 30)  # a Monday; 2026-04-04 is a Saturday of 清明
    board = queries.dashboard(db, today=date(2026, 3, 31))
    assert board.lists["overdue"][0].note == "已逾期 1 个工作日"
    case2 = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 6)), today=date(2026, 3, 6)).case
    assert case2.due == date(2026, 4, 3)  # a Friday
    notes = {i.case.id: i.note for i in queries.dashboard(db, today=date(2026, 4, 4)).lists["overdue"]}
    assert notes[case2.id] == "已过答复期限(4月3日)"  # not "已逾期 0 个工作日"
