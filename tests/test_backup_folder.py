"""The default backup folder has a Chinese name (备份): a clerk sees no English word; an earlier version's
"backups" folder stays in use, so none of its backups is lost, hidden or left out of the rotation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import TEST_DB_URL, person
from helpers.gui import QT_NOISE, wait_idle

from workstation.services import backup, cases
from workstation.store.database import Database

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
TODAY = date(2026, 6, 15)


def test_a_new_register_backs_up_into_a_folder_named_in_chinese(db, users):
    cases.register(db, users["clerk"], person(), today=TODAY)
    made = backup.backup(db, actor=users["head"])
    assert made.path.parent == db.path.parent / "备份"
    assert backup.default_backup_dir(db) == db.path.parent / "备份"
    assert not (db.path.parent / "backups").exists()
    assert backup.backup_if_due(db) is None  # today's backup is found in the new folder


def test_an_earlier_versions_backups_folder_stays_in_use(db, users):
    earlier = db.path.parent / "backups"
    cases.register(db, users["clerk"], person(), today=TODAY)
    first = backup.backup(db, earlier, actor=users["head"])  # as the earlier version wrote it
    stray = earlier / "register-20250101-080000-000.sqlite3"  # a version before the manifest
    stray.write_bytes(first.path.read_bytes())
    assert backup.default_backup_dir(db) == earlier
    cases.register(db, users["clerk"], person(applicant_name="李四"), today=TODAY)
    second = backup.backup(db, actor=users["head"], keep=1)
    assert second.path.parent == earlier and second.removed == (first.path,)  # rotated in the same folder
    assert backup.list_backups(earlier) == [second.path, stray]  # the file it did not write stays
    assert not (db.path.parent / "备份").exists()
    db.close()
    _info, safety = backup.restore(stray, db.path, actor=users["head"])
    assert safety is not None and safety.parent == earlier


def test_a_chinese_folder_made_beside_an_earlier_one_wins(db, users):
    """Once 备份 is there (the clerk made it, or a later backup did), the register keeps one folder: 备份."""
    (db.path.parent / "backups").mkdir()
    (db.path.parent / "备份").mkdir()
    assert backup.default_backup_dir(db) == db.path.parent / "备份"


@QT_NOISE
@pytest.mark.gui
@pytest.mark.parametrize("earlier", [False, True])
def test_the_backup_dialog_names_the_folder_in_words(qtbot, gui_db, staff, make_ctx, earlier):
    from test_gui_layout import visible_texts

    from workstation.gui.backup_dialog import BackupDialog

    if earlier:
        (gui_db.path.parent / "backups").mkdir()
    ctx = make_ctx(staff["admin"], TODAY)
    dialog = BackupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, ctx)
    folder = gui_db.path.parent / ("backups" if earlier else "备份")
    assert dialog.folder_edit.placeholderText() == str(folder)
    assert f"备份文件夹:{folder}" == dialog.folder_label.text()
    words = " ".join(visible_texts(dialog)).replace(str(folder), "")  # the folder's own path aside
    assert "backups" not in words
    assert "留空则使用数据库所在文件夹中的默认备份文件夹" in words
    assert not re.search(r"[A-Za-z]{2,} 文件夹", words)


def test_a_register_reopened_keeps_using_its_folder(db, users):
    backup.backup(db, actor=users["head"])
    path = db.path
    db.close()
    again = Database.open_path(path)
    try:
        assert backup.default_backup_dir(again) == path.parent / "备份"
    finally:
        again.close()
