"""Backups: online copy, verification, rotation, restore (also of an older schema)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from cli_support import login, register_with_staff, sign_in
from conftest import TEST_DB_URL, person

from workstation.cli import main
from workstation.domain.errors import UserError
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
    assert not (tmp_path / "backups").exists()  # a restore would have kept the replaced register there first


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
