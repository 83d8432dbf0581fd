"""Review, sign-off, reply, delivery and appeals on screen, driven as the clerk and the reviewer use them."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import (
    QT_NOISE,
    click,
    closed,
    open_view,
    save,
    type_date,
    type_text,
    wait_idle,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from workstation.domain.intake import IntakeData
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Status
from workstation.gui import file_dialogs
from workstation.gui.case_view import CaseView
from workstation.gui.dialogs.appeal_dialog import AppealDialog
from workstation.gui.dialogs.delivery_dialog import DeliveryDialog
from workstation.gui.dialogs.reply_dialog import ReplyDialog
from workstation.gui.dialogs.review_dialog import ReviewDialog
from workstation.gui.dialogs.signoff_dialog import SignoffDialog
from workstation.services import cases, documents, review
from workstation.store.models import Attachment

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)
RECEIVED = date(2026, 6, 1)


def label(key: str) -> str:
    return RESULTS_BY_KEY[key].label


@pytest.fixture
def case_id(gui_db, staff) -> int:
    data = IntakeData(channel="in_person", handed_in_on=RECEIVED, applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000", email="wxm@example.com",
                      address="示范县城关镇人民路1号", postcode="100000",
                      content="申请公开本镇2025年道路硬化工程的招标文件", delivery="post")
    return cases.register(gui_db, staff["clerk"].actor(), data, today=TODAY).case.id


def answers(db, *yes: str) -> dict[str, bool]:
    return {item.id: item.id in yes for item in review.checklist_items(db)}


def signed(db, staff, case_id: int, *yes: str) -> None:
    review.submit_review(db, staff["clerk"].actor(), case_id, answers(db, *yes), today=TODAY)
    review.sign_off(db, staff["reviewer"].actor(), case_id, today=TODAY)


def replied(db, staff, case_id: int) -> None:
    signed(db, staff, case_id, "not_held")
    review.reply(db, staff["clerk"].actor(), case_id, review.ReplyData("unavailable.not_held", date(2026, 6, 10)),
                 today=TODAY)


def tick(qtbot, dialog: ReviewDialog, item_id: str, yes: bool) -> None:
    button = (dialog.yes_buttons if yes else dialog.no_buttons)[item_id]
    dialog.checklist_scroll.ensureWidgetVisible(button)
    click(qtbot, button)


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def visible_button_texts(view: CaseView) -> set[str]:
    return {b.text() for b in view.findChildren(QPushButton) if b.isVisible()}


def test_the_proposal_follows_the_answers_and_the_review_is_submitted(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    button = view.review_buttons["review"]
    assert button.isVisible() and button.isEnabled()
    click(qtbot, button)
    dialog = view.dialog
    assert isinstance(dialog, ReviewDialog) and dialog.isVisible()
    total = len(review.checklist_items(gui_db))
    assert dialog.progress.text() == f"已回答 0/{total} 项,还有 {total} 项未答"
    assert dialog.proposed.text() == f"建议结果:{label('disclosed')}"
    first = review.checklist_items(gui_db)[0]
    assert first.help in dialog.yes_buttons[first.id].toolTip()

    tick(qtbot, dialog, "repeated", True)
    assert dialog.proposed.text() == f"建议结果:{label('not_processed.repeated')}"
    assert RESULTS_BY_KEY["not_processed.repeated"].basis in dialog.basis.text()
    tick(qtbot, dialog, "state_secret", True)  # 该不该 comes before 给不给 (国办公开办函〔2020〕2号)
    assert dialog.proposed.text() == f"建议结果:{label('not_processed.repeated')}"
    assert "第二十三条" not in dialog.basis.text()
    tick(qtbot, dialog, "repeated", False)
    assert dialog.proposed.text() == f"建议结果:{label('withheld.state_secret')}"
    tick(qtbot, dialog, "repeated", True)
    assert dialog.proposed.text() == f"建议结果:{label('not_processed.repeated')}"
    assert dialog.progress.text() == f"已回答 2/{total} 项,还有 {total - 2} 项未答"

    save(qtbot, dialog)  # the rest is unanswered
    assert dialog.isVisible()
    assert dialog.error("answers").isVisible()
    assert dialog.error("answers").text() == f"还有 {total - 2} 个审查项目没有回答"

    click(qtbot, dialog.rest_no)
    assert dialog.progress.text() == f"已回答 {total}/{total} 项"
    assert not dialog.choice_reason.isVisible()
    choose(dialog.result, "disclosed")  # another result than the proposal needs a reason
    assert dialog.choice_reason.isVisible()
    save(qtbot, dialog)
    assert dialog.error("choice_reason").text() == "所选结果与审查建议不同,请说明理由"
    choose(dialog.result, None)
    assert not dialog.choice_reason.isVisible()
    type_text(qtbot, dialog.notes, "经查,已于2026年5月答复过同一申请人")
    save(qtbot, dialog)
    assert closed(dialog)

    assert cases.get_case(gui_db, case_id).status is Status.REVIEW
    assert view.status.text() == "待审核"
    assert view.info.text() == f"已提交审查(结果:{label('not_processed.repeated')}),等待审核人签发。"
    assert "审查:待审核(承办人 张承办" in view.review_label.text()
    assert "已于2026年5月答复过" in view.review_label.text()
    assert not view.review_buttons["review"].isEnabled()
    assert view.review_buttons["review"].toolTip() == "审查已提交,等待审核人签发"
    assert not view.review_buttons["signoff"].isVisible()  # a clerk does not sign off


def test_the_checklist_is_shown_in_the_five_steps(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["review"])
    dialog = view.dialog
    headers = [dialog.step_headers[key].text() for key in ("correction", "handle", "held", "withhold", "provide")]
    assert [h[:6] for h in headers] == ["一、补不补:", "二、该不该:", "三、有没有:", "四、给不给:", "五、当不当:"]
    grid = dialog.checklist_scroll.widget().layout()

    def row_of(widget) -> int:
        return grid.getItemPosition(grid.indexOf(widget))[0]

    rows = {key: row_of(label) for key, label in dialog.step_headers.items()}
    assert rows["correction"] < row_of(dialog.yes_buttons["still_unclear"]) < rows["handle"]
    for item_id in ("petition", "not_government_info", "query_matter", "not_responsible"):
        assert rows["handle"] < row_of(dialog.yes_buttons[item_id]) < rows["held"], item_id
    assert rows["held"] < row_of(dialog.yes_buttons["not_held"]) < rows["withhold"]
    assert rows["withhold"] < row_of(dialog.yes_buttons["state_secret"]) < rows["provide"]
    assert rows["provide"] < row_of(dialog.yes_buttons["already_published"])
    tick(qtbot, dialog, "confirmation", True)  # no article: the dialog says so instead of citing one
    assert dialog.basis.text().startswith("依据:(《条例》没有规定这一情形的条文")
    tick(qtbot, dialog, "not_government_info", True)
    assert dialog.proposed.text() == f"建议结果:{label('other.other')}"
    assert "理由和依据" in dialog.proposal_notes.text()


def test_a_third_party_item_starts_the_pause_and_says_so(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["review"])
    dialog = view.dialog
    assert not dialog.third_party_note.isVisible() and not dialog.third_party.isVisible()
    tick(qtbot, dialog, "third_party", True)
    assert dialog.third_party_note.isVisible() and "暂停计时" in dialog.third_party_note.text()
    assert dialog.third_party.isVisible() and dialog.third_party_on.isVisible()
    click(qtbot, dialog.rest_no)
    type_text(qtbot, dialog.third_party, "宏达建筑公司")
    type_date(qtbot, dialog.third_party_on, date(2026, 6, 5))
    save(qtbot, dialog)
    assert closed(dialog)

    assert cases.get_case(gui_db, case_id).status is Status.PAUSED
    assert view.status.text() == "暂停计时"
    text = view.info.text()
    assert "暂停计时" in text and "宏达建筑公司" in text and "2026年6月5日" in text
    assert view.deadline_labels["pauses"].text().startswith("2026-06-05 起")
    assert view.offer_button.isVisible() and view.offer_button.text() == "出具第三方意见征询函…"

    reviewer_view = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    signoff = reviewer_view.review_buttons["signoff"]
    assert signoff.isVisible() and not signoff.isEnabled()
    assert "征询第三方" in signoff.toolTip()



def test_a_consultation_on_record_is_used_not_asked_again(qtbot, gui_db, staff, make_ctx, case_id):
    clerk = staff["clerk"].actor()
    cases.start_pause(gui_db, clerk, case_id, "third_party", date(2026, 6, 2), party="宏达建筑公司", today=TODAY)
    cases.end_pause(gui_db, clerk, case_id, date(2026, 6, 10), note="<b>不同意</b>公开", today=TODAY)
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["review"])
    dialog = view.dialog
    tick(qtbot, dialog, "third_party", True)
    note = dialog.third_party_note
    assert note.isVisible() and "宏达建筑公司" in note.text() and "不再重复征询" in note.text()
    assert "<b>不同意</b>公开" in note.text() and note.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.third_party.isVisible() and not dialog.third_party_on.isVisible()
    click(qtbot, dialog.rest_no)
    save(qtbot, dialog)
    assert closed(dialog)
    assert cases.get_case(gui_db, case_id).status is Status.REVIEW

def test_the_same_person_may_not_sign_off_their_own_review(qtbot, gui_db, staff, make_ctx, case_id):
    review.submit_review(gui_db, staff["head"].actor(), case_id, answers(gui_db), today=TODAY)
    view = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    button = view.review_buttons["signoff"]
    assert button.isVisible() and button.isEnabled()
    click(qtbot, button)
    dialog = view.dialog
    assert isinstance(dialog, SignoffDialog)
    assert dialog.values["承办人"].text().startswith("王主任(提交于")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.general_error.isVisible()
    assert dialog.general_error.text().startswith("承办人和审核人不能是同一人")
    assert cases.get_case(gui_db, case_id).status is Status.REVIEW


def test_a_reviewer_sends_back_with_a_reason_and_signs_off_the_next(qtbot, gui_db, staff, make_ctx, case_id):
    review.submit_review(gui_db, staff["clerk"].actor(), case_id, answers(gui_db, "not_held"),
                         notes="档案室检索无果", today=TODAY)
    view = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    assert not view.review_buttons["review"].isVisible() and not view.review_buttons["reply"].isVisible()
    click(qtbot, view.review_buttons["signoff"])
    dialog = view.dialog
    assert dialog.values["承办人"].text().startswith("张承办")
    assert dialog.values["建议结果"].text() == label("unavailable.not_held")
    assert dialog.values["审查意见"].text() == "档案室检索无果"
    held = next(i.question for i in review.checklist_items(gui_db) if i.id == "not_held")
    assert dialog.answer_list.item(0).text().startswith("是") and held in dialog.answer_list.item(0).text()
    click(qtbot, dialog.back_button)
    wait_idle(qtbot, view.ctx)
    assert dialog.error("reason").text() == "请填写退回理由"
    type_text(qtbot, dialog.reason, "请附上档案检索记录")
    click(qtbot, dialog.back_button)
    wait_idle(qtbot, view.ctx)
    assert closed(dialog)
    assert view.status.text() == "办理中"
    assert "已退回" in view.review_label.text() and "请附上档案检索记录" in view.review_label.text()

    review.submit_review(gui_db, staff["clerk"].actor(), case_id, answers(gui_db, "not_held"), today=TODAY)
    view.ctx.data_changed()
    wait_idle(qtbot, view.ctx)
    click(qtbot, view.review_buttons["signoff"])
    dialog = view.dialog
    save(qtbot, dialog)
    assert closed(dialog)
    assert view.status.text() == "待答复"
    assert view.info.text() == f"已审核签发:{label('unavailable.not_held')}。承办人可以答复。"
    assert "审核人:李审核" in view.review_label.text()


def test_a_reply_with_another_result_needs_a_reason_and_issues_the_notice(qtbot, gui_db, staff, make_ctx, case_id):
    signed(gui_db, staff, case_id, "repeated")
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx, case_id)
    assert not view.review_buttons["review"].isEnabled()
    click(qtbot, view.review_buttons["reply"])
    dialog = view.dialog
    assert isinstance(dialog, ReplyDialog)
    assert dialog.result.currentText() == label("not_processed.repeated")
    assert dialog.basis.toPlainText().startswith(RESULTS_BY_KEY["not_processed.repeated"].basis)
    assert not dialog.reason.isVisible() and not dialog.provision_form.isVisible()

    choose(dialog.result, "disclosed")
    assert dialog.reason.isVisible()
    assert dialog.basis.toPlainText() == RESULTS_BY_KEY["disclosed"].basis
    assert dialog.provision_form.isVisible() and dialog.published_at.isVisible()
    assert dialog.provision_way.currentData() == "post"  # as the applicant asked
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error("reason").text() == "答复结果与审查结论不同,请说明理由"
    type_text(qtbot, dialog.reason, "核实后并非重复申请")
    type_date(qtbot, dialog.on, date(2026, 6, 12))
    save(qtbot, dialog)
    assert dialog.isVisible()  # Art. 36(2): when, and what is released
    assert dialog.error("provision_time").text() == "予以公开的,请写明提供的时间"
    assert dialog.error("materials").isVisible()
    assert dialog.provision_place.text() == "示范县城关镇人民路1号 100000"  # the applicant's address, for post
    type_text(qtbot, dialog.provision_time, "随本告知书一并邮寄")
    type_text(qtbot, dialog.materials, "《2025年道路硬化工程招标文件》")
    save(qtbot, dialog)
    assert closed(dialog)

    case = cases.get_case(gui_db, case_id)
    assert case.status is Status.REPLIED and case.result_key == "disclosed" and case.closed_on == date(2026, 6, 12)
    assert review.reply_details(gui_db, case_id)["provision_way"] == "post"
    assert view.info.text().startswith(f"已答复:{label('disclosed')}")
    wait_idle(qtbot, ctx)  # the reply notice is issued in the worker and previewed
    assert [d.kind for d in documents.documents_of(gui_db, case_id)] == ["reply"]
    assert view.review_buttons["deliver"].isEnabled() and view.review_buttons["appeal"].isEnabled()
    assert not view.review_buttons["reply"].isEnabled()


def test_partly_disclosed_needs_the_withheld_part(qtbot, gui_db, staff, make_ctx, case_id):
    signed(gui_db, staff, case_id, "separable", "process_info")
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["reply"])
    dialog = view.dialog
    assert dialog.result.currentText() == label("partly_disclosed")
    assert dialog.withheld_part.isVisible() and dialog.withheld_reason.isVisible()
    assert dialog.refusal_note.isVisible()  # the withheld part goes to 行政复议 first
    assert not dialog.responsible_body.isVisible()
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error("withheld_part").text() == "部分公开的,须写明不予公开的部分及理由:请写明哪一部分不予公开"
    assert dialog.error("withheld_ground").isVisible() and dialog.error("withheld_reason").isVisible()
    type_text(qtbot, dialog.withheld_part, "会议讨论记录")
    type_text(qtbot, dialog.withheld_reason, "属于过程性信息")
    save(qtbot, dialog)
    assert dialog.isVisible()  # the ground is a choice of Art. 14–16, not only the free text
    assert dialog.error("withheld_ground").text().startswith("部分公开的,请选择不予公开部分的理由类别")
    choose(dialog.withheld_ground, "process_info")
    save(qtbot, dialog)
    assert closed(dialog)
    details = review.reply_details(gui_db, case_id)
    assert (details["withheld_part"], details["withheld_reason"]) == ("会议讨论记录", "属于过程性信息")
    assert details["withheld_ground"] == "process_info"
    wait_idle(qtbot, view.ctx)


def test_delivery_by_post_needs_a_tracking_number_then_offers_the_certificate(qtbot, gui_db, staff, make_ctx,
                                                                               case_id):
    replied(gui_db, staff, case_id)
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx, case_id)
    click(qtbot, view.review_buttons["deliver"])
    dialog = view.dialog
    assert isinstance(dialog, DeliveryDialog)
    assert dialog.method.currentText() == "邮寄送达"  # the applicant asked for post
    assert dialog.tracking_no.isVisible() and not dialog.signed_by.isVisible() and not dialog.email.isVisible()
    choose(dialog.method, "in_person")
    assert dialog.signed_by.isVisible() and not dialog.tracking_no.isVisible()
    choose(dialog.method, "post")
    save(qtbot, dialog)
    assert dialog.error("tracking_no").text() == "邮寄送达的,请填写邮件单号"
    type_text(qtbot, dialog.tracking_no, "1234567890123")
    type_date(qtbot, dialog.on, date(2026, 6, 11))
    save(qtbot, dialog)
    assert closed(dialog)

    case = cases.get_case(gui_db, case_id)
    assert case.status is Status.CLOSED and case.delivered_on == date(2026, 6, 11)
    assert view.status.text().startswith("已办结")
    assert not view.review_buttons["deliver"].isEnabled()
    assert view.review_buttons["deliver"].toolTip() == "已登记送达"
    assert view.offer_button.isVisible() and view.offer_button.text() == "打印送达回证…"
    click(qtbot, view.offer_button)
    wait_idle(qtbot, ctx)
    assert "delivery" in [d.kind for d in documents.documents_of(gui_db, case_id)]
    assert not view.offer_button.isVisible()


def test_an_appeal_is_recorded_and_its_result_entered(qtbot, gui_db, staff, make_ctx, case_id):
    replied(gui_db, staff, case_id)
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert view.appeals_label.text() == "复议/诉讼:无"
    click(qtbot, view.review_buttons["appeal"])
    dialog = view.dialog
    assert isinstance(dialog, AppealDialog)
    assert not dialog.result_on.isVisible()  # 尚未审结
    type_date(qtbot, dialog.filed_on, date(2026, 6, 12))
    type_text(qtbot, dialog.body, "示范县人民政府")
    save(qtbot, dialog)
    assert closed(dialog)
    assert view.info.text() == "已登记行政复议(2026-06-12),尚未审结。"
    assert "行政复议,2026-06-12 提出,示范县人民政府;尚未审结" in view.appeals_label.text()

    click(qtbot, view.review_buttons["appeal"])
    dialog = view.dialog
    [appeal] = review.appeals_of(gui_db, case_id)
    choose(dialog.target, appeal.id)
    assert not dialog.kind.isEnabled() and dialog.body.text() == "示范县人民政府"
    save(qtbot, dialog)  # still 尚未审结
    assert dialog.error("result").text() == "请选择结果:维持、纠正或其他结果"
    choose(dialog.result, "upheld")
    assert dialog.result_on.isVisible()
    type_date(qtbot, dialog.result_on, date(2026, 6, 1))
    save(qtbot, dialog)
    assert dialog.error("result_on").text() == "结果日期不能早于申请或起诉日期"
    type_date(qtbot, dialog.result_on, date(2026, 6, 14))
    save(qtbot, dialog)
    assert closed(dialog)
    assert "示范县人民政府;维持(2026-06-14)" in view.appeals_label.text()
    assert review.appeals_of(gui_db, case_id)[0].result == "upheld"


def test_each_role_sees_its_own_steps(qtbot, staff, make_ctx, case_id):
    clerk = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert "审核签发…" not in visible_button_texts(clerk)
    assert {"审查…", "答复…", "送达…", "复议/诉讼…"} <= visible_button_texts(clerk)
    assert clerk.review_buttons["reply"].toolTip() == "尚未完成审查:审查经审核签发后才能答复"

    reviewer = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    assert {"审查…", "答复…", "送达…", "复议/诉讼…"}.isdisjoint(visible_button_texts(reviewer))
    assert "审核签发…" in visible_button_texts(reviewer)
    assert not reviewer.review_buttons["signoff"].isEnabled()
    assert reviewer.review_buttons["signoff"].toolTip() == "没有待审核的审查"

    head = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    assert {"审查…", "审核签发…", "答复…", "送达…", "复议/诉讼…"} <= visible_button_texts(head)

    admin = open_view(qtbot, make_ctx(staff["admin"], TODAY), case_id)
    assert {"审查…", "审核签发…", "答复…", "送达…", "复议/诉讼…"}.isdisjoint(visible_button_texts(admin))


def test_material_to_be_released_is_attached_to_the_case(qtbot, gui_db, staff, make_ctx, case_id, tmp_path,
                                                         monkeypatch):
    material = tmp_path / "招标文件.pdf"
    material.write_bytes(b"%PDF-1.4 release material")
    monkeypatch.setattr(file_dialogs, "open_file_names", lambda *_args, **_kw: [str(material)])
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx, case_id)
    click(qtbot, view.review_buttons["review"])
    dialog = view.dialog
    click(qtbot, dialog.release_button)
    wait_idle(qtbot, ctx)
    assert [dialog.release_list.item(i).text() for i in range(dialog.release_list.count())] == ["招标文件.pdf"]
    with gui_db.read() as s:
        assert list(s.execute(select(Attachment.filename, Attachment.purpose))) == [("招标文件.pdf", "release")]
    assert view.attachment_list.item(0).text().startswith("招标文件.pdf")


def test_the_head_corrects_a_result_in_a_locked_period_on_the_record(qtbot, gui_db, staff, make_ctx, case_id):
    from workstation.gui.dialogs.correct_result_dialog import CorrectResultDialog
    from workstation.services import tally

    replied(gui_db, staff, case_id)
    tally.lock_period(gui_db, staff["head"].actor(), date(2026, 6, 1), date(2026, 6, 30))
    clerk = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert "更正结果…" not in visible_button_texts(clerk)

    view = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    button = view.review_buttons["correct_result"]
    assert button.isVisible() and button.isEnabled()
    click(qtbot, button)
    dialog = view.dialog
    assert isinstance(dialog, CorrectResultDialog)
    assert dialog.result.currentData() == "unavailable.not_held"  # the recorded result, to be changed
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.error("result").text() == "办理结果和办结日期都没有改变,无需更正"
    choose(dialog.result, "partly_disclosed")
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.error("reason").text() == "请填写更正理由"
    assert dialog.result.currentData() == "partly_disclosed"  # the choice is kept
    type_text(qtbot, dialog.reason, "登记错误,实为部分公开")
    save(qtbot, dialog)
    assert closed(dialog) and view.info.text() == "已记录更正。"

    assert cases.get_case(gui_db, case_id).result_key == "partly_disclosed"
    last = cases.timeline(gui_db, case_id)[-1]
    assert last.action == "result_corrected" and last.note == "登记错误,实为部分公开"
    # the locked figures stay as reported, the current ones follow the correction
    locked = tally.locked_figures(gui_db, date(2026, 6, 1), date(2026, 6, 30))
    current = tally.tally(gui_db, date(2026, 6, 1), date(2026, 6, 30))
    assert locked is not None and locked != current.to_json()
    assert locked["table3"]["partly_disclosed"]["natural"] == 0
    assert current.to_json()["table3"]["partly_disclosed"]["natural"] == 1
