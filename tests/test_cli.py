"""The command line: JSON output, Chinese one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import SIGNED_IN, as_user, password_in_env

from workstation.cli import main

NOTICE_2026 = Path(__file__).parent / "data" / "holiday-notices" / "2026.txt"


def run(capsys, *argv):
    """``workstation ARGV`` in this process; a command that signs in does so as the clerk."""
    if argv and argv[0] in SIGNED_IN:
        argv = tuple(as_user(argv))
    try:
        with password_in_env():
            code = main(list(argv))
    except SystemExit as exc:  # argparse exits on usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_deadline_json(capsys):
    code, out, _ = run(capsys, "deadline", "2026-09-28", "--as-of", "2026-10-20", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["received"] == "2026-09-28" and data["due"] == "2026-10-30"
    assert data["provisional"] is False and data["correction_notice_by"] == "2026-10-13"
    assert data["used"] == 12 and data["left"] == 8
    assert {"from": "2026-10-01", "to": "2026-10-07", "counted": False, "reason": "国庆节",
            "provisional": False} in data["explanation"]


def test_deadline_with_pause_extension_restart(capsys):
    code, out, _ = run(capsys, "deadline", "2026-03-02", "--pause", "2026-03-17:2026-03-19", "--extend", "20",
                       "--restart", "2026-03-09", "--as-of", "2026-03-09", "--json")
    assert code == 0
    data = json.loads(out)
    # restart 3-09; 3-18, 3-19 paused; 40 counted days, the 39th on the makeup Saturday 5-09
    assert data["start"] == "2026-03-09" and data["due"] == "2026-05-11"


def test_deadline_provisional_year(capsys):
    code, out, _ = run(capsys, "deadline", "2026-12-20", "--json", "--as-of", "2026-12-21")
    data = json.loads(out)
    assert code == 0 and data["due"] == "2027-01-18" and data["provisional"] is True


def test_deadline_readable_summary(capsys):
    code, out, _ = run(capsys, "deadline", "2026-09-28", "--as-of", "2026-10-09")
    assert code == 0 and "答复期限:2026年10月30日" in out and "不计(国庆节)" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["deadline", "2026-02-30"], "日期“2026-02-30”无效"),
        (["deadline", "tomorrow"], "日期“tomorrow”无效"),
        (["deadline", "2026-03-02", "--days", "abc"], "不是整数"),
        (["deadline", "2026-03-02", "--pause", "2026-03-05"], "开始日期:结束日期"),
        (["deadline", "2026-03-02", "--pause", "2026-03-09:2026-03-05"], "早于开始日期"),
        (["deadline", "2026-03-02", "--restart", "2026-03-01"], "不能早于收到申请日期"),
        (["deadline"], "缺少必需的参数"),
        (["deadline", "2026-03-02", "--bogus"], "无法识别的参数"),
        (["holidays"], "缺少必需的参数"),
        (["holidays", "parse", "/nonexistent/notice.txt"], "文件不存在"),
        (["frobnicate"], "参数错误"),
    ],
)
def test_bad_arguments_give_one_chinese_line_and_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_holidays_parse_2026(capsys):
    code, out, _ = run(capsys, "holidays", "parse", str(NOTICE_2026), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["year"] == 2026
    assert "2026-10-07" in data["off"] and "2026-01-03" in data["off"]
    assert data["work"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary" * 50, "这不是通知".encode("gb18030")])
def test_holidays_parse_bad_files(capsys, tmp_path, content):
    path = tmp_path / "notice.txt"
    path.write_bytes(content)
    code, _, err = run(capsys, "holidays", "parse", str(path))
    assert code == 2 and "Traceback" not in err and err.startswith("workstation: ")


def test_holidays_status(capsys):
    code, out, _ = run(capsys, "holidays", "status", "--json")
    rows = {r["year"]: r["state"] for r in json.loads(out)}
    assert code == 0 and rows[2026] == "official" and rows[2004] == "official"
    assert rows[2027] == "provisional"


def test_register_from_json(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    request = tmp_path / "req.json"
    request.write_text(json.dumps({
        "channel": "邮寄", "signed_on": "2026-03-04", "applicant_kind": "自然人", "applicant": "王小明",
        "id_number": "11010519491231002X", "phone": "13800138000", "address": "示范县人民路1号",
        "content": "申请公开道路工程招标文件"}, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "register", "--db", str(db), "--json", str(request))
    assert code == 0, err
    data = json.loads(out)
    assert data["number"] == "政依申〔2026〕第0001号" and data["received"] == "2026-03-04"
    assert data["due"] == "2026-04-01"
    code, out, _ = run(capsys, "audit", "verify", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["ok"] is True


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ("{not json", "JSON 格式错误"),
        ("[1, 2]", "JSON 对象"),
        ('{"channel": "飞鸽传书", "applicant": "甲", "content": "x", "received": "2026-03-02"}', "递交方式"),
        ('{"applicant_kind": "外星人", "applicant": "甲", "content": "x", "received": "2026-03-02"}', "申请人类型"),
        ('{"applicant": "甲", "content": "x", "received": "2026-02-30"}', "2026-02-30"),
        ('{"applicant": "", "content": "", "received": "2026-03-02"}', "登记未完成"),
        ('{"applicant": "甲", "purpose": "x"}', "无法识别的字段"),
    ],
)
def test_register_bad_input_writes_nothing(capsys, tmp_path, payload, fragment):
    db = tmp_path / "r.sqlite3"
    request = tmp_path / "req.json"
    request.write_text(payload, encoding="utf-8")
    code, _, err = run(capsys, "register", "--db", str(db), "--json", str(request))
    assert code == 2 and fragment in err and "Traceback" not in err
    if db.exists():
        from sqlalchemy import create_engine, text

        with create_engine(f"sqlite:///{db}").connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM request")).scalar() == 0


def test_console_entry_point_runs():
    exe = Path(sys.executable).with_name("workstation")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "workstation"]
    proc = subprocess.run([*cmd, "deadline", "2026-10-01", "--json", "--as-of", "2026-10-01"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["due"] == "2026-11-03"
    proc = subprocess.run([*cmd, "deadline", "2026-13-01"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_notice_with_a_provisional_date_needs_the_flag(capsys, tmp_path):
    """The extension's new due date lies in a year without an official schedule: exit 2 with the way out."""
    import json as json_
    from datetime import date

    from conftest import person

    from workstation.domain.status import Role
    from workstation.services import cases, users
    from workstation.store.database import Database

    path = tmp_path / "register.sqlite3"
    db = Database.open_path(path)
    admin = users.create_first_admin(db, "admin", "管理员", "secret1").actor()
    head = users.create_user(db, admin, "head", "王主任", "secret1", {Role.HEAD}).actor()
    on = date(2026, 12, 21)
    case = cases.register(db, head, person(handed_in_on=on), today=on).case
    cases.extend(db, head, case.id, 20, on, reason="需要调取档案", today=on)
    db.close()
    args = ["notice", "extension", "--case", case.number, "--db", str(path), "--out", str(tmp_path / "e.pdf"),
            "--login", "head"]
    code, _out, err = run(capsys, *args)
    assert code == 2 and "--provisional-ok" in err and "Traceback" not in err
    code, out, err = run(capsys, *args, "--provisional-ok")
    assert code == 0, err
    assert json_.loads(out)["kind"] == "extension"


@pytest.mark.parametrize(("word", "key"), [("快递", "registered_post"), ("窗口", "in_person"), ("网络", "online"),
                                         ("平信", "ordinary_post")])
def test_register_takes_every_channel_word_the_ledger_takes(capsys, tmp_path, word, key):
    """One vocabulary of 递交方式 for the command line and the ledger import (they disagreed on 快递, 窗口, 网络)."""
    from workstation.domain.ledger import channel_key
    from workstation.services import cases
    from workstation.store.database import Database

    assert channel_key(word) == key
    db = tmp_path / "r.sqlite3"
    request = tmp_path / "req.json"
    request.write_text(json.dumps({"channel": word, "received": "2026-03-04", "applicant": "王小明",
                                   "id_number": "11010519491231002X", "phone": "13800138000",
                                   "content": "申请公开道路工程招标文件"}, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "register", "--db", str(db), "--json", str(request))
    assert code == 0, err
    opened = Database.open_path(db)
    assert cases.get_case(opened, json.loads(out)["id"]).channel == key
    opened.close()
