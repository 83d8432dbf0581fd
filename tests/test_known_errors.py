"""Database and file-system failures are nobody's bug: one Chinese sentence, exit 2, the register
untouched and no personal data on the terminal (issue 16 items 4 and 13)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import SIGNED_IN, add_staff, as_user, password_in_env

from workstation.cli import main
from workstation.services import cases
from workstation.services.users import CLI_ACTOR, SYSTEM_ACTOR
from workstation.store import database
from workstation.store.database import Database

ID, NAME, PHONE = "11010519491231002X", "王小明", "13800138000"
PERSONAL = (ID, NAME, PHONE, "11010519491231")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def request_json(tmp_path) -> Path:
    path = tmp_path / "req.json"
    path.write_text(json.dumps({
        "channel": "邮寄", "signed_on": "2026-03-04", "applicant_kind": "自然人", "applicant": NAME,
        "id_number": ID, "phone": PHONE, "address": "示范县人民路1号", "content": "申请公开道路工程招标文件"},
        ensure_ascii=False), encoding="utf-8")
    return path


def make_register(path: Path, n: int = 1) -> None:
    from conftest import person

    db = Database.open_path(path)
    add_staff(db)  # the command line signs in
    for i in range(n):
        cases.register(db, CLI_ACTOR, person(content=f"申请公开道路工程招标文件第{i}号标段" * 20),
                       today=__import__("datetime").date(2026, 3, 5))
    db.close()


def count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM request").fetchone()[0]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, *argv) -> tuple[int, str, str]:
    """``workstation ARGV`` in this process; a command that signs in does so as the clerk."""
    args = as_user(argv) if argv and argv[0] in SIGNED_IN else list(argv)
    try:
        with password_in_env():
            code = main(args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workstation", *argv], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def assert_one_sentence(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("workstation: ") and len(err.strip().splitlines()) == 1, err
    for secret in PERSONAL:
        assert secret not in out + err
    for fragment in fragments:
        assert fragment in err, err


def test_a_write_lock_held_by_another_program_is_a_sentence(capsys, tmp_path, request_json, monkeypatch):
    path = tmp_path / "r.sqlite3"
    make_register(path)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run(capsys, "register", "--db", str(path), "--json", str(request_json))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_one_sentence(code, out, err, "另一个", "稍后再试")
    assert count(path) == 1


def test_a_full_disk_is_a_sentence(capsys, tmp_path, request_json, monkeypatch):
    path = tmp_path / "r.sqlite3"
    make_register(path)
    original = database._sqlite_on_connect

    def no_room(conn, record):
        original(conn, record)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")

    monkeypatch.setattr(database, "_sqlite_on_connect", no_room)
    big = json.loads(request_json.read_text(encoding="utf-8"))
    big["content"] = "申请公开道路工程招标文件" * 1200  # needs new pages
    request_json.write_text(json.dumps(big, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "register", "--db", str(path), "--json", str(request_json))
    assert_one_sentence(code, out, err, "磁盘空间", "清理")
    assert count(path) == 1


@pytest.fixture
def truncated(tmp_path) -> Path:
    path = tmp_path / "r.sqlite3"
    make_register(path, 40)
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "register-20260304-180000-000.sqlite3").write_bytes(path.read_bytes())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize("command", [["register", "--json", "REQ"], ["audit", "verify"], ["backup"]])
def test_a_truncated_register_is_named_with_the_backup_to_restore(truncated, request_json, command):
    before = digest(truncated)
    argv = [str(request_json) if a == "REQ" else a for a in command]
    done = run_process(*argv, "--db", str(truncated))
    assert_one_sentence(done.returncode, done.stdout, done.stderr, str(truncated), "已损坏",
                        "register-20260304-180000-000.sqlite3")
    assert digest(truncated) == before
    assert not Path(f"{truncated}-wal").exists() and not Path(f"{truncated}-journal").exists()


def test_sql_parameters_never_reach_the_terminal(capsys, tmp_path, request_json, monkeypatch):
    """Even a bug's exception text does not carry the statement's parameters."""
    path = tmp_path / "r.sqlite3"
    make_register(path)
    db = Database.open_path(path)
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as caught, db.write() as s:
        from sqlalchemy import text

        s.execute(text("INSERT INTO no_such_table VALUES (:a, :b)"), {"a": ID, "b": PHONE})
    db.close()
    assert ID not in str(caught.value) and PHONE not in str(caught.value)


def test_a_bug_on_the_command_line_is_logged_scrubbed(capsys, tmp_path, request_json, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError(f"something broke for {ID}")

    monkeypatch.setattr(cases, "register", broken)
    code, out, err = run(capsys, "register", "--db", str(tmp_path / "r.sqlite3"), "--json", str(request_json))
    assert code == 1 and "程序内部错误" in err and len(err.strip().splitlines()) == 1 and ID not in err
    log = tmp_path / "state" / "workstation" / "log" / "workstation.log"
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "Traceback" in text and ID not in text and "110105********002X" in text
    assert (log.stat().st_mode & 0o777) == 0o600


def test_a_read_only_register_opens_for_reading(capsys, tmp_path, request_json, monkeypatch):
    path = tmp_path / "r.sqlite3"
    make_register(path, 2)
    path.chmod(0o444)
    if os.geteuid() == 0:  # root writes to any file: stand in for the refusal the system gives a clerk
        monkeypatch.setattr(database, "_writable", lambda _p: False)
    before = digest(path)
    code, out, err = run(capsys, "audit", "verify", "--db", str(path), "--json")
    assert code == 0 and json.loads(out)["ok"] is True, err
    code, out, err = run(capsys, "tally", "--db", str(path), "--year", "2026")
    assert code == 0, err
    code, out, err = run(capsys, "register", "--db", str(path), "--json", str(request_json))
    assert_one_sentence(code, out, err, "只读")
    assert digest(path) == before and count(path) == 2


# --- item 13: files that are not ours stay untouched; damaged ones are named ---------------------
def test_a_foreign_sqlite_file_is_refused_before_anything_changes(tmp_path, request_json):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('x')")
    conn.commit()
    conn.close()
    before = digest(path)
    for argv in (["register", "--json", str(request_json)], ["audit", "verify"], ["backup"]):
        done = run_process(*argv, "--db", str(path))
        assert_one_sentence(done.returncode, done.stdout, done.stderr, "不是本程序的数据库", "未作任何修改")
    assert digest(path) == before  # the header's journal-mode bytes too
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in ("state", "data")) == [
        "other.sqlite3", "req.json"]


def corrupt_a_page(path: Path) -> None:
    """Overwrite the middle of a page of the request table with junk (a bad sector, a bad copy)."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='request'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    leaf = conn.execute("SELECT max(pageno) FROM dbstat WHERE name='request'").fetchone()[0] \
        if _has_dbstat(conn) else root
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((leaf - 1) * size + 8)
        fh.write(b"\xff\x00\x13" * 300)


def _has_dbstat(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1")
    except sqlite3.Error:
        return False
    return True


@pytest.fixture
def damaged(tmp_path) -> Path:
    path = tmp_path / "r.sqlite3"
    make_register(path, 40)
    corrupt_a_page(path)
    return path


@pytest.mark.parametrize("command", [["register", "--json", "REQ"], ["audit", "verify"], ["backup"]])
def test_a_register_with_a_damaged_page_is_refused_and_named(damaged, request_json, command):
    before = digest(damaged)
    argv = [str(request_json) if a == "REQ" else a for a in command]
    done = run_process(*argv, "--db", str(damaged))
    assert_one_sentence(done.returncode, done.stdout, done.stderr, f"数据库文件 {damaged} 已损坏")
    assert "备份文件" not in done.stderr  # the register is damaged, not the backup
    assert digest(damaged) == before
    for folder in (damaged.parent / "备份", damaged.parent / "backups"):
        assert not folder.exists() or not list(folder.iterdir())


@pytest.mark.parametrize("folder", ["备份", "backups"])
def test_the_newest_backup_beside_a_register_is_found_in_either_folder(tmp_path, folder):
    from workstation.store.database import last_backup_near

    place = tmp_path / folder
    place.mkdir()
    for name in ("register-20260301-090000-000.sqlite3", "register-20260304-180000-000.sqlite3"):
        (place / name).write_bytes(b"x")
    assert last_backup_near(tmp_path / "r.sqlite3") == place / "register-20260304-180000-000.sqlite3"


def test_damage_while_the_program_is_open_is_found_by_verify_and_backup(tmp_path):
    from workstation.domain.errors import KnownError
    from workstation.services import audit
    from workstation.services import backup as backup_service

    path = tmp_path / "r.sqlite3"
    make_register(path, 40)
    db = Database.open_path(path)  # opened while the file was sound
    db.engine.dispose()
    corrupt_a_page(path)
    with pytest.raises(KnownError, match=f"数据库文件 {path} 已损坏"):
        audit.verify_chain(db)
    with pytest.raises(KnownError, match=f"数据库文件 {path} 已损坏"):
        backup_service.backup(db, tmp_path / "bk", actor=SYSTEM_ACTOR)
    assert not list((tmp_path / "bk").glob("*.sqlite3")) if (tmp_path / "bk").exists() else True
    db.close()


def test_the_program_and_the_command_line_write_a_log(capsys, tmp_path):
    assert main(["holidays", "status"]) == 0
    from workstation.logs import log_file

    path = log_file()
    assert path is not None and path.is_relative_to(tmp_path / "state") and (path.stat().st_mode & 0o777) == 0o600
