"""The case view: deadline, timeline, and the actions each role may take (延期 needs the head)."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import (
    QT_NOISE,
    click,
    closed,
    open_view,
    press_enter,
    replace_text,
    save,
    type_date,
    type_text,
    wait_idle,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from workstation.domain.deadline import cn_date
from workstation.domain.intake import IntakeData
from workstation.domain.status import Status
from workstation.gui.dialogs.close_dialog import CloseDialog
from workstation.gui.dialogs.correct_registration_dialog import CorrectRegistrationDialog
from workstation.gui.dialogs.extension_dialog import ExtensionDialog
from workstation.services import cases

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


def register(db, user, received: date) -> int:
    data = IntakeData(channel="in_person", handed_in_on=received, applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000",
                      content="申请公开本镇2025年道路硬化工程的招标文件")
    return cases.register(db, user.actor(), data, today=TODAY).case.id


@pytest.fixture
def case_id(gui_db, staff) -> int:
    return register(gui_db, staff["clerk"], date(2026, 6, 1))


def test_the_case_shows_its_deadline_day_by_day_and_its_timeline(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    d = cases.deadline(gui_db, case_id, as_of=TODAY)
    assert view.number.text() == "政依申〔2026〕第0001号" and view.status.text() == "办理中"
    assert view.due_label.text() == cn_date(d.due)
    assert view.deadline_labels["count"].text() == f"已用 {d.used} 个工作日,剩余 {d.left} 个工作日"
    lines = [view.explanation.item(i).text() for i in range(view.explanation.count())]
    assert lines == [span.text() for span in d.explanation]
    assert any("不计(周末)" in line for line in lines)
    assert view.timeline_model.rowCount() == 1
    assert view.timeline_model.index(0, 1).data() == "登记"
    assert "110105********002X" in view.id_value.text()
    assert not view.id_button.isVisible()  # a clerk does not see full ID numbers


def test_a_clerk_cannot_extend_the_period(qtbot, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    button = view.buttons["extend"]
    assert button.isVisible() and not button.isEnabled()
    assert button.toolTip() == "需要负责人批准"
    assert "负责人" in view.action_note.text() and view.action_note.isVisible()
    click(qtbot, button)
    assert view.dialog is None
    assert view.buttons["manual_due"].toolTip() == "需要负责人决定"


def test_the_head_extends_after_giving_a_reason(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    before = view.due_label.text()
    button = view.buttons["extend"]
    assert button.isEnabled() and button.toolTip() == ""
    click(qtbot, button)
    dialog = view.dialog
    assert isinstance(dialog, ExtensionDialog) and dialog.isVisible()
    save(qtbot, dialog)  # no reason yet
    assert dialog.isVisible()
    assert dialog.error("reason").isVisible() and "请填写延期理由" in dialog.error("reason").text()

    type_text(qtbot, dialog.reason, "需要调取多年档案,工作量较大")
    save(qtbot, dialog)
    assert closed(dialog)
    d = cases.deadline(gui_db, case_id, as_of=TODAY)
    assert d.due != d.original_due
    assert view.info.isVisible() and view.info.text().startswith("已延期 20 个工作日")
    assert view.due_label.text() == cn_date(d.due) != before
    assert view.deadline_labels["original_due"].text() == cn_date(d.original_due)
    assert "王主任" in view.deadline_labels["extension"].text()
    assert view.timeline_model.index(0, 1).data() == "延期答复"
    assert not view.buttons["extend"].isEnabled()
    assert view.buttons["extend"].toolTip().startswith("本申请已经延期过一次")


def test_the_extension_dialog_offers_the_days_the_office_set(qtbot, gui_db, staff, make_ctx, case_id):
    from workstation.services import office

    office.save_settings(gui_db, staff["admin"].actor(), {"days.extension": 15, "days.reply": 18})
    view = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    click(qtbot, view.buttons["extend"])
    dialog = view.dialog
    assert isinstance(dialog, ExtensionDialog) and dialog.days.maximum() == dialog.days.value() == 15
    [intro] = [label.text() for label in dialog.findChildren(QLabel) if label.objectName() == "hint"]
    assert "不能在18个工作日内答复" in intro and "最长不得超过15个工作日" in intro and "20个工作日" not in intro
    dialog.reject()


def test_extending_after_the_due_date_asks_for_a_reason(qtbot, gui_db, staff, make_ctx):
    late = register(gui_db, staff["clerk"], date(2026, 4, 1))
    view = open_view(qtbot, make_ctx(staff["head"], TODAY), late)
    assert "已逾期" in view.deadline_labels["count"].text()
    click(qtbot, view.buttons["extend"])
    dialog = view.dialog
    assert not dialog.override.isVisible()
    type_text(qtbot, dialog.reason, "档案在外单位")
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.override.isVisible()
    assert "原答复期限" in dialog.error("override_reason").text()
    type_text(qtbot, dialog.override, "延期告知书已于期限内送达,补录")
    save(qtbot, dialog)
    assert closed(dialog) and cases.get_case(gui_db, late).extended


def ask_for_correction(qtbot, view) -> None:
    """补正告知 on 2026-06-03, through its dialog."""
    click(qtbot, view.buttons["correction"])
    dialog = view.dialog
    type_date(qtbot, dialog.on, date(2026, 6, 3))
    type_text(qtbot, dialog.items, "请写明所需信息的名称或文号")
    save(qtbot, dialog)


def test_correction_then_corrected_request_restarts_the_clock(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    ask_for_correction(qtbot, view)
    assert view.status.text() == "待补正"
    assert view.buttons["corrected"].isVisible() and not view.buttons["correction"].isVisible()
    assert view.deadline_labels["correct_by"].text()
    assert "补正期限" in view.timeline_model.index(0, 4).data()

    click(qtbot, view.buttons["corrected"])
    dialog = view.dialog
    type_date(qtbot, dialog.on, date(2026, 6, 10))
    press_enter(qtbot, dialog.on)
    wait_idle(qtbot, view.ctx)
    assert closed(dialog)
    assert view.status.text() == "办理中"
    assert view.deadline_labels["start"].text().startswith(cn_date(date(2026, 6, 10)))
    assert "状态:待补正 → 办理中" in view.timeline_model.index(0, 4).data()
    button = view.buttons["correction"]  # asked once already (Art. 30): not offered again
    assert button.isVisible() and not button.isEnabled() and "一次性" in button.toolTip()


def test_a_date_the_service_refuses_is_shown_beside_the_date(qtbot, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.buttons["pause"])
    dialog = view.dialog
    type_date(qtbot, dialog.on, date(2026, 5, 1))
    press_enter(qtbot, dialog.on)
    wait_idle(qtbot, view.ctx)
    assert dialog.isVisible()
    assert dialog.error("on").text() == "暂停开始日期不能早于收到申请日期"
    type_date(qtbot, dialog.on, date(2026, 6, 5))
    press_enter(qtbot, dialog.on)
    wait_idle(qtbot, view.ctx)
    assert closed(dialog) and view.status.text() == "暂停计时"
    assert view.buttons["resume"].isVisible() and not view.buttons["pause"].isVisible()
    assert view.deadline_labels["pauses"].text().startswith("2026-06-05 起")


def test_closing_needs_a_result_and_then_ends_every_action(qtbot, gui_db, staff, make_ctx, case_id):
    """其他处理办结 offers only the 其他处理 endings; a reply on the substance is made through the review."""
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.buttons["close"])
    dialog = view.dialog
    assert isinstance(dialog, CloseDialog)
    save(qtbot, dialog)
    assert dialog.error("result").text() == "请选择办理结果"
    offered = {dialog.result.itemData(i) for i in range(dialog.result.count())} - {None}
    assert offered == {"other.no_fee", "other.other"}
    dialog.result.setCurrentIndex(dialog.result.findData("other.no_fee"))
    assert "第四十二条" in dialog.basis.text()
    save(qtbot, dialog)
    assert closed(dialog)
    case = cases.get_case(gui_db, case_id)
    assert case.status is Status.REPLIED and case.result_key == "other.no_fee"
    assert view.status.text().startswith("已答复待送达 · 其他处理·申请人逾期未按收费通知要求缴纳费用")
    assert all(not b.isEnabled() and b.toolTip().startswith("本申请已办结") for b in view.buttons.values())


def test_a_reviewer_may_look_at_the_full_id_number_and_it_is_audited(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    assert view.id_button.isVisible()
    qtbot.waitUntil(lambda: not view.id_button.rect().isEmpty())  # laid out
    assert not any(b.isEnabled() for b in view.buttons.values())
    click(qtbot, view.id_button)
    wait_idle(qtbot, view.ctx)
    assert "11010519491231002X" in view.id_value.text()
    assert "查看完整证件号码" in [e.label for e in cases.timeline(gui_db, case_id)]


def test_tab_leaves_a_date_and_ctrl_enter_saves_a_small_dialog(qtbot, gui_db, staff, make_ctx, case_id):
    """One rule for the keyboard: Tab moves between fields, Ctrl+Enter saves from a multi-line box."""
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.buttons["correction"])
    dialog = view.dialog
    type_date(qtbot, dialog.on, date(2026, 6, 3))
    qtbot.keyClick(dialog.on, Qt.Key.Key_Tab)  # not into the month of the date: on to the next field
    first_box = next(iter(dialog.boxes.values()))
    assert dialog.focusWidget() is first_box
    dialog.items.setFocus()
    qtbot.keyClicks(dialog.items, "abc")
    press_enter(qtbot, dialog.items)  # Enter in a multi-line box is a new line
    assert dialog.isVisible() and dialog.items.toPlainText() == "abc\n"
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, view.ctx)
    assert closed(dialog) and view.status.text() == "待补正"


def test_enter_on_a_dashboard_row_opens_the_case(qtbot, gui_db, staff, make_ctx, case_id):
    from workstation.gui.dashboard_view import DashboardView

    ctx = make_ctx(staff["clerk"], TODAY)
    board = DashboardView(ctx)
    qtbot.addWidget(board)
    board.resize(1300, 700)
    board.show()
    board.activateWindow()
    qtbot.waitActive(board)
    wait_idle(qtbot, ctx)  # the dashboard reads when it is shown
    board.select(next(v for v, card in board.cards.items() if card.count))
    assert board.model.rowCount() == 1
    opened: list[int] = []
    board.open_case.connect(opened.append)
    board.table.setFocus()
    board.table.selectRow(0)
    qtbot.keyClick(board.table, Qt.Key.Key_Return)
    assert opened == [case_id]


def test_esc_closes_the_case_window_and_its_size_is_kept(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    view.resize(760, 600)
    size = view.size()  # as large as asked, or as the layout's minimum allows
    view.activateWindow()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()
    again = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert again.size() == size and again.width() == 760


def test_a_write_reloads_only_the_views_it_concerns(qtbot, gui_db, staff, make_ctx, case_id, monkeypatch):
    """Closing one request reloads its window, the register and the shown dashboard; not another request's
    window, nor a hidden dashboard (that one reads when it is next shown)."""
    from workstation.gui import case_view as case_view_module
    from workstation.gui.context import Change
    from workstation.gui.dashboard_view import DashboardView
    from workstation.gui.register_view import RegisterView
    from workstation.services import queries

    reads: list[int] = []
    page_of = case_view_module.case_page
    monkeypatch.setattr(case_view_module, "case_page", lambda db, i, **kw: reads.append(i) or page_of(db, i, **kw))
    boards: list[object] = []
    dashboard_of = queries.dashboard
    monkeypatch.setattr(queries, "dashboard", lambda db, **kw: boards.append(1) or dashboard_of(db, **kw))
    other = register(gui_db, staff["clerk"], date(2026, 6, 2))
    ctx = make_ctx(staff["clerk"], TODAY)
    view, other_view = open_view(qtbot, ctx, case_id), open_view(qtbot, ctx, other)
    table = RegisterView(ctx)
    qtbot.addWidget(table)
    hidden_board = DashboardView(ctx)
    qtbot.addWidget(hidden_board)
    wait_idle(qtbot, ctx)
    assert boards == []  # never shown: never read
    loads: list[int] = []
    table.loaded.connect(loads.append)
    reads.clear()

    click(qtbot, view.buttons["close"])
    dialog = view.dialog
    dialog.result.setCurrentIndex(dialog.result.findData("other.other"))
    save(qtbot, dialog)
    assert reads == [case_id] and view.status.text().startswith("已答复待送达")
    assert other_view.status.text() == "办理中"
    assert loads == [2] and boards == []
    hidden_board.show()
    wait_idle(qtbot, ctx)
    assert boards == [1] and hidden_board.cards["replied"].count == 1

    reads.clear()
    ctx.data_changed(change=Change.of_case(other, register=False))  # e.g. a document issued for the other
    wait_idle(qtbot, ctx)
    assert reads == [other] and loads == [2] and boards == [1]
    ctx.data_changed()  # the calendar or the settings: everything reads again
    wait_idle(qtbot, ctx)
    assert sorted(reads) == sorted([other, case_id, other]) and loads == [2, 2] and boards == [1, 1]


def test_a_dialog_saves_on_the_worker_with_its_save_button_waiting(qtbot, gui_db, staff, make_ctx, case_id):
    import threading

    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx, case_id)
    click(qtbot, view.buttons["withdraw"])
    dialog = view.dialog
    type_text(qtbot, dialog.note, "申请人书面撤回")
    gate = threading.Event()
    ctx.tasks.run(lambda _p: gate.wait(5))  # the worker is busy with something else first
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and not dialog.ok_button.isEnabled() and dialog.saving
    dialog.reject()  # Esc while it saves: the save decides
    assert dialog.isVisible() and dialog.note.toPlainText() == "申请人书面撤回"
    assert cases.get_case(gui_db, case_id).status is Status.OPEN  # nothing written on the GUI thread
    gate.set()
    wait_idle(qtbot, ctx)
    assert closed(dialog) and view.status.text().startswith("已办结")
    assert cases.get_case(gui_db, case_id).closed_on is not None


def test_a_typo_in_the_registration_is_corrected_with_a_reason(qtbot, gui_db, staff, make_ctx, case_id):
    """更正登记信息: the registered fields come pre-filled; only what changed is sent, with the reason."""
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    button = view.review_buttons["correct_registration"]
    assert button.isVisible() and button.isEnabled()
    click(qtbot, button)
    dialog = view.dialog
    assert isinstance(dialog, CorrectRegistrationDialog)
    assert dialog.lines["phone"].text() == "13800138000" and dialog.lines["applicant_name"].text() == "王小明"
    assert dialog.lines["id_number"].text() == "110105********002X"  # a clerk sees it masked, here too
    assert dialog.content.toPlainText() == "申请公开本镇2025年道路硬化工程的招标文件"
    assert dialog.received.date().toPython() == date(2026, 6, 1)
    save(qtbot, dialog)  # nothing changed, no reason
    assert dialog.isVisible() and dialog.error("reason").text() == "请填写更正原因"
    type_text(qtbot, dialog.reason, "申请人来电更正")
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.general_error.text() == "没有需要更正的内容"

    replace_text(qtbot, dialog.lines["phone"], "13900139000")
    save(qtbot, dialog)
    assert closed(dialog)
    assert "已更正登记信息" in view.info.text()
    data_texts = [label.text() for label in view.data_widget.findChildren(QLabel)]
    assert "13900139000" in data_texts and "13800138000" not in data_texts
    assert view.timeline_model.index(0, 1).data() == "更正登记信息"
    assert view.timeline_model.index(0, 4).data() == "联系电话:13800138000 → 13900139000;更正原因:申请人来电更正"
    intake = cases.intake_of(gui_db, case_id, viewer=staff["head"].actor())
    assert intake.id_number == "11010519491231002X"  # the masked number was not sent back


def test_a_masked_id_number_is_corrected_only_in_full(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.review_buttons["correct_registration"])
    dialog = view.dialog
    replace_text(qtbot, dialog.lines["id_number"], "110105********003X")
    type_text(qtbot, dialog.reason, "证件号码录错")
    save(qtbot, dialog)
    assert dialog.isVisible() and "完整" in dialog.error("id_number").text()
    replace_text(qtbot, dialog.lines["id_number"], "11010119900307803X")
    type_date(qtbot, dialog.received, date(2026, 6, 2))
    save(qtbot, dialog)
    assert closed(dialog)
    intake = cases.intake_of(gui_db, case_id, viewer=staff["head"].actor())
    assert intake.id_number == "11010119900307803X" and intake.handed_in_on == date(2026, 6, 2)
    assert cases.get_case(gui_db, case_id).received == date(2026, 6, 2)
    assert "收到申请日期:2026-06-01 → 2026-06-02" in view.timeline_model.index(0, 4).data()


def test_the_corrected_request_s_content_is_recorded_on_receipt(qtbot, gui_db, staff, make_ctx, case_id):
    """收到补正: the dialog offers the registered content to edit; the case page then shows the corrected one."""
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    ask_for_correction(qtbot, view)
    click(qtbot, view.buttons["corrected"])
    dialog = view.dialog
    assert dialog.content.toPlainText() == "申请公开本镇2025年道路硬化工程的招标文件"
    dialog.content.setFocus()
    qtbot.keyClick(dialog.content, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.content, Qt.Key.Key_Delete)
    save(qtbot, dialog)
    assert dialog.isVisible() and "补正后的申请内容" in dialog.error("content").text()
    type_date(qtbot, dialog.on, date(2026, 6, 10))
    type_text(qtbot, dialog.content, "申请公开《示范镇道路硬化工程招标文件》(示政发〔2025〕3号)")
    save(qtbot, dialog)
    assert closed(dialog) and view.status.text() == "办理中"
    corrected = "申请公开《示范镇道路硬化工程招标文件》(示政发〔2025〕3号)"
    assert cases.get_case(gui_db, case_id).content == corrected
    assert corrected in [label.text() for label in view.data_widget.findChildren(QLabel)]
    assert (f"所需政府信息:申请公开本镇2025年道路硬化工程的招标文件 → {corrected}"
            in view.timeline_model.index(0, 4).data())


def test_a_closed_case_window_shows_the_next_case_as_a_new_one(qtbot, gui_db, staff, make_ctx, case_id):
    """The main window keeps a closed case window for the next case (building one is most of the wait): the next
    case opens in it with nothing of the last one shown, not even before its page is read; a window with a
    dialog still open is not kept."""
    from workstation.gui.main_window import MainWindow

    other = register(gui_db, staff["clerk"], date(2026, 3, 2))
    window = MainWindow(make_ctx(staff["head"], TODAY))
    qtbot.addWidget(window)
    window.show()
    first = window.open_case(case_id)
    wait_idle(qtbot, window.ctx)
    first_number = first.number.text()
    assert first_number and first.timeline_model.rowCount() == 1
    first.info.setText("已延期。")
    first.info.show()
    first.close()
    assert case_id not in window.case_windows and window.spare_case is first

    second = window.open_case(other)
    assert second is first and window.case_windows == {other: second} and window.spare_case is None
    shown = [second.number, second.status, second.applicant, *second.deadline_labels.values()]
    assert not any(label.text() for label in shown) and not second.info.isVisible()  # before its page is read
    assert second.explanation.count() == 0 and second.timeline_model.rowCount() == 0
    assert second.data_widget is None and not second.buttons["extend"].isEnabled()
    wait_idle(qtbot, window.ctx)
    fresh = open_view(qtbot, make_ctx(staff["head"], TODAY), other)
    assert second.number.text() == fresh.number.text() != first_number
    assert [label.text() for label in shown] == [label.text() for label in
                                                 [fresh.number, fresh.status, fresh.applicant,
                                                  *fresh.deadline_labels.values()]]
    assert [second.explanation.item(i).text() for i in range(second.explanation.count())] == [
        fresh.explanation.item(i).text() for i in range(fresh.explanation.count())]
    assert second.timeline_model.rowCount() == fresh.timeline_model.rowCount()
    assert {k: b.isEnabled() for k, b in second.buttons.items()} == {k: b.isEnabled() for k, b in fresh.buttons.items()}
    assert second.windowTitle() == fresh.windowTitle()

    click(qtbot, second.buttons["extend"])  # a dialog still open: the window is not kept
    assert isinstance(second.dialog, ExtensionDialog) and second.dialog.isVisible()
    second.close()
    assert window.spare_case is None and other not in window.case_windows
    third = window.open_case(case_id)
    assert third is not second
    wait_idle(qtbot, window.ctx)
    assert third.number.text() == first_number
    third.close()
