"""Who may do what: every role-checked service called as every role, against the README's table;
the command line's logins, the first administrator, the demo register and the constant-time login."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_DB_URL, person
from helpers.cli import PASSWORD, login, register_with_staff, sign_in

from workstation.cli import main
from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services import (
    audit,
    backup,
    cases,
    documents,
    handover,
    ledger,
    office,
    units,
    users,
)
from workstation.services.base import Actor, PermissionDenied, get_settings
from workstation.services.demo import DEMO_MARK
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.database import Database
from workstation.store.models import Setting

pytestmark = pytest.mark.skipif(bool(TEST_DB_URL), reason="backups and the command line work on SQLite files")
README = Path(__file__).resolve().parent.parent / "README.md"
FULL_ID = person().id_number

# What each role-checked service allows; must match the README's "Roles" table (read below).
ALLOWED: dict[str, set[str]] = {
    "backup.backup": {"head", "admin"},
    "backup.restore": {"head", "admin"},
    "audit.list_events": {"head", "admin"},
    "cases.intake_of": {"reviewer", "head", "admin"},
    "cases.full_id_number": {"reviewer", "head", "admin"},
    "users.create_user": {"admin"},
    "office.save_settings": {"admin"},
    "cases.register": {"clerk", "head"},
    "users.reset_password": {"admin"},
    "documents.issue": {"clerk", "head"},
    "ledger.import_ledger": {"clerk", "head"},
    "units.create_unit": {"admin"},
    "handover.hand_over": {"clerk", "head"},
}


def readme_table() -> dict[str, set[str]]:
    """The rows of README.md's "Roles" table that name a service: service → roles."""
    section = README.read_text(encoding="utf-8").split("## Roles", 1)[1].split("\n## ", 1)[0]
    table: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`[\w.]+`", cells[3]):
            table[cells[3].strip("`")] = {r.strip() for r in cells[4].split(",")}
    return table


def test_the_readme_table_is_the_table_tested():
    assert readme_table() == ALLOWED


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except PermissionDenied:
        return PermissionDenied


@pytest.fixture
def world(db, users, tmp_path):
    case_id = cases.register(db, users["clerk"], person(), today=date(2026, 3, 2)).case.id
    saved = backup.backup(db, tmp_path / "saved", actor=SYSTEM_ACTOR)
    return {"db": db, "users": users, "case": case_id, "saved": saved.path, "tmp": tmp_path}


def _ledger_file(folder: Path) -> Path:
    path = folder / "台账.csv"
    path.write_text("受理编号,收到日期,递交方式,申请人类型,申请人\nL-1,2025-03-07,当面提交,自然人,王小明\n",
                    encoding="utf-8")
    return path


def _try(name: str, actor: Actor, w: dict) -> bool:
    """Call the service as ``actor``: True when it did what was asked, False when it refused."""
    db, tmp = w["db"], w["tmp"]
    calls: dict[str, Callable[[], object]] = {
        "backup.backup": lambda: backup.backup(db, tmp / f"bk-{actor.login}", actor=actor),
        "backup.restore": lambda: backup.check_restorable(w["saved"], tmp / "elsewhere.sqlite3", actor=actor),
        "audit.list_events": lambda: audit.list_events(db, viewer=actor),
        "cases.intake_of": lambda: cases.intake_of(db, w["case"], viewer=actor).id_number == FULL_ID or None,
        "cases.full_id_number": lambda: cases.full_id_number(db, actor, w["case"]),
        "users.create_user": lambda: users.create_user(db, actor, f"new-{actor.login}", "新用户", PASSWORD,
                                                       {Role.CLERK}),
        "office.save_settings": lambda: office.save_settings(db, actor, {"office.phone": "0731-1234567"}),
        "cases.register": lambda: cases.register(db, actor, person(), today=date(2026, 3, 2)),
        "users.reset_password": lambda: users.reset_password(db, actor, w["users"]["clerk"].id, "temp123"),
        "documents.issue": lambda: documents.issue(db, actor, w["case"], "receipt", today=date(2026, 3, 2)),
        "ledger.import_ledger": lambda: ledger.import_ledger(db, actor, _ledger_file(tmp), dry_run=True),
        "units.create_unit": lambda: units.create_unit(db, actor, f"单位-{actor.login}", "科室"),
        "handover.hand_over": lambda: handover.hand_over(
            db, actor, w["case"], [units.create_unit(db, SYSTEM_ACTOR, f"转办-{actor.login}", "科室").id],
            today=date(2026, 3, 2)),
    }
    result = _outcome(calls[name])
    return result is not PermissionDenied and result is not None


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_every_role_checked_service_as_every_role(world, name):
    allowed = {role.value for role in Role if _try(name, world["users"][role.value], world)}
    assert allowed == ALLOWED[name]


def test_a_restore_as_a_clerk_changes_nothing(world):
    target = world["tmp"] / "other.sqlite3"
    Database.open_path(target).close()
    before = target.read_bytes()
    with pytest.raises(PermissionDenied):
        backup.restore(world["saved"], target, actor=world["users"]["clerk"])
    assert target.read_bytes() == before


# --- the command line ---------------------------------------------------------------------------
def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, err: str, *fragments: str) -> None:
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert any(f in err for f in fragments), err


def test_user_add_needs_an_admin_login(capsys, tmp_path, monkeypatch):
    path = str(register_with_staff(tmp_path / "r.sqlite3"))
    monkeypatch.setenv("WORKSTATION_NEW_PASSWORD", "newpass1")
    add = ["user", "add", "zhao", "--name", "赵六", "--roles", "clerk", "--db", path]
    assert_refused(*run(capsys, *add)[::2], "需要登录")
    sign_in(monkeypatch)
    assert_refused(*run(capsys, *add, *login("head"))[::2], "没有添加用户的权限")
    sign_in(monkeypatch, "wrong-password")
    assert_refused(*run(capsys, *add, *login("admin"))[::2], "登录名或密码不正确")
    assert_refused(*run(capsys, *add, *login("nobody"))[::2], "登录名或密码不正确")
    sign_in(monkeypatch)
    code, out, _ = run(capsys, *add, *login("admin"))
    assert code == 0 and "已添加用户 zhao" in out
    assert users.authenticate(Database.open_path(Path(path)), "zhao", "newpass1").login == "zhao"



def test_register_notice_and_import_sign_in_and_hold_the_role(capsys, tmp_path, monkeypatch):
    """The commands that change or print requests are held to the program's roles: no login, a reviewer, a
    wrong password are refused with one sentence and change nothing; a clerk may."""
    import json

    path = str(register_with_staff(tmp_path / "r.sqlite3"))
    request = tmp_path / "req.json"
    request.write_text(json.dumps({"channel": "当面提交", "handed_in_on": "2026-03-02", "applicant": "王小明",
                                   "id_number": FULL_ID, "phone": "13800138000", "content": "申请公开道路工程招标文件"},
                                  ensure_ascii=False), encoding="utf-8")
    register = ["register", "--db", path, "--json", str(request)]
    monkeypatch.delenv("WORKSTATION_PASSWORD", raising=False)
    assert_refused(*run(capsys, *register)[::2], "需要登录")
    sign_in(monkeypatch)
    assert_refused(*run(capsys, *register, *login("reviewer"))[::2], "权限")
    sign_in(monkeypatch, "wrong-password")
    assert_refused(*run(capsys, *register, *login("clerk"))[::2], "登录名或密码不正确")
    import sqlite3

    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM request").fetchone()[0] == 0  # nothing registered
    conn.close()
    sign_in(monkeypatch)
    code, out, _ = run(capsys, *register, *login("clerk"))
    assert code == 0
    number = json.loads(out)["number"]
    notice = ["notice", "receipt", "--case", number, "--db", path, "--out", str(tmp_path / "r.pdf")]
    assert_refused(*run(capsys, *notice, *login("reviewer"))[::2], "权限")
    assert run(capsys, *notice, *login("clerk"))[0] == 0
    imported = ["import", str(_ledger_file(tmp_path)), "--db", path, "--dry-run"]
    assert_refused(*run(capsys, *imported, *login("admin"))[::2], "权限")
    assert run(capsys, *imported, *login("head"))[0] == 0

def test_user_add_no_longer_makes_the_first_admin(capsys, tmp_path):
    path = tmp_path / "empty.sqlite3"
    Database.open_path(path).close()
    code, _, err = run(capsys, "user", "add", "boss", "--name", "老板", "--roles", "admin", "--db", str(path))
    assert_refused(code, err, "workstation init")
    assert not users.has_users(Database.open_path(path))


def test_init_makes_the_first_admin_once(capsys, tmp_path, monkeypatch):
    path = str(tmp_path / "new.sqlite3")
    sign_in(monkeypatch)
    init = ["init", "--db", path, "--office", "示范县人民政府办公室", "--login", "boss", "--name", "王主任"]
    code, out, _ = run(capsys, *init)
    assert code == 0 and "初始管理员 boss" in out and "只有首次运行" in out
    db = Database.open_path(Path(path))
    assert users.authenticate(db, "boss", PASSWORD).roles == frozenset({Role.ADMIN})
    assert get_settings(db)["office.name"] == "示范县人民政府办公室"
    db.close()
    assert_refused(*run(capsys, *init[:-4], "--login", "again", "--name", "又一个")[::2], "已有用户")


def test_a_register_with_requests_and_no_users_refuses_a_first_admin(capsys, tmp_path, monkeypatch):
    """Users deleted from a real register must not let anyone make themselves its administrator."""
    path = tmp_path / "r.sqlite3"
    db = Database.open_path(path)
    cases.register(db, users.CLI_ACTOR, person(), today=date(2026, 3, 2))
    with pytest.raises(UserError, match="已有申请记录却没有任何用户"):
        users.create_first_admin(db, "boss", "王主任", PASSWORD)
    db.close()
    sign_in(monkeypatch)
    code, _, err = run(capsys, "init", "--db", str(path), "--office", "某办", "--login", "boss", "--name", "王主任")
    assert_refused(code, err, "已有申请记录却没有任何用户")
    assert not users.has_users(Database.open_path(path))


def test_demo_refuses_a_real_register(capsys, tmp_path):
    real = register_with_staff(tmp_path / "real.sqlite3")
    before = real.read_bytes()
    code, _, err = run(capsys, "demo", "--db", str(real), "--cases", "5", "--quiet")
    assert_refused(code, err, "不是演示数据库")
    assert real.read_bytes() == before
    demo = tmp_path / "demo.sqlite3"
    for _ in range(2):  # a new file becomes a demo register; the demo register takes more
        assert run(capsys, "demo", "--db", str(demo), "--cases", "5", "--quiet")[0] == 0
    db = Database.open_path(demo)
    with db.read() as s:
        assert s.get(Setting, DEMO_MARK).value is True
    db.close()


def test_without_a_terminal_or_the_variable_the_password_is_asked_for(capsys, tmp_path, monkeypatch):
    path = register_with_staff(tmp_path / "r.sqlite3")
    monkeypatch.delenv("WORKSTATION_PASSWORD", raising=False)
    code, _, err = run(capsys, "backup", "--db", str(path), *login("admin"))
    assert_refused(code, err, "WORKSTATION_PASSWORD")


def test_the_password_is_read_at_a_hidden_prompt(capsys, tmp_path, monkeypatch):
    path = register_with_staff(tmp_path / "r.sqlite3")
    monkeypatch.delenv("WORKSTATION_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or PASSWORD)
    code, out, _ = run(capsys, "backup", "--db", str(path), "--to", str(tmp_path / "bk"), *login("head"))
    assert code == 0 and "校验通过" in out and asked == ["head 的密码:"]


# --- login names cannot be guessed from the time of the answer ----------------------------------
@pytest.mark.usefixtures("users")
def test_an_unknown_login_takes_as_long_as_a_known_one(db, monkeypatch):
    """The answer's time is scrypt's: counted as the work each check asks of it (n × r × p), not timed."""
    import hashlib

    asked: list[int] = []
    scrypt = hashlib.scrypt

    def counted(password, *, salt, n, r, p, **more):
        asked.append(n * r * p)
        return scrypt(password, salt=salt, n=n, r=r, p=p, **more)

    monkeypatch.setattr(hashlib, "scrypt", counted)

    def work(login: str, password: str = PASSWORD) -> list[int]:
        asked.clear()
        try:
            users.authenticate(db, login, password)
        except UserError:
            pass
        return list(asked)

    [known] = work("clerk")
    [wrong] = work("clerk", "wrong-password")
    [unknown] = work("no-such-user")
    assert unknown >= known == wrong, (unknown, known, wrong)
