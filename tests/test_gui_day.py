"""A clerk's whole day through the screens, as a new user works it: nothing here calls a service directly.

The window opens on the dashboard; a citizen's paper request is typed in and registered; the receipt is
issued; the case is opened from the result; the review is filled in and submitted; the reviewer (at her own
desk) signs it off; the clerk replies, the notice is issued; the applicant signs for it at the window; the
request counts in the month's tally and in the register, and every step stands in the case's record.
The first day of all starts earlier: the first run on an empty register, the administrator adding her
colleagues, and the hand-overs at one desk through 切换用户 without quitting.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from helpers.gui import QT_NOISE, click, closed, open_view, press_enter, save, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from workstation.domain.status import Status
from workstation.gui import file_dialogs
from workstation.gui.case_view import CaseView
from workstation.gui.main_window import MainWindow
from workstation.services import cases, documents, tally

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)  # a Monday
CONTENT = "申请公开本镇2025年道路硬化工程的招标文件和中标结果"
LATIN = re.compile(r"[A-Za-z]{2,}")
PATH = re.compile(r"\S*/\S*")
EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}\b")
ALLOWED = {"PDF", "Excel", "XLSX", "CSV", "Ctrl", "Enter", "Esc", "Tab"}


def latin_words(widget: QWidget) -> set[str]:
    """The Latin words a clerk can read in a window: labels and buttons that are shown."""
    words: set[str] = set()
    for child in [widget, *widget.findChildren(QWidget)]:
        if not child.isVisible():
            continue
        texts = [child.windowTitle()] if child is widget else []
        if isinstance(child, (QLabel, QAbstractButton)):
            texts.append(child.text())
        for text in texts:
            text = PATH.sub("", re.sub(r"<[^>]+>", "", text))  # the register's file path is the office's own
            text = EXTENSION.sub("", text)  # 台账.xlsx: a file's extension is not a word
            words |= {w for w in LATIN.findall(text) if w not in ALLOWED}
    return words


def in_front(qtbot, window: QWidget) -> None:
    """The window has the keyboard, as the one the clerk clicked into (an X server without a window manager
    gives it to no window by itself; offscreen, a closed dialog hands it to none)."""
    with qtbot.waitActive(window):
        window.activateWindow()


def case_windows(window: MainWindow) -> list[CaseView]:
    return [w for w in window.findChildren(CaseView) if w.isVisible()]


def release_at_the_window(qtbot, reply, materials: str) -> None:
    """The reply dialog filled in for 予以公开: collected at the office's service hall within 5 working days."""
    reply.provision_way.setCurrentIndex(reply.provision_way.findData("pickup"))
    type_text(qtbot, reply.provision_time, "自本告知书送达之日起5个工作日内")
    type_text(qtbot, reply.materials, materials)
    if not reply.provision_place.text():
        type_text(qtbot, reply.provision_place, "示范县城关镇人民政府政务服务中心")


def test_a_request_from_the_window_to_the_tally(qtbot, gui_db, staff, make_ctx):
    ctx = make_ctx(staff["clerk"], TODAY)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_idle(qtbot, ctx)
    assert latin_words(window) == set()

    # the citizen hands in a paper request: Ctrl+N, type, Enter
    in_front(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    intake = window.intake
    assert intake.isVisible() and intake.focusWidget() is intake.applicant_name
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, CONTENT)
    assert latin_words(intake) == set()
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, ctx)
    number = intake.result_number.text()
    assert number.endswith("第0001号")
    case_id = cases.find_by_number(gui_db, number).id

    # the receipt while the citizen waits (Enter prints it), then the case from the result
    assert intake.print_button.isDefault()
    click(qtbot, intake.print_button)
    wait_idle(qtbot, ctx)
    assert [d.kind for d in documents.documents_of(gui_db, case_id)] == ["receipt"]
    [view_button] = [b for b in intake.result_page.findChildren(type(intake.next_button)) if b.text() == "查看案件"]
    click(qtbot, view_button)
    wait_idle(qtbot, ctx)
    assert closed(intake)  # handed over to the case window
    [view] = case_windows(window)
    qtbot.waitUntil(lambda: view.case is not None)
    assert view.number.text() == number and view.status.text() == "办理中"
    assert latin_words(view) == set()

    # the review: every item answered no, submitted
    click(qtbot, view.review_buttons["review"])
    dialog = view.dialog
    click(qtbot, dialog.rest_no)
    type_text(qtbot, dialog.notes, "经查,该信息由本机关制作并保存")
    assert latin_words(dialog) == set()
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, ctx)
    assert view.status.text() == "待审核"

    # the reviewer at her desk signs it off
    reviewer = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    click(qtbot, reviewer.review_buttons["signoff"])
    signoff = reviewer.dialog
    assert latin_words(signoff) == set()
    save(qtbot, signoff)
    assert closed(signoff)
    wait_idle(qtbot, reviewer.ctx)
    assert reviewer.status.text() == "待答复"
    reviewer.close()

    # the clerk replies: the information is released at the window
    ctx.data_changed()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.review_buttons["reply"].isEnabled())
    click(qtbot, view.review_buttons["reply"])
    reply = view.dialog
    release_at_the_window(qtbot, reply, "《2025年道路硬化工程招标文件》\n《中标结果公告》")
    assert latin_words(reply) == set()
    save(qtbot, reply)
    assert closed(reply)
    wait_idle(qtbot, ctx)
    assert view.status.text().startswith("已答复待送达")
    assert "reply" in [d.kind for d in documents.documents_of(gui_db, case_id)]

    # the applicant signs for it at the window
    click(qtbot, view.review_buttons["deliver"])
    delivery = view.dialog
    delivery.method.setCurrentIndex(delivery.method.findData("in_person"))
    type_text(qtbot, delivery.signed_by, "王小明")
    save(qtbot, delivery)
    assert closed(delivery)
    wait_idle(qtbot, ctx)
    case = cases.get_case(gui_db, case_id)
    assert case.status is Status.CLOSED and case.result_key == "disclosed" and case.delivered_on == TODAY
    assert view.status.text().startswith("已办结")
    assert all(not b.isEnabled() for b in view.buttons.values())

    # every step stands in the record, and the month counts it
    labels = [view.timeline_model.index(r, 1).data() for r in range(view.timeline_model.rowCount())]
    for step in ("登记", "提交审查", "审核通过", "办结", "送达"):
        assert any(step in (text or "") for text in labels), (step, labels)
    table3 = tally.tally(gui_db, date(2026, 6, 1), date(2026, 6, 30)).to_json()["table3"]
    assert table3["new"]["natural"] == 1 and table3["disclosed"]["natural"] == 1
    view.close()


def test_the_detours_of_a_request_and_the_ledger_at_the_end_of_the_day(qtbot, gui_db, staff, make_ctx, monkeypatch,
                                                                      tmp_path):
    """补正 → 收到补正 → 暂停 (其他机关) → 恢复 → 延期 by the head → reply → 复议 recorded; then the 台账 to Excel."""
    import openpyxl
    from helpers.gui import type_date

    from workstation.domain.intake import IntakeData
    from workstation.gui.register_view import RegisterView

    received = date(2026, 6, 1)
    data = IntakeData(channel="in_person", handed_in_on=received, applicant_name="李四", id_number="11010519491231002X",
                      phone="13800138000", address="示范县城关镇人民路1号", content="申请公开有关文件")
    clerk_ctx = make_ctx(staff["clerk"], TODAY)
    case_id = cases.register(gui_db, staff["clerk"].actor(), data, today=received).case.id  # typed this morning
    view = open_view(qtbot, clerk_ctx, case_id)

    def act(key: str):
        qtbot.waitUntil(lambda: view.buttons[key].isEnabled() if key in view.buttons
                        else view.review_buttons[key].isEnabled())
        click(qtbot, view.buttons[key] if key in view.buttons else view.review_buttons[key])
        assert latin_words(view.dialog) == set(), key
        return view.dialog

    dialog = act("correction")
    type_date(qtbot, dialog.on, date(2026, 6, 2))
    dialog.boxes["description"].setFocus()
    qtbot.keyClick(dialog.boxes["description"], Qt.Key.Key_Space)  # a wide check box toggles on its text only
    assert dialog.boxes["description"].isChecked()
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    assert view.status.text() == "待补正"
    assert not view.buttons["correction"].isVisible()  # once only (Art. 30)

    dialog = act("corrected")
    type_date(qtbot, dialog.on, date(2026, 6, 4))
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    assert view.status.text() == "办理中"

    dialog = act("pause")
    dialog.kind.setCurrentIndex(dialog.kind.findData("other_body"))
    type_date(qtbot, dialog.on, date(2026, 6, 5))
    type_text(qtbot, dialog.party, "示范县自然资源局")
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    assert view.status.text() == "暂停计时"

    dialog = act("resume")
    type_date(qtbot, dialog.on, date(2026, 6, 10))
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    before = cases.get_case(gui_db, case_id).due

    head_view = open_view(qtbot, make_ctx(staff["head"], TODAY), case_id)
    click(qtbot, head_view.buttons["extend"])
    extension = head_view.dialog
    type_text(qtbot, extension.reason, "需要调取多年档案")
    save(qtbot, extension)
    assert closed(extension)
    wait_idle(qtbot, head_view.ctx)
    assert cases.get_case(gui_db, case_id).due > before
    head_view.close()

    clerk_ctx.data_changed()
    wait_idle(qtbot, clerk_ctx)
    dialog = act("review")
    click(qtbot, dialog.rest_no)
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    reviewer = open_view(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    click(qtbot, reviewer.review_buttons["signoff"])
    save(qtbot, reviewer.dialog)
    wait_idle(qtbot, reviewer.ctx)
    reviewer.close()
    clerk_ctx.data_changed()
    wait_idle(qtbot, clerk_ctx)
    dialog = act("reply")
    dialog.result.setCurrentIndex(dialog.result.findData("unavailable.not_held"))
    type_text(qtbot, dialog.reason, "经检索,本机关未制作或获取该信息")
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    qtbot.waitUntil(lambda: "答复告知书已出具" in view.info.text())  # not "正在生成……" once the notice is shown
    assert "正在生成" not in view.info.text()

    dialog = act("appeal")
    type_date(qtbot, dialog.filed_on, TODAY)
    type_text(qtbot, dialog.note, "申请人不服,向县政府申请行政复议")
    save(qtbot, dialog)
    assert closed(dialog)
    wait_idle(qtbot, clerk_ctx)
    assert "行政复议" in view.appeals_label.text()
    assert "申请人不服,向县政府申请行政复议" in view.appeals_label.text()  # the note typed is on the case
    labels = [view.timeline_model.index(r, 1).data() or "" for r in range(view.timeline_model.rowCount())]
    for step in ("补正", "暂停", "恢复", "延期", "办结"):
        assert any(step in text for text in labels), (step, labels)
    view.close()

    # the 台账, as filtered on screen, to Excel
    register = RegisterView(clerk_ctx)
    qtbot.addWidget(register)
    register.show()
    wait_idle(qtbot, clerk_ctx)
    target = tmp_path / "台账.xlsx"
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *_a, **_k: str(target))
    click(qtbot, register.export_button)
    wait_idle(qtbot, clerk_ctx)
    qtbot.waitUntil(target.exists, timeout=10_000)
    sheet = openpyxl.load_workbook(target).active
    rows = ["".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert any("李四" in row for row in rows)
    assert latin_words(register) == set()


def test_the_first_day_from_an_empty_register_with_a_change_of_hands(qtbot, gui_db, make_ctx):
    """首次使用 on an empty register; the administrator adds the clerk, the head and the reviewer; 切换用户 (Ctrl+L)
    to the clerk, who registers a request at the window and submits its review; to the reviewer, who signs it off
    from her 待审核 list; back to the clerk, who replies and records the delivery. Nothing quits in between, every
    window and dialog shown is checked for English words, and nothing here calls a service that changes data."""
    import argparse

    from helpers.gui import PASSWORD, replace_text
    from PySide6.QtWidgets import QDialog
    from test_gui_passwords import log_in_as, when_modal

    from workstation.domain.status import Role
    from workstation.gui.app import sign_in
    from workstation.gui.first_run_dialog import FirstRunDialog
    from workstation.gui.login_dialog import LoginDialog

    checked: list[str] = []
    logins = {"admin", "clerk", "head", "reviewer"}  # typed by the administrator: the office's own names

    def speaks_chinese(widget: QWidget) -> None:
        assert latin_words(widget) - logins == set(), widget.windowTitle()
        checked.append(widget.windowTitle())

    def set_up_office(dialog: QDialog) -> None:
        assert isinstance(dialog, FirstRunDialog)
        type_text(qtbot, dialog.edits["office.name"], "示范县城关镇人民政府")
        type_text(qtbot, dialog.edits["office.address"], "示范县城关镇人民路1号")
        qtbot.keyClicks(dialog.edits["office.phone"], "0123-4567890")
        replace_text(qtbot, dialog.edits["numbers.request_prefix"], "城政依申")
        replace_text(qtbot, dialog.edits["numbers.document_prefix"], "城政信复")
        type_text(qtbot, dialog.edits["office.review_body"], "示范县人民政府")
        type_text(qtbot, dialog.name, "刘管理")
        type_text(qtbot, dialog.password, PASSWORD)
        type_text(qtbot, dialog.repeat, PASSWORD)
        speaks_chinese(dialog)
        press_enter(qtbot, dialog.repeat)

    def next_person(window: MainWindow | None, login: str):
        """Ctrl+L in the window (none at the first start), the login, and the new person's main window."""
        if window is not None:  # from wherever the person is working: the main window or a case window
            at = next(iter(case_windows(window)), window)
            in_front(qtbot, at)
            qtbot.keyClick(at, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
            assert window.switching and not window.isVisible()

        def log_in(dialog: QDialog) -> None:
            speaks_chinese(dialog)
            log_in_as(qtbot, login, PASSWORD)(dialog)

        timer = when_modal(LoginDialog, log_in) if window is not None else when_modal(FirstRunDialog, set_up_office)
        user = sign_in(gui_db, argparse.Namespace(), again=window is not None)
        timer.stop()
        assert user is not None and user.login == login
        ctx = make_ctx(user, TODAY)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        wait_idle(qtbot, ctx)
        assert window.user_label.text().startswith(f"当前用户:{user.display_name}")
        speaks_chinese(window)
        return window, ctx

    def open_from_dashboard(window: MainWindow, ctx, card: str) -> CaseView:
        """The card of the morning screen, its one row, Enter."""
        dashboard = window.dashboard
        click(qtbot, dashboard.cards[card])
        qtbot.waitUntil(lambda: dashboard.model.rowCount() == 1)
        dashboard.table.setFocus()
        dashboard.table.selectRow(0)
        qtbot.keyClick(dashboard.table, Qt.Key.Key_Return)
        [view] = case_windows(window)
        wait_idle(qtbot, ctx)
        qtbot.waitUntil(lambda: view.case is not None)
        speaks_chinese(view)
        return view

    # the first start: the office and its administrator
    window, ctx = next_person(None, "admin")
    assert Role.ADMIN in ctx.user.roles and window.windowTitle().endswith("示范县城关镇人民政府")

    # 工具 → 设置… → 用户与角色: three colleagues, each with one role
    [settings_action] = [a for a in window.findChildren(type(window.switch_action)) if a.text() == "设置…"]
    settings_action.trigger()
    settings = window.settings_dialog
    qtbot.waitExposed(settings)
    tabs = settings.tabs.tabBar()
    [users_tab] = [i for i in range(tabs.count()) if tabs.tabText(i) == "用户与角色"]
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(users_tab).center())
    assert settings.tabs.currentIndex() == users_tab
    for login, name, role in (("clerk", "张承办", Role.CLERK), ("head", "王主任", Role.HEAD),
                              ("reviewer", "李审核", Role.REVIEWER)):
        click(qtbot, settings.add_user)
        dialog = settings.user_dialog
        qtbot.waitExposed(dialog)
        qtbot.keyClicks(dialog.login, login)
        type_text(qtbot, dialog.name, name)
        qtbot.keyClicks(dialog.password, PASSWORD)
        for each, box in dialog.roles.items():
            if box.isChecked() != (each is role):
                box.setFocus()
                qtbot.keyClick(box, Qt.Key.Key_Space)
        speaks_chinese(dialog)
        press_enter(qtbot, dialog.password)
        assert closed(dialog)
        assert settings.users_info.text() == f"已添加用户{name}({login})。"
    assert settings.users_model.rowCount() == 4
    speaks_chinese(settings)
    qtbot.keyClick(settings, Qt.Key.Key_Escape)
    assert closed(settings)

    # the clerk: a paper request typed in, the receipt, the case, the review submitted
    window, ctx = next_person(window, "clerk")
    in_front(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    intake = window.intake
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, CONTENT)
    speaks_chinese(intake)
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, ctx)
    number = intake.result_number.text()
    assert number.startswith("城政依申〔2026〕") and number.endswith("第0001号")
    speaks_chinese(intake)
    click(qtbot, intake.print_button)
    wait_idle(qtbot, ctx)
    case_id = cases.find_by_number(gui_db, number).id
    assert [d.kind for d in documents.documents_of(gui_db, case_id)] == ["receipt"]
    [view_button] = [b for b in intake.result_page.findChildren(type(intake.next_button)) if b.text() == "查看案件"]
    click(qtbot, view_button)
    wait_idle(qtbot, ctx)
    [view] = case_windows(window)
    qtbot.waitUntil(lambda: view.case is not None)
    speaks_chinese(view)
    click(qtbot, view.review_buttons["review"])
    review = view.dialog
    click(qtbot, review.rest_no)
    type_text(qtbot, review.notes, "经查,该信息由本机关制作并保存")
    speaks_chinese(review)
    save(qtbot, review)
    assert closed(review) and view.status.text() == "待审核"

    # the reviewer at the same desk: her 待审核 list, the case, 审核签发
    window, ctx = next_person(window, "reviewer")
    assert closed(view)  # the clerk's case window went with her window
    view = open_from_dashboard(window, ctx, "review")
    click(qtbot, view.review_buttons["signoff"])
    signoff = view.dialog
    speaks_chinese(signoff)
    save(qtbot, signoff)
    assert closed(signoff) and view.status.text() == "待答复"

    # the clerk again: the reply, and the applicant signs for it at the window
    window, ctx = next_person(window, "clerk")
    view = open_from_dashboard(window, ctx, "reply")
    click(qtbot, view.review_buttons["reply"])
    reply = view.dialog
    release_at_the_window(qtbot, reply, "《2025年道路硬化工程招标文件》")
    speaks_chinese(reply)
    save(qtbot, reply)
    assert closed(reply)
    click(qtbot, view.review_buttons["deliver"])
    delivery = view.dialog
    delivery.method.setCurrentIndex(delivery.method.findData("in_person"))
    type_text(qtbot, delivery.signed_by, "王小明")
    speaks_chinese(delivery)
    save(qtbot, delivery)
    assert closed(delivery)
    assert view.status.text().startswith("已办结")
    case = cases.get_case(gui_db, case_id)
    assert case.status is Status.CLOSED and case.delivered_on == TODAY
    reply_doc = [d for d in documents.documents_of(gui_db, case_id) if d.kind == "reply"]
    assert reply_doc and reply_doc[0].number.startswith("城政信复〔2026〕")  # the 代字 set at the first run
    assert len(checked) >= 16, checked
    view.close()
