"""The reply dialog asks for the reasons each result must state; the repeat finder shows likely repeats."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, closed, press_enter, type_text, wait_idle
from PySide6.QtCore import Qt

from workstation.domain.intake import IntakeData
from workstation.gui.dialogs.reply_dialog import ReplyDialog
from workstation.gui.dialogs.review_dialog import ReviewDialog
from workstation.gui.intake_dialog import IntakeDialog
from workstation.gui.repeats_panel import RepeatsPanel
from workstation.services import cases, documents, office, review

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)
ASKED = "申请公开东风村2024年土地征收补偿安置方案及补偿款发放明细"


def register(db, staff, received: date, content: str = ASKED) -> int:
    data = IntakeData(channel="in_person", handed_in_on=received, applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000", address="示范县城关镇人民路1号",
                      content=content, delivery="pickup")
    return cases.register(db, staff["clerk"].actor(), data, today=TODAY).case.id


def signed(db, staff, case_id: int, *yes: str) -> None:
    answers = {item.id: item.id in yes for item in review.checklist_items(db)}
    review.submit_review(db, staff["clerk"].actor(), case_id, answers, today=TODAY)
    review.sign_off(db, staff["reviewer"].actor(), case_id, today=TODAY)


def open_dialog(qtbot, ctx, case_id: int, result_key: str | None = None) -> ReplyDialog:
    dialog = ReplyDialog(ctx, cases.get_case(ctx.db, case_id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if result_key is not None:
        dialog.result.setCurrentIndex(dialog.result.findData(result_key))
    return dialog


def ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog.ctx)  # the reply is written by the worker


SLOTS = [
    ("withheld.prohibited_by_law", "prohibiting_law", "《中华人民共和国统计法》第二十五条", "法律或行政法规"),
    ("withheld.security_stability", "harm", "公开后可能被用于破坏供水设施", "具体危害"),
    ("other.other", "other_reason", "您的申请实为咨询政策如何适用", "具体理由"),
]


@pytest.mark.parametrize(("result_key", "slot", "typed", "message"), SLOTS)
def test_the_slot_of_the_result_appears_refuses_empty_and_keeps_what_is_typed(qtbot, gui_db, staff, make_ctx,
                                                                               result_key, slot, typed, message):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id)
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert not getattr(dialog, slot).isVisible()  # 予以公开 asks other things
    dialog.result.setCurrentIndex(dialog.result.findData(result_key))
    assert getattr(dialog, slot).isVisible()
    type_text(qtbot, dialog.reason, "经复核改变结论")
    if result_key == "other.other":
        assert dialog.basis.toPlainText() == ""  # the bare Regulation is no basis
        type_text(qtbot, dialog.basis, "《中华人民共和国政府信息公开条例》第二条")
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert message in dialog.error(slot).text() and dialog.error(slot).isVisible()
    type_text(qtbot, getattr(dialog, slot), typed)
    dialog.result.setCurrentIndex(dialog.result.findData("disclosed"))  # look elsewhere and come back
    dialog.result.setCurrentIndex(dialog.result.findData(result_key))
    ok(qtbot, dialog)
    assert closed(dialog)
    assert review.reply_details(gui_db, case_id)[slot] == typed


def test_a_refusal_says_the_notice_will_name_review_first(qtbot, gui_db, staff, make_ctx):
    """复议前置 (《行政复议法》art. 23 para. 1 item (4)) for refusals under Art. 14-16, not for a referral."""
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id)
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id, "withheld.query_matter")
    assert not dialog.refusal_note.isVisible()  # a referral (Art. 36(7)), not a refusal
    dialog.result.setCurrentIndex(dialog.result.findData("partly_disclosed"))  # one act: all of it
    assert dialog.refusal_note.isVisible() and "复议前置" in dialog.refusal_note.text()
    dialog.result.setCurrentIndex(dialog.result.findData("withheld.process_info"))
    assert dialog.refusal_note.isVisible() and "复议前置" in dialog.refusal_note.text()
    dialog.result.setCurrentIndex(dialog.result.findData("disclosed"))
    assert not dialog.refusal_note.isVisible()


def test_third_party_asks_for_the_objection_and_the_weighing(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id)
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id, "withheld.third_party")
    type_text(qtbot, dialog.reason, "经复核改变结论")
    assert dialog.third_party_objection.isVisible() and dialog.weighing.isVisible()
    type_text(qtbot, dialog.third_party_objection, "第三方书面答复不同意公开")
    ok(qtbot, dialog)
    assert dialog.error("weighing").isVisible() and not dialog.error("third_party_objection").isVisible()
    assert dialog.third_party_objection.toPlainText() == "第三方书面答复不同意公开"
    type_text(qtbot, dialog.weighing, "不公开不会对公共利益造成重大影响")
    ok(qtbot, dialog)
    assert closed(dialog)


def test_query_matter_asks_for_the_governing_law_optionally(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id, "query_matter")
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert dialog.governing_law.isVisible()
    type_text(qtbot, dialog.governing_law, "《不动产登记暂行条例》")
    ok(qtbot, dialog)
    assert closed(dialog)
    assert review.reply_details(gui_db, case_id)["governing_law"] == "《不动产登记暂行条例》"


def test_not_responsible_is_a_mark_with_its_reason_and_the_body(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id, "not_held")
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert dialog.not_responsible.isVisible() and not dialog.not_responsible_reason.isVisible()
    dialog.not_responsible.setChecked(True)
    assert dialog.not_responsible_reason.isVisible() and dialog.responsible_body.isVisible()
    type_text(qtbot, dialog.responsible_body, "示范县自然资源局")
    ok(qtbot, dialog)
    assert dialog.error("not_responsible_reason").text().startswith("非本机关负责公开的,请写明理由")
    type_text(qtbot, dialog.not_responsible_reason, "不动产登记资料由县不动产登记机构保存")
    ok(qtbot, dialog)
    assert closed(dialog)
    details = review.reply_details(gui_db, case_id)
    assert details["not_responsible"] and details["responsible_body"] == "示范县自然资源局"


def test_disclosed_offers_the_released_materials_and_the_place_for_the_way(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    signed(gui_db, staff, case_id)
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert dialog.provision_way.currentData() == "pickup"
    dialog.provision_way.setCurrentIndex(dialog.provision_way.findData("post"))
    assert dialog.provision_place.text() == "示范县城关镇人民路1号"
    ok(qtbot, dialog)
    assert dialog.error("provision_time").isVisible() and dialog.error("materials").isVisible()
    type_text(qtbot, dialog.provision_time, "随本告知书一并邮寄")
    type_text(qtbot, dialog.materials, "《补偿安置方案》\n《补偿款发放明细》")
    ok(qtbot, dialog)
    assert closed(dialog)
    assert review.reply_details(gui_db, case_id)["materials"] == ["《补偿安置方案》", "《补偿款发放明细》"]


def test_repeated_picks_the_earlier_request_from_the_register(qtbot, gui_db, staff, make_ctx):
    clerk = staff["clerk"].actor()
    earlier = register(gui_db, staff, date(2026, 5, 4))
    signed(gui_db, staff, earlier)
    review.reply(gui_db, clerk, earlier, review.ReplyData(
        "disclosed", date(2026, 5, 8), provision_way="pickup", provision_place="便民服务中心",
        provision_time="工作时间", materials=("《补偿安置方案》",)), today=TODAY)
    notice = documents.issue(gui_db, clerk, earlier, "reply", today=date(2026, 5, 8))
    unrelated = register(gui_db, staff, date(2026, 5, 5), "申请公开2023年度本镇财政预算执行情况")
    signed(gui_db, staff, unrelated)
    review.reply(gui_db, clerk, unrelated, review.ReplyData(
        "disclosed", date(2026, 5, 9), published_at="本镇政府网站", materials=("《2023年预算执行报告》",)),
        today=TODAY)
    again = register(gui_db, staff, date(2026, 6, 1), ASKED + "表")
    signed(gui_db, staff, again, "repeated")
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx, again)
    assert dialog.earlier_request.isVisible()
    wait_idle(qtbot, ctx)  # the register is searched on the worker
    texts = [dialog.earlier_request.itemText(i) for i in range(dialog.earlier_request.count())]
    assert len(texts) == 3 and "相似度" in texts[1] and notice.number in texts[1]
    assert dialog.earlier_request.currentData() == earlier  # the most similar is offered
    assert "相似度" in texts[2]  # the unrelated one is listed too, lower, with its score
    assert not dialog.earlier_doc_number.isVisible()  # its notice is in the register
    dialog.earlier_request.setCurrentIndex(2)
    assert dialog.earlier_doc_number.isVisible()  # no notice of it in the register: type its 文号
    dialog.earlier_request.setCurrentIndex(0)
    ok(qtbot, dialog)
    assert dialog.error("earlier_request").isVisible()
    dialog.earlier_request.setCurrentIndex(1)
    ok(qtbot, dialog)
    assert closed(dialog)
    details = review.reply_details(gui_db, again)
    assert details["earlier_doc_number"] == notice.number and details["earlier_replied_on"] == "2026-05-08"


def test_the_review_and_the_intake_point_out_likely_repeats(qtbot, gui_db, staff, make_ctx):
    earlier = register(gui_db, staff, date(2026, 5, 4))
    register(gui_db, staff, date(2026, 5, 5), "申请公开2023年度本镇财政预算执行情况")
    again = register(gui_db, staff, date(2026, 6, 1), ASKED + "表")
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = ReviewDialog(ctx, cases.get_case(gui_db, again))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, ctx)
    panel = dialog.findChild(RepeatsPanel)
    assert panel.isVisible() and [e.id for e in panel.earlier] == [earlier]
    assert "相似度" in panel.lines.text() and cases.get_case(gui_db, earlier).number in panel.lines.text()
    alone = register(gui_db, staff, date(2026, 6, 2), "申请公开本镇敬老院建设项目验收报告")
    quiet = RepeatsPanel.for_case(ctx, alone)
    qtbot.addWidget(quiet)
    wait_idle(qtbot, ctx)
    assert quiet.earlier == [] and quiet.isHidden()


def test_the_intake_points_out_likely_repeats_after_saving(qtbot, gui_db, staff, make_ctx):
    earlier = register(gui_db, staff, date(2026, 5, 4))
    ctx = make_ctx(staff["clerk"], TODAY)
    intake = IntakeDialog(ctx)
    qtbot.addWidget(intake, before_close_func=lambda d: d.discard())
    intake.show()
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, "请公开东风村2024年度土地征收补偿安置方案和补偿款发放明细表")
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1
    wait_idle(qtbot, ctx)
    assert intake.repeats_panel.isVisible() and [e.id for e in intake.repeats_panel.earlier] == [earlier]
    assert "相似度" in intake.repeats_panel.lines.text()


def test_the_materials_set_aside_in_the_review_are_offered(qtbot, gui_db, staff, make_ctx, tmp_path):
    case_id = register(gui_db, staff, date(2026, 6, 1))
    scan = tmp_path / "补偿安置方案.pdf"
    scan.write_bytes(b"%PDF-1.4 test")
    office.add_attachment(gui_db, staff["clerk"].actor(), case_id, scan, purpose="release")
    intake_scan = tmp_path / "身份证复印件.jpg"
    intake_scan.write_bytes(b"jpg")
    office.add_attachment(gui_db, staff["clerk"].actor(), case_id, intake_scan)  # not material to release
    signed(gui_db, staff, case_id)
    dialog = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert dialog.materials.toPlainText() == "补偿安置方案.pdf"
