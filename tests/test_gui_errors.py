"""In the program: a locked register is a sentence beside the kept form; a bug is a dialog and a
scrubbed traceback in the log (issue 16 item 4)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date

import pytest
from helpers.gui import QT_NOISE, type_text, wait_idle
from PySide6.QtWidgets import QMessageBox

from workstation.gui import app
from workstation.gui.intake_dialog import IntakeDialog
from workstation.logs import log_file
from workstation.store import database

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)


def test_a_locked_register_keeps_the_form_and_says_so(short_wait, qtbot, staff, make_ctx, gui_db):
    dialog = IntakeDialog(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(dialog, before_close_func=lambda d: d.discard())
    dialog.show()
    type_text(qtbot, dialog.applicant_name, "王小明")
    qtbot.keyClicks(dialog.id_number, "11010519491231002X")
    qtbot.keyClicks(dialog.phone, "13800138000")
    type_text(qtbot, dialog.content, "申请公开本镇2025年道路硬化工程的招标文件")
    gui_db.engine.dispose()  # the pool's connections were made before the short wait was set
    other = sqlite3.connect(gui_db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        dialog.save()
        wait_idle(qtbot, dialog.ctx)  # the worker registers while the other window holds the lock
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert dialog.stack.currentIndex() == 0 and dialog.applicant_name.text() == "王小明"
    message = dialog.form.general.text()
    assert "另一个窗口" in message and "没有保存" in message
    assert sqlite3.connect(gui_db.path).execute("SELECT count(*) FROM request").fetchone()[0] == 0
    dialog.save()  # the lock is gone: the same form saves
    wait_idle(qtbot, dialog.ctx)
    assert dialog.stack.currentIndex() == 1


def test_a_bug_shows_a_dialog_and_logs_a_scrubbed_traceback(qtbot, tmp_path, monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text, *a, **k: shown.append((title, text)))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    try:
        raise RuntimeError("broke while showing 11010519491231002X")
    except RuntimeError as exc:
        app.handle_uncaught(type(exc), exc, exc.__traceback__)
    [(title, text)] = shown
    log = log_file()  # set up here, or earlier in this process
    assert log is not None and (log.stat().st_mode & 0o777) == 0o600
    assert "程序内部错误" in text and str(log) in text
    logged = log.read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "11010519491231002X" not in logged and "110105********002X" in logged


def test_a_known_error_that_no_screen_caught_is_its_sentence(qtbot, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: pytest.fail("not a bug"))
    exc = sqlite3.OperationalError("database is locked")
    app.handle_uncaught(type(exc), exc, None)
    assert shown and "另一个窗口" in shown[0]


def test_the_program_installs_its_hook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert app.install_error_hook() is app.handle_uncaught and sys.excepthook is app.handle_uncaught
