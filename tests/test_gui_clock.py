"""The clock on screen: the delivery dialog's counting date and courier warning, the case view's 按期/逾期 line."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from helpers.gui import QT_NOISE, closed, save, type_date, type_text, wait_idle
from test_gui_review import choose, click, open_view, replied

from workstation.domain.intake import IntakeData
from workstation.domain.status import Status
from workstation.gui.dialogs.delivery_dialog import DeliveryDialog
from workstation.gui.pdf_preview_dialog import PdfPreviewDialog
from workstation.services import cases

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 7, 15)
RECEIVED = date(2026, 6, 1)
DUE = date(2026, 6, 30)  # 20 working days after 6-01 (端午 6-19 is off)


@pytest.fixture
def case_id(gui_db, staff) -> int:
    data = IntakeData(channel="in_person", handed_in_on=RECEIVED, applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000", email="wxm@example.com",
                      address="示范县城关镇人民路1号", postcode="100000",
                      content="申请公开本镇2025年道路硬化工程的招标文件", delivery="post")
    return cases.register(gui_db, staff["clerk"].actor(), data, today=TODAY).case.id


def test_due_date_of_the_fixture(gui_db, case_id):
    assert cases.get_case(gui_db, case_id).due == DUE


def test_posting_by_a_courier_warns_and_needs_a_reason(qtbot, gui_db, staff, make_ctx, case_id):
    replied(gui_db, staff, case_id)
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert "尚未送达" in view.deadline_labels["count"].text()
    assert view.deadline_labels["on_time"].text().startswith("待送达")
    click(qtbot, view.review_buttons["deliver"])
    dialog = view.dialog
    assert isinstance(dialog, DeliveryDialog)
    assert dialog.form.fields["on"].label.text() == "交邮日期"
    assert not dialog.carrier_warning.isVisible()
    choose(dialog.carrier, "other")
    assert dialog.carrier_warning.isVisible() and "235号" in dialog.carrier_warning.text()
    type_text(qtbot, dialog.tracking_no, "SF1234567890")
    type_date(qtbot, dialog.on, DUE)
    assert dialog.verdict.text().startswith("按期")
    save(qtbot, dialog)
    assert dialog.isVisible() and "235号" in dialog.error("override_reason").text()
    type_text(qtbot, dialog.override, "顺丰速运,经办人误用")
    save(qtbot, dialog)
    assert closed(dialog)
    assert cases.get_case(gui_db, case_id).status is Status.CLOSED
    assert view.deadline_labels["on_time"].text().startswith("按期:以交邮之日2026年6月30日计")


def test_handing_over_the_day_after_the_due_date_is_late(qtbot, gui_db, staff, make_ctx, case_id):
    replied(gui_db, staff, case_id)
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["deliver"])
    dialog = view.dialog
    choose(dialog.method, "in_person")
    assert dialog.form.fields["on"].label.text() == "签收日期"
    type_date(qtbot, dialog.on, date(2026, 7, 1))
    assert dialog.verdict.text().startswith("逾期 1 个工作日")
    type_text(qtbot, dialog.signed_by, "王小明")
    save(qtbot, dialog)
    assert closed(dialog)
    assert view.deadline_labels["on_time"].text().startswith("逾期 1 个工作日:以签收之日2026年7月1日计")


def test_the_tally_screen_shows_the_on_time_rate_apart(qtbot, gui_db, staff, make_ctx, case_id):
    from test_gui_tally import open_view as open_tally

    from workstation.services import review

    replied(gui_db, staff, case_id)
    review.deliver(gui_db, staff["clerk"].actor(), case_id, "post", date(2026, 7, 1), tracking_no="1150012345678",
                   carrier="ems", today=TODAY)
    view = open_tally(qtbot, make_ctx(staff["clerk"], TODAY))  # the current year, 2026
    text = view.on_time_label.text()
    assert text.startswith("表外统计(不属于法定统计表):按期办结率 0.0%(已送达 1 件,其中按期 0 件、逾期 1 件)")


def test_a_posted_letter_shows_an_estimate_until_its_receipt_is_entered(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], date(2026, 6, 15)), case_id)
    assert not view.buttons["letter_received"].isVisible()
    click(qtbot, view.buttons["pause"])
    dialog = view.dialog
    type_text(qtbot, dialog.party, "某建筑公司")
    choose(dialog.way, "post")
    type_date(qtbot, dialog.on, date(2026, 6, 2))
    save(qtbot, dialog)
    assert closed(dialog) and "预计" in view.info.text()
    assert "第三方答复期限至2026年6月29日" in view.info.text()  # the third party's date, not a "答复(缴费)期限"
    # posted 6-02 + 3 days = 6-05 (Friday); 15 working days after it, 端午 6-19 off: 2026-06-29
    assert "提出意见期限:2026年6月29日(预计" in view.deadline_labels["pauses"].text()
    assert view.buttons["letter_received"].isVisible() and view.buttons["letter_received"].isEnabled()
    click(qtbot, view.buttons["letter_received"])
    dialog = view.dialog
    assert "第三方意见征询函" in dialog.about.text()
    type_date(qtbot, dialog.on, date(2026, 6, 8))
    save(qtbot, dialog)
    assert closed(dialog)
    text = view.deadline_labels["pauses"].text()
    assert "提出意见期限:2026年6月30日(于2026年6月8日收到" in text and "预计" not in text


def test_the_deadline_panel_prints_the_explanation(qtbot, gui_db, staff, make_ctx, case_id):
    from helpers.gui import wait_idle

    from workstation.services import documents

    ctx = make_ctx(staff["clerk"], date(2026, 6, 15))
    view = open_view(qtbot, ctx, case_id)
    assert view.print_explanation_button.isEnabled()
    click(qtbot, view.print_explanation_button)
    wait_idle(qtbot, ctx)
    [doc] = [d for d in documents.documents_of(gui_db, case_id) if d.kind == "deadline-explanation"]
    assert doc.number is None and doc.label == "办理时限计算说明"


def test_the_dashboard_keeps_a_reply_awaiting_delivery_on_the_clock(qtbot, gui_db, staff, make_ctx, case_id):
    from PySide6.QtCore import Qt

    from workstation.gui.dashboard_view import DashboardView
    from workstation.gui.widgets import OVERDUE_BACK, SOON_BACK

    replied(gui_db, staff, case_id)  # replied 6-10, due 6-30, not yet delivered
    soon_ctx = make_ctx(staff["clerk"], date(2026, 6, 26))
    soon = DashboardView(soon_ctx)
    qtbot.addWidget(soon)
    soon.show()  # the dashboard reads when it is shown
    wait_idle(qtbot, soon_ctx)
    click(qtbot, soon.cards["replied"])
    assert soon.current == "replied" and soon.model.rowCount() == 1
    assert soon.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == SOON_BACK
    assert soon.cards["replied"].property("urgent") == "false"
    late_ctx = make_ctx(staff["clerk"], date(2026, 7, 2))
    late = DashboardView(late_ctx)
    qtbot.addWidget(late)
    late.show()  # the dashboard reads when it is shown
    wait_idle(qtbot, late_ctx)
    click(qtbot, late.cards["replied"])
    assert late.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == OVERDUE_BACK
    assert late.model.row_object(0).note.startswith("已过答复期限 2 个工作日")
    assert late.cards["replied"].property("urgent") == "true" and late.cards["replied"].property("state") == "overdue"


def test_a_reply_on_the_spot_from_the_intake_panel(qtbot, gui_db, staff, make_ctx):
    from helpers.gui import press_enter
    from PySide6.QtCore import Qt

    from workstation.gui.intake_dialog import IntakeDialog

    today = date(2026, 6, 15)
    intake = IntakeDialog(make_ctx(staff["clerk"], today))
    qtbot.addWidget(intake, before_close_func=lambda d: d.discard())
    intake.show()
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, "申请公开本镇2026年财政预算")
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1 and intake.on_the_spot_button.isVisible()
    qtbot.mouseClick(intake.on_the_spot_button, Qt.MouseButton.LeftButton)
    dialog = intake.on_the_spot_dialog
    assert dialog.signed_by.text() == "王小明"
    save(qtbot, dialog)
    assert dialog.isVisible() and "获取" in dialog.error("published_at").text()
    type_text(qtbot, dialog.published_at, "本镇人民政府门户网站“财政预决算”栏目")
    save(qtbot, dialog)
    assert dialog.isVisible() and "材料" in dialog.error("materials").text()
    type_text(qtbot, dialog.materials, "示范镇2026年财政预算")
    save(qtbot, dialog)
    assert closed(dialog) and not intake.on_the_spot_button.isVisible()
    assert "已当场答复并办结" in intake.on_the_spot_note.text()
    case = cases.find_by_number(gui_db, intake.result_number.text())
    assert case.status is Status.CLOSED and case.delivered_on == today and case.result_key == "disclosed"
    # the reply notice comes at once, as the receipt does, and a second click shows the same archived one
    from workstation.services import documents

    qtbot.waitUntil(lambda: intake.reply_doc is not None, timeout=20_000)
    assert intake.reply_button.isVisible()
    [issued] = [d for d in documents.documents_of(gui_db, case.id) if d.kind == "reply"]
    assert issued.issued_on == today and issued.number
    text = subprocess.run(["pdftotext", "-", "-"], input=documents.archived_pdf(gui_db, issued.id),
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert "财政预决算" in text and "示范镇2026年财政预算" in text
    qtbot.mouseClick(intake.reply_button, Qt.MouseButton.LeftButton)
    assert len([d for d in documents.documents_of(gui_db, case.id) if d.kind == "reply"]) == 1
    for preview in intake.findChildren(PdfPreviewDialog):
        preview.close()
