"""Who is working: switching user without quitting, one's own password, an admin's reset."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

import pytest
from helpers.gui import PASSWORD, QT_NOISE, click, press_enter, type_text
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from workstation.gui.app import sign_in
from workstation.gui.login_dialog import LoginDialog
from workstation.gui.main_window import MainWindow
from workstation.gui.password_dialog import ChangePasswordDialog, ResetPasswordDialog
from workstation.gui.settings_dialog import SettingsDialog
from workstation.services import users

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 11, 2)


def when_modal(kind: type[QDialog], act: Callable[[QDialog], None]) -> QTimer:
    """Once a modal dialog of ``kind`` is up, act on it (the way a person at the window would)."""
    timer = QTimer()

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            timer.stop()
            act(dialog)

    timer.timeout.connect(look)
    timer.start(20)
    return timer


def main_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def log_in_as(qtbot, login: str, password: str) -> Callable[[QDialog], None]:
    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, LoginDialog)
        type_text(qtbot, dialog.login, login)
        type_text(qtbot, dialog.password, password)
        press_enter(qtbot, dialog.password)

    return act


def test_switching_user_closes_the_window_and_asks_who_works_next(qtbot, gui_db, staff, make_ctx, monkeypatch):
    window = main_window(qtbot, make_ctx(staff["clerk"], TODAY))
    qtbot.waitExposed(window)
    window.switch_action.trigger()
    assert window.switching and not window.isVisible()
    # the next person logs in; --login and the environment's password of the first start are not reused
    monkeypatch.setenv("WORKSTATION_PASSWORD", PASSWORD)
    timer = when_modal(LoginDialog, log_in_as(qtbot, "head", PASSWORD))
    user = sign_in(gui_db, argparse.Namespace(login="clerk"), again=True)
    timer.stop()
    assert user is not None and user.login == "head"


def test_switching_keeps_a_typed_intake_when_the_clerk_says_so(qtbot, gui_db, staff, make_ctx):
    window = main_window(qtbot, make_ctx(staff["clerk"], TODAY))
    intake = window.open_intake()
    type_text(qtbot, intake.applicant_name, "王小明")

    def keep_typing(box: QDialog) -> None:
        [cancel] = [b for b in box.buttons() if b.text() in ("取消", "Cancel")]
        cancel.click()

    from PySide6.QtWidgets import QMessageBox

    timer = when_modal(QMessageBox, keep_typing)
    window.switch_user()
    timer.stop()
    assert window.isVisible() and not window.switching and window.intake is intake and intake.isVisible()


def test_a_user_changes_their_password_from_the_menu(qtbot, gui_db, staff, make_ctx):
    window = main_window(qtbot, make_ctx(staff["clerk"], TODAY))
    dialog = window.change_password()
    type_text(qtbot, dialog.old, "not-mine")
    type_text(qtbot, dialog.new, "newpass1")
    type_text(qtbot, dialog.again, "newpass2")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "不一致" in dialog.form.error("again").text()
    type_text(qtbot, dialog.again, "newpass1")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.form.error("old").text() == "原密码不正确"
    dialog.old.clear()
    type_text(qtbot, dialog.old, PASSWORD)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert users.authenticate(gui_db, "clerk", "newpass1").login == "clerk"


def test_an_admins_reset_makes_the_next_login_choose_a_new_password(qtbot, gui_db, staff, make_ctx):
    settings = SettingsDialog(make_ctx(staff["admin"], TODAY))
    qtbot.addWidget(settings)
    settings.show()
    settings.select_user("clerk")
    click(qtbot, settings.reset_button)
    reset = settings.password_dialog
    assert isinstance(reset, ResetPasswordDialog)
    type_text(qtbot, reset.password, "temp123")
    type_text(qtbot, reset.again, "temp123")
    click(qtbot, reset.ok_button)
    assert "须改为自己的密码" in settings.users_info.text()
    assert "须改密码" in settings.users_model.data(settings.users_model.index(1, 3))

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog) and "管理员重置了您的密码" in dialog.message.text()
        type_text(qtbot, dialog.old, "temp123")
        type_text(qtbot, dialog.new, "mine1234")
        type_text(qtbot, dialog.again, "mine1234")
        click(qtbot, dialog.ok_button)

    login = when_modal(LoginDialog, log_in_as(qtbot, "clerk", "temp123"))
    change = when_modal(ChangePasswordDialog, choose)
    user = sign_in(gui_db, argparse.Namespace(login=None))
    login.stop()
    change.stop()
    assert user is not None and user.login == "clerk" and not user.must_change
    assert not users.authenticate(gui_db, "clerk", "mine1234").must_change


def test_only_an_admin_may_reset(qtbot, gui_db, staff, make_ctx):
    settings = SettingsDialog(make_ctx(staff["head"], TODAY))
    qtbot.addWidget(settings)
    assert not settings.reset_button.isEnabled()


def test_the_password_dialogs_have_no_english_word(qtbot, gui_db, staff):
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    for dialog in (ChangePasswordDialog(gui_db, staff["clerk"].actor(), forced=True),
                   ResetPasswordDialog(gui_db, staff["admin"].actor(), staff["clerk"])):
        qtbot.addWidget(dialog)
        dialog.show()
        texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
        texts.append(dialog.windowTitle())
        assert not [t for t in texts if re.search(r"[A-Za-z]{2,}", t.replace("(clerk)", ""))], texts
