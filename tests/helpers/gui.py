"""Helpers for the GUI tests: a register per test, its users, typing as a clerk does.

Chinese text reaches a widget the way an input method delivers it (a commit
string); QTest.keyClicks only knows Latin keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from conftest import fresh_register
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from workstation.domain.status import Role
from workstation.services import users
from workstation.services.users import UserInfo
from workstation.store.database import Database

# The offscreen platform says this once per top-level window; it is not a fault of ours.
QT_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PASSWORD = "secret1"


@pytest.fixture
def gui_db(tmp_path, migrated_register) -> Iterator[Database]:
    """A fresh SQLite register for one test (a copy of the session's migrated one)."""
    db = Database.open_path(fresh_register(migrated_register, tmp_path / "register.sqlite3"))
    yield db
    db.close()


@pytest.fixture
def staff(gui_db) -> dict[str, UserInfo]:
    """admin, clerk, head and reviewer of the test register."""
    admin = users.create_first_admin(gui_db, "admin", "管理员", PASSWORD)
    made = {"admin": admin}
    for login, name, roles in (("clerk", "张承办", {Role.CLERK}), ("head", "王主任", {Role.HEAD}),
                               ("reviewer", "李审核", {Role.REVIEWER})):
        made[login] = users.create_user(gui_db, admin.actor(), login, name, PASSWORD, roles)
    return made


@pytest.fixture
def make_ctx(qtbot, gui_db) -> Iterator[Callable]:
    """make_ctx(user, today) -> the context a window gets; background jobs are drained at the end."""
    from workstation.gui.context import AppContext

    made: list[AppContext] = []

    def make(user: UserInfo, today: date, db: Database | None = None) -> AppContext:
        ctx = AppContext(db or gui_db, user, today=lambda: today)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.tasks.wait()


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type into a field: Latin text key by key, Chinese as an input method commits it."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def replace_text(qtbot, widget: QWidget, text: str) -> None:
    """Select what the field holds (Ctrl+A) and type over it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        type_text(qtbot, widget, text)


def type_date(qtbot, edit: QWidget, day: date) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, day.isoformat())


def press_enter(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def wait_idle(qtbot, ctx) -> None:
    """Until the worker has answered and its answer reached the GUI thread."""
    qtbot.waitUntil(lambda: not ctx.tasks.busy, timeout=10_000)


class Answers:
    """Answers the message boxes the program shows, in order, by the text of a button; keeps their texts."""

    def __init__(self, *buttons: str) -> None:
        self.buttons = list(buttons)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._look)
        self.timer.start(20)

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or not self.buttons:
            return
        self.texts.append(box.text())
        wanted = self.buttons.pop(0)
        [button] = [b for b in box.buttons() if b.text() == wanted]
        button.click()
        if not self.buttons:
            self.timer.stop()


def click(qtbot, widget: QWidget) -> None:
    """A left click in the middle of a widget."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_view(qtbot, ctx, case_id: int):
    """A case window for one request, shown, exposed and filled in (its page is read by the worker)."""
    from workstation.gui.case_view import CaseView

    view = CaseView(ctx, case_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    return view


def save(qtbot, dialog) -> None:
    """Click a dialog's Save button and wait until the worker has answered and the windows have read again."""
    ctx = dialog.ctx
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, ctx)


def closed(dialog: QWidget) -> bool:
    """The dialog was closed (the case view deletes a finished dialog once Qt is idle)."""
    return not isValid(dialog) or not dialog.isVisible()
