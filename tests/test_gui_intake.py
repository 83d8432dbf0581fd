"""Registering a request at the window, from the keyboard (登记)."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, press_enter, type_date, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.domain.deadline import cn_date
from workstation.gui.intake_dialog import IntakeDialog
from workstation.gui.main_window import MainWindow
from workstation.services import cases, queries
from workstation.services.users import SYSTEM_ACTOR

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)  # a Monday
CONTENT = "申请公开本镇2025年道路硬化工程的招标文件和中标结果"


@pytest.fixture
def intake(qtbot, staff, make_ctx) -> IntakeDialog:
    dialog = IntakeDialog(make_ctx(staff["clerk"], TODAY))
    # closing the window would ask whether to drop the typed data
    qtbot.addWidget(dialog, before_close_func=lambda d: d.discard())
    dialog.show()
    return dialog


def tab(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)


def fill(qtbot, intake, name: str = "王小明", received: date = TODAY) -> None:
    type_date(qtbot, intake.dates["handed_in_on"], received)
    type_text(qtbot, intake.applicant_name, name)
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, CONTENT)


def answer(qtbot, intake, button: str) -> str:
    """Answer the question asked before saving by the text of a button; returns what it said."""
    box = intake.warning_box
    assert box is not None and box.isVisible()
    text = box.text()
    [chosen] = [b for b in box.buttons() if b.text() == button]
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, intake.ctx)
    return text


def register_wang(qtbot, dialog: IntakeDialog, id_number: str = "11010519491231002X", enter_in: str = "phone") -> None:
    """Type a natural person's request (王小明) and register it with Enter (in the field ``enter_in``)."""
    type_text(qtbot, dialog.applicant_name, "王小明")
    qtbot.keyClicks(dialog.id_number, id_number)
    qtbot.keyClicks(dialog.phone, "13800138000")
    type_text(qtbot, dialog.content, CONTENT)
    press_enter(qtbot, getattr(dialog, enter_in))
    wait_idle(qtbot, dialog.ctx)


def test_registering_from_the_keyboard_shows_number_and_dates(qtbot, intake, gui_db):
    assert intake.focusWidget() is intake.applicant_name
    type_text(qtbot, intake.applicant_name, "王小明")
    tab(qtbot, intake)
    assert intake.focusWidget() in (intake.id_type, intake.id_type.lineEdit())
    tab(qtbot, intake)
    assert intake.focusWidget() is intake.id_number
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    tab(qtbot, intake)
    assert intake.focusWidget() is intake.phone  # the organisation's rows are hidden for a person
    qtbot.keyClicks(intake.phone, "13800138000")
    for _ in range(4):
        tab(qtbot, intake)
    assert intake.focusWidget() is intake.content
    type_text(qtbot, intake.content, CONTENT)
    press_enter(qtbot, intake.phone)  # Enter in a one-line field saves
    wait_idle(qtbot, intake.ctx)

    assert intake.stack.currentIndex() == 1
    number = intake.result_number.text()
    assert number == "政依申〔2026〕第0001号"
    case = cases.find_by_number(gui_db, number)
    assert case.applicant_name == "王小明" and case.content == CONTENT and case.received == TODAY
    assert intake.result_due.text() == cn_date(case.due)
    panel = " ".join(label.text() for label in intake.result_page.findChildren(type(intake.result_number)))
    assert cn_date(TODAY) in panel and "补正告知期限" in panel
    assert intake.print_button.isVisible() and intake.print_button.isDefault()  # Enter prints the receipt


def test_ctrl_enter_in_the_request_text_saves_and_enter_there_starts_a_line(qtbot, intake, gui_db):
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, "第一行")
    press_enter(qtbot, intake.content)
    wait_idle(qtbot, intake.ctx)
    type_text(qtbot, intake.content, "第二行")
    assert intake.stack.currentIndex() == 0
    qtbot.keyClick(intake.content, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1
    assert cases.find_by_number(gui_db, intake.result_number.text()).content == "第一行\n第二行"

    press_enter(qtbot, intake.next_button)  # Enter again: the next applicant, on an empty form
    assert intake.stack.currentIndex() == 0 and intake.applicant_name.text() == ""


def test_a_validation_error_appears_beside_its_field_and_keeps_what_was_typed(qtbot, intake, gui_db):
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.address, "示范县城关镇人民路1号")
    type_text(qtbot, intake.content, CONTENT)
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)

    error = intake.error("applicant_name")
    assert error.isVisible() and error.text() == "请填写申请人姓名或名称"
    assert not intake.error("phone").isVisible() and not intake.error("content").isVisible()
    assert intake.stack.currentIndex() == 0
    assert intake.id_number.text() == "11010519491231002X" and intake.phone.text() == "13800138000"
    assert intake.address.text() == "示范县城关镇人民路1号" and intake.content.toPlainText() == CONTENT
    assert intake.focusWidget() is intake.applicant_name
    assert queries.count_cases(gui_db, queries.CaseFilter()) == 0

    type_text(qtbot, intake.applicant_name, "王小明")
    press_enter(qtbot, intake.applicant_name)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1 and not error.isVisible()


def test_a_wrong_check_digit_asks_for_a_reason_and_then_goes_on(qtbot, intake, gui_db):
    assert not intake.id_override_reason.isVisible()
    register_wang(qtbot, intake, id_number="110105194912310021", enter_in="id_number")

    assert "校验位不符" in intake.error("id_number").text() and intake.error("id_number").isVisible()
    assert intake.id_override_reason.isVisible()
    type_text(qtbot, intake.id_override_reason, "旧证件,已核对原件")
    press_enter(qtbot, intake.id_override_reason)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1
    case = cases.find_by_number(gui_db, intake.result_number.text())
    assert cases.intake_of(gui_db, case.id, viewer=SYSTEM_ACTOR).id_override_reason == "旧证件,已核对原件"


def test_fields_follow_the_applicant_kind_and_the_channel(qtbot, intake):
    assert intake.dates["handed_in_on"].isVisible() and not intake.dates["signed_on"].isVisible()
    intake.channel.setFocus()
    intake.channel.setCurrentIndex(intake.channel.findData("registered_post"))
    assert intake.dates["signed_on"].isVisible() and not intake.dates["handed_in_on"].isVisible()
    assert intake.channel_rule.text() == "邮寄(需签收):以本机关签收之日为收到申请之日"

    intake.applicant_kind.setCurrentIndex(intake.applicant_kind.findData("commercial"))
    assert intake.legal_representative.isVisible() and intake.contact_person.isVisible()
    assert not intake.id_type.isVisible()
    assert intake.form.fields["id_number"].label.text() == "统一社会信用代码"
    type_text(qtbot, intake.applicant_name, "宏达建筑工程有限公司")
    qtbot.keyClicks(intake.id_number, "91110105MA01234567")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, CONTENT)
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    assert intake.error("legal_representative").text() == "请填写法定代表人或负责人姓名"
    assert intake.error("signed_on").isHidden()


def test_escape_asks_before_discarding_typed_data(qtbot, intake, monkeypatch):
    asked = []

    def answer(choice):
        def question(*_args, **_kw):
            asked.append(True)
            return choice
        return question

    type_text(qtbot, intake.applicant_name, "王小明")
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(intake.applicant_name, Qt.Key.Key_Escape)
    assert asked and intake.isVisible() and intake.applicant_name.text() == "王小明"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    qtbot.keyClick(intake.applicant_name, Qt.Key.Key_Escape)
    assert not intake.isVisible()


def test_escape_on_an_untouched_form_just_closes(qtbot, intake, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("should not ask"))
    qtbot.keyClick(intake.applicant_name, Qt.Key.Key_Escape)
    assert not intake.isVisible()


def test_attachments_are_stored_with_the_case(qtbot, intake, gui_db, tmp_path):
    from workstation.services.office import list_attachments

    scan = tmp_path / "申请表.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned form")
    intake.add_attachment(scan)
    register_wang(qtbot, intake)
    qtbot.waitUntil(lambda: "已保存 1 个附件" in intake.attachment_note.text())
    case = cases.find_by_number(gui_db, intake.result_number.text())
    assert [a.filename for a in list_attachments(gui_db, case.id)] == ["申请表.pdf"]
    assert "添加附件" in [e.label for e in cases.timeline(gui_db, case.id)]


def test_dashboard_counts_change_after_registering(qtbot, staff, make_ctx):
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    dashboard = window.dashboard
    wait_idle(qtbot, window.ctx)
    assert dashboard.cards["due_soon"].count == 0 and "未办结 0 件" in dashboard.title.text()

    qtbot.mouseClick(dashboard.new_button, Qt.MouseButton.LeftButton)
    intake = window.intake
    assert intake is not None and intake.isVisible()
    type_date(qtbot, intake.dates["handed_in_on"], date(2026, 5, 20))  # 18 working days ago
    register_wang(qtbot, intake)
    assert "只剩 2 个工作日" in answer(qtbot, intake, "仍然登记")  # due soon: asked before saving
    assert intake.stack.currentIndex() == 1

    wait_idle(qtbot, window.ctx)
    assert dashboard.cards["due_soon"].count == 1
    assert "未办结 1 件" in dashboard.title.text()
    assert dashboard.current == "due_soon" and dashboard.model.rowCount() == 1
    assert dashboard.model.row_object(0).case.applicant_name == "王小明"
    assert dashboard.model.row_object(0).note.startswith("还剩")


def test_ctrl_n_opens_the_intake_from_anywhere_in_the_main_window(qtbot, staff, make_ctx):
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # shortcuts reach the active window only
        window.show()
        window.activateWindow()
    window.show_page("holidays")
    window.holidays.year.setFocus()
    qtbot.keyClick(window.holidays.year, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.intake is not None and window.intake.isVisible()
    assert window.intake.focusWidget() is window.intake.applicant_name
    qtbot.keyClick(window.intake.applicant_name, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert window.intake is None


def test_an_attachment_over_20_mb_is_refused_with_a_message(qtbot, intake, gui_db, tmp_path):
    big = tmp_path / "扫描件.pdf"
    with big.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    intake.add_attachment(big)
    register_wang(qtbot, intake)
    qtbot.waitUntil(lambda: "未能保存" in intake.attachment_note.text())
    assert "超过 20 MB" in intake.attachment_note.text()
    assert intake.stack.currentIndex() == 1  # the request itself is registered


def test_the_next_form_starts_from_today_not_the_last_received_date(qtbot, intake, gui_db):
    type_date(qtbot, intake.dates["handed_in_on"], date(2026, 6, 3))
    register_wang(qtbot, intake)
    assert cases.find_by_number(gui_db, intake.result_number.text()).received == date(2026, 6, 3)
    press_enter(qtbot, intake.next_button)
    assert intake.stack.currentIndex() == 0
    assert {edit.date().toPython() for edit in intake.dates.values()} == {TODAY}


def test_viewing_the_case_hands_over_from_the_intake(qtbot, staff, make_ctx):
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.dashboard.new_button, Qt.MouseButton.LeftButton)
    intake = window.intake
    register_wang(qtbot, intake)
    [view] = [b for b in intake.result_page.findChildren(type(intake.next_button)) if b.text() == "查看案件"]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton)
    assert not intake.isVisible()  # the result panel would block the case window's actions
    case_windows = [w for w in window.findChildren(QWidget) if type(w).__name__ == "CaseView" and w.isVisible()]
    assert case_windows
    for w in case_windows:
        w.close()


def test_a_received_date_near_its_due_date_is_asked_about_before_saving(qtbot, intake, gui_db):
    """Checked on the worker (no SQL on the GUI thread); nothing is saved until the clerk says 仍然登记."""
    from test_gui_responsive import GuiThreadSql

    fill(qtbot, intake, received=date(2026, 5, 19))  # 19 working days ago
    with GuiThreadSql(gui_db.engine) as asking:
        press_enter(qtbot, intake.phone)
        wait_idle(qtbot, intake.ctx)
    said = intake.warning_box.text()
    assert "2026年5月19日" in said and "答复期限为2026年6月16日" in said and "只剩 1 个工作日" in said
    assert intake.warning_box.defaultButton().text() == "返回修改"
    assert queries.count_cases(gui_db, queries.CaseFilter()) == 0
    qtbot.keyClick(intake.warning_box, Qt.Key.Key_Escape)  # Esc: back to the form, as typed
    wait_idle(qtbot, intake.ctx)
    assert intake.warning_box is None and intake.stack.currentIndex() == 0
    assert intake.save_button.isEnabled() and intake.applicant_name.text() == "王小明"
    assert queries.count_cases(gui_db, queries.CaseFilter()) == 0

    type_date(qtbot, intake.dates["handed_in_on"], date(2026, 5, 15))
    with GuiThreadSql(gui_db.engine) as registering:
        press_enter(qtbot, intake.phone)
        wait_idle(qtbot, intake.ctx)
        assert "答复期限为2026年6月12日,已超过答复期限 1 个工作日" in answer(qtbot, intake, "仍然登记")
    assert intake.stack.currentIndex() == 1
    assert asking.statements == [] and registering.statements == []
    case = cases.find_by_number(gui_db, intake.result_number.text())
    assert case.received == date(2026, 5, 15)


def test_the_same_id_number_under_another_name_is_pointed_out(qtbot, intake, gui_db, staff):
    from workstation.domain.intake import IntakeData

    earlier = cases.register(gui_db, staff["clerk"].actor(), IntakeData(
        handed_in_on=date(2026, 6, 1), applicant_name="王晓明", id_number="11010519491231002X",
        phone="13800138000", content=CONTENT), today=TODAY).case
    fill(qtbot, intake, name="王小明")
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    said = answer(qtbot, intake, "返回修改")
    assert "“王晓明”" in said and earlier.number in said and "“王小明”" in said
    assert intake.stack.currentIndex() == 0 and queries.count_cases(gui_db, queries.CaseFilter()) == 1
    intake.applicant_name.clear()
    type_text(qtbot, intake.applicant_name, "王晓明")  # the name was the typo
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    assert intake.warning_box is None and intake.stack.currentIndex() == 1


def test_an_intake_closed_opens_again_as_a_new_one(qtbot, staff, make_ctx, gui_db):
    """The main window keeps a closed intake for the next applicant (building its form is most of the wait):
    it opens again exactly as a new one would, also after a registration; one still printing is not kept."""
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    fresh = IntakeDialog(window.ctx)
    qtbot.addWidget(fresh, before_close_func=lambda d: d.discard())

    def looks_new(dialog: IntakeDialog) -> None:
        assert dialog.isVisible() and dialog.stack.currentIndex() == 0 and not dialog.is_dirty()
        assert dialog._collect() == fresh._collect() and dialog.last is None and dialog.receipt is None
        assert dialog.focusWidget() is dialog.applicant_name and dialog.save_button.isDefault()
        assert not dialog.form.is_visible("id_override_reason") and not dialog.general_error.text()

    first = window.open_intake()
    looks_new(first)
    first.channel.setCurrentIndex(first.channel.findData("online"))
    first.applicant_kind.setCurrentIndex(2)
    first.id_type.setEditText("旧式证件")
    type_text(qtbot, first.applicant_name, "王小明")
    first.discard()
    assert window.intake is None

    again = window.open_intake()
    assert again is first and window.intake is again
    looks_new(again)

    type_date(qtbot, again.dates["handed_in_on"], date(2026, 6, 3))
    register_wang(qtbot, again)
    assert again.stack.currentIndex() == 1 and again.last is not None
    again.accept()  # 关闭 on the result panel
    third = window.open_intake()
    assert third is again
    looks_new(third)
    assert {edit.date().toPython() for edit in third.dates.values()} == {TODAY}

    third.issuing_receipt = True  # a receipt still being made when it closes: not kept
    third.discard()
    assert window.spare_intake is None
    fourth = window.open_intake()
    assert fourth is not third
    looks_new(fourth)
    fourth.discard()
