"""Malformed command lines and files: a Chinese message and exit code 2, never a traceback,
and nothing written on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workstation.cli import main

COMMANDS = [["deadline"], ["holidays", "parse"], ["holidays", "status"], ["register"], ["audit", "verify"],
            ["backup"], ["restore"], ["user", "add"], ["notice", "receipt"], ["notice", "reply"], ["import"],
            ["tally"], ["init"]]
TOKENS = st.sampled_from(["--db", "--json", "--days", "--extend", "--pause", "--restart", "--as-of", "--to",
                          "--keep", "-", "2026-02-30", "2026-03-02", "0", "-5", "99999", "abc", "2026-03-02:2026-03-01",
                          "中文", "--name", "--roles", "x" * 300, "", "2026-13-01", "1:2:3", "--year", "--month",
                          "--quarter", "--from", "--format", "xlsx", "docx", "--out", "--case", "--dry-run",
                          "2026-5", "2025-Q3", "--login", "admin", "--office"])


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMANDS), st.lists(st.one_of(TOKENS, st.text(max_size=20)), max_size=6))
def test_random_arguments_never_raise(capsys, command, rest):
    argv = [*command, *rest]
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (argv, err)
    assert "Traceback" not in err and "程序内部错误" not in err, (argv, err)
    if code == 2:
        assert err.startswith("workstation: ") and len(err.strip().splitlines()) == 1


JUNK_FILES = {
    "empty": b"",
    "binary": bytes(range(256)) * 40,
    "utf16": "国务院办公厅关于2027年部分节假日安排的通知".encode("utf-16"),
    "latin1": "caf\xe9 \xff\xfe".encode("latin-1"),
    "huge": b"a" * 6_000_000,
    "json_array": b"[]",
    "deep": b"[" * 5000,
}


@pytest.mark.parametrize("name", sorted(JUNK_FILES))
@pytest.mark.parametrize("command", [["holidays", "parse"], ["register", "--db", "r.sqlite3", "--json"]])
def test_junk_files(capsys, tmp_path, name, command):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(JUNK_FILES[name])
    code = main([*command, str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.startswith("workstation: ")
    db = Path("r.sqlite3")
    if db.exists():
        import sqlite3

        conn = sqlite3.connect(db)
        assert conn.execute("SELECT count(*) FROM request").fetchone()[0] == 0
        conn.close()


def test_restore_refuses_a_non_backup_and_leaves_the_database(capsys, tmp_path):
    target = tmp_path / "r.sqlite3"
    target.write_bytes(b"")
    junk = tmp_path / "j.sqlite3"
    junk.write_bytes(os.urandom(5000))
    assert main(["restore", str(junk), "--db", str(target)]) == 2
    assert "不是备份文件" in capsys.readouterr().err
    assert target.read_bytes() == b""


@pytest.mark.parametrize("argv", [
    ["holidays", "parse", "x" * 400],
    ["import", "x" * 400 + ".csv", "--db", "r.sqlite3"],
    ["restore", "x" * 400, "--db", "r.sqlite3"],
    ["tally", "--year", "2025", "--db", "x" * 400],
])
def test_a_file_name_the_system_refuses_is_one_chinese_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "文件名过长" in err or "不存在" in err, err
    assert not any(p.name.startswith("xxx") for p in Path().iterdir())



@pytest.fixture(scope="module")
def sound_register(tmp_path_factory) -> Path:
    from conftest import person

    from workstation.services import cases
    from workstation.services.users import CLI_ACTOR
    from workstation.store.database import Database

    path = tmp_path_factory.mktemp("sound") / "r.sqlite3"
    db = Database.open_path(path)
    for i in range(30):
        cases.register(db, CLI_ACTOR, person(content=f"申请公开道路工程招标文件第{i}号标段" * 10))
    db.close()
    return path


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(damage=("overwrite", 0.875, b" "), command=["audit", "verify"])  # found on CI: a changed row, exit 2
@given(damage=st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.0, 0.999)),
    st.tuples(st.just("overwrite"), st.floats(0.0, 0.999), st.binary(min_size=1, max_size=600))),
    command=st.sampled_from([["register", "--json", "REQ"], ["audit", "verify"], ["backup", "--to", "bk"],
                             ["tally", "--year", "2026"], ["holidays", "status"]]))
def test_damaged_registers_never_raise_and_stay_untouched(capsys, tmp_path, sound_register, damage, command):
    """A register truncated at any length or with bytes overwritten anywhere: a sentence, never a
    traceback, and a refused file keeps every byte."""
    data = bytearray(sound_register.read_bytes())
    at = int(damage[1] * len(data))
    if damage[0] == "truncate":
        data = data[:at]
    else:
        data[at:at + len(damage[2])] = damage[2]
    folder = tmp_path / f"case-{os.urandom(4).hex()}"
    folder.mkdir()
    path = folder / "r.sqlite3"
    path.write_bytes(bytes(data))
    path.chmod(0o600)
    request = folder / "req.json"
    request.write_text('{"channel": "邮寄", "signed_on": "2026-03-04", "applicant": "王小明", '
                       '"id_number": "11010519491231002X", "phone": "13800138000", "content": "申请公开道路工程招标文件"}', encoding="utf-8")
    argv = [str(request) if a == "REQ" else str(folder / a) if a == "bk" else a for a in command]
    try:
        code = main([*argv, "--db", str(path)])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "程序内部错误" not in err and "11010519491231002X" not in err, err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and path.read_bytes() == bytes(data), err
