"""备份与恢复 on the screen: back up now, rotation, restore (and refusing a wrong file), the automatic backups."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from helpers.gui import PASSWORD, QT_NOISE, Answers, click, replace_text, type_text, wait_idle

from workstation.domain.intake import IntakeData
from workstation.gui import file_dialogs
from workstation.gui.backup_dialog import BackupDialog
from workstation.gui.main_window import MainWindow
from workstation.services import backup, cases
from workstation.services.base import get_settings
from workstation.services.queries import CaseFilter, count_cases
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.database import Database, sqlite_backup

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


def register(db, user, name: str = "王小明") -> None:
    data = IntakeData(channel="in_person", handed_in_on=date(2026, 6, 1), applicant_name=name,
                      id_number="11010519491231002X", phone="13800138000",
                      content="申请公开本镇2025年道路硬化工程的招标文件")
    cases.register(db, user.actor(), data, today=TODAY)


def requests_in(path: Path) -> int:
    db = Database.open_path(path, create=False)
    try:
        return count_cases(db, CaseFilter(), today=TODAY)
    finally:
        db.close()


def open_dialog(qtbot, ctx) -> BackupDialog:
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, ctx)
    return dialog


def shown_rows(dialog: BackupDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_head_backs_up_now_and_the_list_shows_the_verified_copy(qtbot, gui_db, staff, make_ctx):
    register(gui_db, staff["clerk"])
    register(gui_db, staff["clerk"], "李四")
    clerks = open_dialog(qtbot, make_ctx(staff["clerk"], TODAY))
    assert not clerks.backup_button.isEnabled() and "负责人或管理员" in clerks.backup_button.toolTip()
    assert not clerks.restore_button.isEnabled() and not clerks.save_button.isEnabled()
    ctx = make_ctx(staff["head"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    assert shown_rows(dialog) == [] and "还没有备份" in dialog.info.text()
    assert str(gui_db.path.parent / "备份") in dialog.folder_label.text()

    click(qtbot, dialog.backup_button)
    wait_idle(qtbot, ctx)
    [made] = backup.list_backups(gui_db.path.parent / "备份")
    assert backup.inspect_backup(made).rows["request"] == 2
    assert "校验通过" in dialog.info.text() and str(made) in dialog.info.text()
    [row] = shown_rows(dialog)
    assert row[1] == "2" and row[2] == gui_db.head_revision() and row[4] == made.name
    assert dialog.selected().path == made


def test_the_admin_sets_folder_and_count_and_rotation_keeps_that_many(qtbot, gui_db, staff, make_ctx, tmp_path):
    ctx = make_ctx(staff["admin"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    folder = tmp_path / "elsewhere"
    type_text(qtbot, dialog.folder_edit, str(folder))
    replace_text(qtbot, dialog.keep, "2")
    click(qtbot, dialog.save_button)
    wait_idle(qtbot, ctx)
    assert get_settings(gui_db)["backup.dir"] == str(folder) and get_settings(gui_db)["backup.keep"] == 2
    assert dialog.settings_info.text() == "已保存备份设置。" and str(folder) in dialog.folder_label.text()

    for _ in range(3):
        click(qtbot, dialog.backup_button)
        wait_idle(qtbot, ctx)
    kept = backup.list_backups(folder)
    assert len(kept) == 2 and len(shown_rows(dialog)) == 2
    assert "删除了 1 份最早的备份" in dialog.info.text()
    assert [row[4] for row in shown_rows(dialog)] == [p.name for p in kept]


def test_a_head_restores_an_older_backup_and_keeps_a_copy_of_the_current_register(qtbot, gui_db, staff, make_ctx):
    register(gui_db, staff["clerk"])
    older = backup.backup(gui_db, actor=SYSTEM_ACTOR)
    register(gui_db, staff["clerk"], "李四")
    register(gui_db, staff["clerk"], "赵五")
    window = MainWindow(make_ctx(staff["head"], TODAY), auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_backup()
    wait_idle(qtbot, window.ctx)
    dialog.select(older.path)
    answers = Answers("恢复", "确定")
    click(qtbot, dialog.restore_button)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)

    confirm, done = answers.texts
    assert older.path.name in confirm and "其中 1 件申请(当前数据库 3 件)" in confirm
    assert str(gui_db.path.parent / "备份") in confirm and "请重新登录" in confirm
    safety = window.restored.safety
    assert safety is not None and str(safety) in done and "请重新登录" in done
    assert backup.inspect_backup(safety).rows["request"] == 3
    assert requests_in(gui_db.path) == 1
    # no closing backup of the restored register: only the older backup and the safety copy
    assert backup.list_backups(gui_db.path.parent / "备份") == [safety, older.path]


def newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p, _db: p.write_text("这是一个文本文件,不是备份\n" * 50, encoding="utf-8"), "不是备份文件"),
    (lambda p, db: (sqlite_backup(db.path, p), newer_schema(p)), "较新版本的程序做的备份"),
    (None, "正在使用的数据库本身"),
])
def test_a_wrong_file_is_refused_with_the_reason_and_changes_nothing(qtbot, gui_db, staff, make_ctx, tmp_path,
                                                                     monkeypatch, make, message):
    register(gui_db, staff["clerk"])
    picked = tmp_path / "picked.sqlite3"
    if make is None:
        picked = gui_db.path
    else:
        make(picked, gui_db)
    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *_a: str(picked))
    ctx = make_ctx(staff["admin"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    before = gui_db.path.read_bytes()
    click(qtbot, dialog.restore_file_button)
    wait_idle(qtbot, ctx)
    assert dialog.error.isVisible() and message in dialog.error.text()
    assert dialog.isVisible() and gui_db.path.read_bytes() == before
    assert backup.list_backups(gui_db.path.parent / "备份") == []  # not even a safety copy
    assert requests_in(gui_db.path) == 1


def test_restore_without_a_choice_says_what_to_do(qtbot, gui_db, staff, make_ctx):
    backup.backup(gui_db, actor=SYSTEM_ACTOR)
    ctx = make_ctx(staff["admin"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    dialog.table.clearSelection()
    click(qtbot, dialog.restore_button)
    assert dialog.error.isVisible() and dialog.error.text() == "请先在上面的列表中选择要恢复的备份"


def test_cancelling_the_confirmation_changes_nothing(qtbot, gui_db, staff, make_ctx):
    older = backup.backup(gui_db, actor=SYSTEM_ACTOR)
    register(gui_db, staff["clerk"])
    ctx = make_ctx(staff["admin"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    dialog.select(older.path)
    answers = Answers("取消")
    click(qtbot, dialog.restore_button)
    qtbot.waitUntil(lambda: answers.texts != [], timeout=10_000)
    wait_idle(qtbot, ctx)
    assert dialog.isVisible() and dialog.outcome is None
    assert requests_in(gui_db.path) == 1 and backup.list_backups(gui_db.path.parent / "备份") == [older.path]


def test_closing_the_main_window_backs_up_first_but_not_twice_without_changes(qtbot, gui_db, staff, make_ctx):
    register(gui_db, staff["clerk"])
    folder = gui_db.path.parent / "备份"
    window = MainWindow(make_ctx(staff["clerk"], TODAY), auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.isVisible()  # waits for the backup
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    [made] = backup.list_backups(folder)
    assert backup.inspect_backup(made).rows["request"] == 1

    again = MainWindow(make_ctx(staff["clerk"], TODAY), auto_backup=True)
    qtbot.addWidget(again)
    again.show()
    again.close()
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=10_000)
    assert backup.list_backups(folder) == [made]


def test_a_failed_closing_backup_is_shown_and_the_user_may_close_anyway(qtbot, gui_db, staff, make_ctx, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    from workstation.services.office import save_settings

    save_settings(gui_db, staff["admin"].actor(), {"backup.dir": str(blocked)})
    ctx = make_ctx(staff["clerk"], TODAY)
    window = MainWindow(ctx, auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    answers = Answers("返回")
    window.close()
    qtbot.waitUntil(lambda: answers.texts != [], timeout=10_000)
    wait_idle(qtbot, ctx)
    assert window.isVisible() and "无法使用备份文件夹" in answers.texts[0]
    assert "自动备份失败" in window.backup_label.text()

    answers = Answers("仍然退出")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert "仍然退出吗" in answers.texts[0]


def test_the_daily_backup_runs_after_the_start_when_the_newest_is_a_day_old(qtbot, gui_db, staff, make_ctx):
    old = backup.backup(gui_db, actor=SYSTEM_ACTOR)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old.path, (two_days_ago, two_days_ago))
    register(gui_db, staff["clerk"])
    window = MainWindow(make_ctx(staff["clerk"], TODAY), auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    folder = gui_db.path.parent / "备份"
    qtbot.waitUntil(lambda: len(backup.list_backups(folder)) == 2, timeout=10_000)
    wait_idle(qtbot, window.ctx)
    newest = backup.list_backups(folder)[0]
    assert backup.inspect_backup(newest).rows["request"] == 1
    assert window.backup_label.text().startswith("最近备份:") and window.isVisible()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)


def test_a_server_register_is_backed_up_with_its_own_tools(qtbot, gui_db, staff, make_ctx):
    server = Database(gui_db.engine)  # no file: as a PostgreSQL register looks to the program
    ctx = make_ctx(staff["admin"], TODAY, server)
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.server_note.isVisible() and "pg_dump" in dialog.server_note.text()
    window = MainWindow(ctx, auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert not window.isVisible()


SPY = """
import sys
from workstation.services import backup
calls = []
for name in ("backup", "backup_if_due", "backup_if_changed"):
    real = getattr(backup, name)
    setattr(backup, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
from workstation.cli import main
code = main(sys.argv[1:])
print("BACKUP CALLS", sorted(set(calls)))
sys.exit(code)
"""


def _run_program(args: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKSTATION_EXIT_AFTER_SHOWN="1",
               WORKSTATION_PASSWORD=PASSWORD, TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", SPY, *args], env=env, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    [line] = [line for line in proc.stdout.splitlines() if line.startswith("BACKUP CALLS")]
    return proc, line


def test_the_program_backs_up_a_register_on_exit_but_not_the_demo(tmp_path):
    db_path = tmp_path / "register.sqlite3"
    from workstation.services import users

    db = Database.open_path(db_path)
    users.create_first_admin(db, "admin", "管理员", PASSWORD)
    db.close()
    _proc, calls = _run_program(["--db", str(db_path), "--login", "admin"], tmp_path)
    [made] = backup.list_backups(tmp_path / "备份")
    assert backup.inspect_backup(made).rows["event"] > 0 and "backup_if_changed" in calls

    _proc, calls = _run_program(["--demo"], tmp_path)
    assert calls == "BACKUP CALLS []"
