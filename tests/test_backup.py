"""Backups: online copy, verification, rotation, restore (also of an older schema)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import TEST_DB_URL, person
from helpers.cli import login, register_with_staff, sign_in

from workstation.cli import main
from workstation.domain.errors import KnownError, UserError
from workstation.domain.status import Role
from workstation.services import backup, cases
from workstation.services.base import Actor
from workstation.store.database import Database

pytestmark = pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
FIXTURES = Path(__file__).parent / "data" / "databases"
HEAD = Actor(None, "head", "王主任", frozenset({Role.HEAD}))


def test_backup_is_verified_private_and_rotates(db, users, tmp_path):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    folder = tmp_path / "bk"
    made = [backup.backup(db, folder, keep=3, actor=users["head"]) for _ in range(5)]
    kept = backup.list_backups(folder)
    assert len(kept) == 3 and kept[0] == made[-1].path
    assert made[-1].rows["request"] == 1 and made[-1].schema_version == db.head_revision()
    assert (kept[0].stat().st_mode & 0o777) == 0o600
    assert not made[0].path.exists()


def test_restore_backs_up_current_file_first(db, users, tmp_path):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    saved = backup.backup(db, tmp_path / "bk", actor=users["admin"])
    cases.register(db, users["clerk"], person(applicant_name="后来的"), today=date(2026, 6, 1))
    db.close()
    info, safety = backup.restore(saved.path, db.path, actor=users["head"])
    assert safety is not None and backup.inspect_backup(safety).rows["request"] == 2
    reopened = Database.open_path(db.path)
    assert len(cases_in(reopened)) == 1


def cases_in(db):
    from workstation.services.queries import CaseFilter, list_case_ids

    return list_case_ids(db, CaseFilter())


def test_restoring_an_older_backup_migrates_it(tmp_path):
    target = tmp_path / "register.sqlite3"
    Database.open_path(target).close()
    info, _ = backup.restore(FIXTURES / "v0001.sqlite3", target, actor=HEAD)
    assert info.schema_version == "0001"
    db = Database.open_path(target)
    assert db.current_revision() == db.head_revision()


@pytest.mark.parametrize("content", [b"", b"junk" * 1000, b"SQLite format 3\x00" + b"\x00" * 200])
def test_bad_backup_files_are_refused(tmp_path, content):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    target = tmp_path / "register.sqlite3"
    with pytest.raises(UserError):
        backup.restore(bad, target, actor=HEAD)
    assert not target.exists()


def test_cli_backup_and_restore(capsys, tmp_path, monkeypatch):
    db_path = register_with_staff(tmp_path / "r.sqlite3")
    sign_in(monkeypatch)
    assert main(["backup", "--db", str(db_path), "--to", str(tmp_path / "bk"), *login("head")]) == 0
    out = capsys.readouterr().out
    assert "校验通过" in out
    made = backup.list_backups(tmp_path / "bk")[0]
    assert main(["restore", str(made), "--db", str(db_path), *login("admin")]) == 0
    assert "已从" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "missing.sqlite3"), "--db", str(db_path), *login("admin")]) == 2
    assert "备份文件不存在" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["backup", "--to", "BK"], ["backup", "--to", "BK", "--login", "clerk"], ["backup", "--login", "nobody"],
    ["restore", "BACKUP"], ["restore", "BACKUP", "--login", "reviewer"], ["restore", "BACKUP", "--login", "nobody"],
])
def test_cli_backup_and_restore_refuse_without_a_head_or_admin_login(capsys, tmp_path, monkeypatch, argv):
    """The attack of issue 16: backup and restore ran with no login at all."""
    db_path = register_with_staff(tmp_path / "r.sqlite3")
    saved = backup.backup(Database.open_path(db_path), tmp_path / "saved", actor=HEAD)
    sign_in(monkeypatch)
    argv = [str(saved.path) if a == "BACKUP" else str(tmp_path / "bk") if a == "BK" else a for a in argv]
    assert main([*argv, "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert any(words in err for words in ("需要登录", "没有", "不正确")), err
    assert not (tmp_path / "bk").exists() and backup.list_backups(tmp_path / "saved") == [saved.path]
    assert not (tmp_path / "备份").exists()  # a restore would have kept the replaced register there first


def test_the_password_is_no_argument(capsys):
    for argv in (["backup", "--password", "x"], ["user", "add", "u", "--name", "n", "--password", "x"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2 and "无法识别的参数" in capsys.readouterr().err


def test_backup_of_missing_database_is_a_clear_error(capsys, tmp_path):
    assert main(["backup", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert "数据库文件不存在" in capsys.readouterr().err


def test_integrity_of_backup_checked(tmp_path):
    path = tmp_path / "x.sqlite3"
    Database.open_path(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    info = backup.inspect_backup(path)
    assert info.rows == {"request": 0, "event": 0, "document": 0}


# --- issue 16 item 5: a restore never loses work ----------------------------------------------
class _FrozenClock(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: ANN206 - every call in the same instant
        return cls(2026, 6, 1, 9, 30, 15, 250000)


def test_two_restores_in_the_same_second_keep_both_safety_copies(db, users, tmp_path, monkeypatch):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    saved = backup.backup(db, tmp_path / "bk", actor=HEAD)
    cases.register(db, users["clerk"], person(applicant_name="后来的"), today=date(2026, 6, 1))
    db.close()
    monkeypatch.setattr(backup, "datetime", _FrozenClock)
    _, first = backup.restore(saved.path, db.path, actor=HEAD)
    _, second = backup.restore(saved.path, db.path, actor=HEAD)
    assert first is not None and second is not None and first != second
    assert backup.inspect_backup(first).rows["request"] == 2  # the register as it was before the first restore
    assert backup.inspect_backup(second).rows["request"] == 1


def _remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


@pytest.fixture
def read_only_media(tmp_path):
    """A folder whose files nobody can write: a tmpfs remounted read-only as root, else a 0555 folder."""
    folder = tmp_path / "usb"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder, lambda: folder.chmod(0o555)
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only file system here")
    try:
        yield folder, lambda: _remount_read_only(folder)
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_backup_on_read_only_media_restores(db, users, tmp_path, read_only_media):
    folder, make_read_only = read_only_media
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    made = backup.backup(db, folder, actor=HEAD)
    cases.register(db, users["clerk"], person(applicant_name="后来的"), today=date(2026, 6, 1))
    db.close()
    make_read_only()
    before = sorted(p.name for p in made.path.parent.iterdir())
    assert made.path.read_bytes()[18:20] == b"\x01\x01"  # a rollback-journal file: no -wal/-shm needed
    info, safety = backup.restore(made.path, db.path, safety_dir=tmp_path / "safety", actor=HEAD)
    assert info.rows["request"] == 1 and backup.inspect_backup(safety).rows["request"] == 2
    assert sorted(p.name for p in made.path.parent.iterdir()) == before
    reopened = Database.open_path(db.path)
    assert len(cases_in(reopened)) == 1
    reopened.close()


HOLD_OPEN = """
import sys
from workstation.store.database import Database
db = Database.open_path(sys.argv[1])
print("open", flush=True)
sys.stdin.read()
"""


def test_restore_refuses_while_another_process_has_the_register_open(db, users, tmp_path, capsys, monkeypatch):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    saved = backup.backup(db, tmp_path / "bk", actor=HEAD)
    cases.register(db, users["clerk"], person(applicant_name="另一个窗口登记的"), today=date(2026, 6, 1))
    db.close()
    other = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(db.path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "open"
        with pytest.raises(UserError, match="另一个窗口或程序正打开"):
            backup.restore(saved.path, db.path, actor=HEAD)
        sign_in(monkeypatch)
        assert main(["restore", str(saved.path), "--db", str(db.path), *login("admin")]) == 2
        assert "另一个窗口或程序正打开" in capsys.readouterr().err
    finally:
        other.communicate("", timeout=30)
    reopened = Database.open_path(db.path)
    assert len(cases_in(reopened)) == 2  # nothing was replaced
    reopened.close()
    backup.restore(saved.path, db.path, actor=HEAD)  # once the other window is closed
    assert backup.inspect_backup(db.path).rows["request"] == 1


def test_restore_refuses_while_this_process_still_has_the_register_open(db, users, tmp_path):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    saved = backup.backup(db, tmp_path / "bk", actor=HEAD)
    with pytest.raises(UserError, match="另一个窗口或程序正打开"):
        backup.restore(saved.path, db.path, actor=HEAD)
    cases.register(db, users["clerk"], person(applicant_name="照常登记"), today=date(2026, 6, 1))
    db.close()
    db.hold()  # what the window does after a refused restore: the register is marked open again
    with pytest.raises(UserError, match="另一个窗口或程序正打开"):
        backup.restore(saved.path, db.path, actor=HEAD)
    db.close()
    backup.restore(saved.path, db.path, actor=HEAD)


def _replace_by_rename(path: Path, other: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no journal of the old file applies to the new one
    conn.close()
    os.replace(other, path)


def _replace_in_place(path: Path, other: Path) -> None:
    # what a program that ignores the lock (or an older version) does: copy another register into the file
    src, dst = sqlite3.connect(other), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()


@pytest.mark.parametrize("replace", [_replace_by_rename, _replace_in_place])
def test_a_replaced_register_is_noticed_before_the_next_write(db, users, tmp_path, replace):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    other_path = tmp_path / "other.sqlite3"
    other = Database.open_path(other_path)
    other.close()
    replace(db.path, other_path)
    with pytest.raises(KnownError, match="重新打开"):
        cases.register(db, users["clerk"], person(applicant_name="写到哪里去了"), today=date(2026, 6, 1))
    conn = sqlite3.connect(db.path)
    assert conn.execute("SELECT count(*) FROM request").fetchone()[0] == 0
    conn.close()


# --- issue 16 item 7: only the program's verified backups are trusted and rotated ------------
def _user_register(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mine (x)")
    conn.commit()
    conn.close()


def test_rotation_leaves_files_the_program_did_not_write(db, users, tmp_path):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    folder = tmp_path / "bk"
    folder.mkdir()
    users_files = [folder / "register-0.sqlite3", folder / "register-main.sqlite3"]
    for path in users_files:
        _user_register(path)
    before = {p: p.read_bytes() for p in users_files}
    made = [backup.backup(db, folder, keep=1, actor=HEAD) for _ in range(3)]
    assert all(p.read_bytes() == before[p] for p in users_files)
    assert made[-1].path.exists() and backup.inspect_backup(made[-1].path).rows["request"] == 1
    assert [info.path.exists() for info in made] == [False, False, True]
    assert backup.trusted_backups(made[-1].path.parent) == [made[-1].path]


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 4000])
def test_a_partial_file_does_not_count_as_todays_backup(db, users, content):
    cases.register(db, users["clerk"], person(), today=date(2026, 6, 1))
    folder = backup.default_backup_dir(db)
    folder.mkdir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    partial = folder / f"register-{stamp}.sqlite3"
    partial.write_bytes(content)
    made = backup.backup_if_due(db)
    assert made is not None and backup.inspect_backup(made.path).rows["request"] == 1
    assert backup.backup_if_due(db) is None  # the verified one counts
    backup.backup(db, keep=1, actor=HEAD)
    assert partial.exists() and len(backup.trusted_backups(folder)) == 1  # not in a --keep slot


def test_backup_to_an_existing_shared_folder_keeps_its_mode(capsys, tmp_path, monkeypatch):
    db_path = register_with_staff(tmp_path / "r.sqlite3")
    sign_in(monkeypatch)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    assert main(["backup", "--db", str(db_path), "--to", str(shared), *login("head")]) == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    [made] = backup.trusted_backups(backup.backup_folder(shared))
    assert made.parent.parent == shared and str(made) in capsys.readouterr().out
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700 and stat.S_IMODE(made.stat().st_mode) == 0o600
    assert main(["backup", "--db", str(db_path), "--to", str(shared), *login("head")]) == 0  # the same one again
    assert len(backup.trusted_backups(made.parent)) == 2 and len(list(shared.iterdir())) == 1
