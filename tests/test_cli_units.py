"""`workstation unit` and `workstation handover`: held to the same roles and places as the program."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import person
from helpers.cli import PASSWORD, add_staff, password_in_env

from workstation.cli import main
from workstation.domain.status import Role
from workstation.services import cases, handover, units
from workstation.services import users as u
from workstation.store.database import Database

MON = date(2026, 3, 2)


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "county.sqlite3"
    db = Database.open_path(path)
    staff = add_staff(db)
    number = cases.register(db, staff["clerk"], person(handed_in_on=MON), today=MON).case.number
    other = cases.register(db, staff["clerk"], person(handed_in_on=MON, applicant_name="李四"), today=MON).case.number
    for login in ("roads", "town"):
        u.create_user(db, staff["admin"], login, f"{login}承办", PASSWORD, {Role.CLERK})
    db.close()
    return path, number, other


def run(capsys, path, login, *argv):
    try:
        with password_in_env():
            code = main([*argv, "--db", str(path), "--login", login])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_units_hand_over_sign_and_supervise_on_the_command_line(capsys, register):
    path, number, other = register
    assert run(capsys, path, "admin", "unit", "add", "交通运输局", "--kind", "县直部门")[0] == 0
    assert run(capsys, path, "admin", "unit", "add", "城关镇人民政府", "--kind", "乡镇街道")[0] == 0
    assert run(capsys, path, "admin", "unit", "place", "roads", "--unit", "交通运输局")[0] == 0
    assert run(capsys, path, "admin", "unit", "place", "town", "--unit", "城关镇人民政府")[0] == 0
    code, out, _ = run(capsys, path, "clerk", "handover", "give", number, "--unit", "交通运输局", "--today",
                       "2026-03-02")
    assert code == 0 and "内部办理期限 2026-03-23" in out
    code, _, err = run(capsys, path, "town", "handover", "sign", number, "--today", "2026-03-03")
    assert code == 2 and "未交由本单位" in err
    assert run(capsys, path, "roads", "handover", "sign", number, "--today", "2026-03-03")[0] == 0
    code, out, _ = run(capsys, path, "roads", "handover", "draft", number, "--result", "予以公开", "--text",
                       "拟公开招标文件", "--today", "2026-03-05")
    assert code == 0 and "已提交" in out
    code, out, _ = run(capsys, path, "clerk", "handover", "board", "--json", "--today", "2026-03-05")
    boards = {b["unit"]: b for b in json.loads(out)}
    assert code == 0 and boards["交通运输局"]["handed"] == 0  # its draft is in: nothing to chase
    assert run(capsys, path, "clerk", "handover", "give", other, "--unit", "城关镇人民政府", "--today",
               "2026-03-02")[0] == 0
    code, out, _ = run(capsys, path, "clerk", "handover", "board", "--today", "2026-03-05")
    assert "超过1个工作日未签收 1" in out
    assert run(capsys, path, "head", "handover", "remind", "--unit", "城关镇人民政府", "--note", "请尽快签收",
               "--case", other, "--today", "2026-03-05")[0] == 0
    db = Database.open_path(path)
    try:
        town = next(i for i in u.list_users(db) if i.login == "town").actor()
        assert [r.note for r in handover.reminders(db, town)] == ["请尽快签收"]
        assert [x.name for x in units.list_units(db)] == ["城关镇人民政府", "交通运输局"]
    finally:
        db.close()


def test_the_command_line_refuses_what_the_role_or_place_does_not_allow(capsys, register):
    path, number, _ = register
    code, _, err = run(capsys, path, "clerk", "unit", "add", "财政局", "--kind", "县直部门")
    assert code == 2 and "没有添加承办单位的权限" in err
    run(capsys, path, "admin", "unit", "add", "交通运输局", "--kind", "县直部门")
    run(capsys, path, "admin", "unit", "place", "roads", "--unit", "交通运输局")
    code, _, err = run(capsys, path, "roads", "handover", "give", number, "--unit", "交通运输局")
    assert code == 2 and "未交由本单位" in err  # a unit's user cannot even find another's request
    code, _, err = run(capsys, path, "clerk", "handover", "give", number, "--unit", "财政局")
    assert code == 2 and "没有名为“财政局”的承办单位" in err
    code, _, err = run(capsys, path, "reviewer", "handover", "give", number, "--unit", "交通运输局")
    assert code == 2 and "没有转办的权限" in err
    code, _, err = run(capsys, path, "clerk", "handover", "sign", number)
    assert code == 2 and "签收由承办单位办理" in err
