"""`workstation import`: a ledger in, "已导入 N 件,跳过 M 件(已存在)" out; bad rows listed on
stderr with exit code 2 and nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers.cli import as_user, password_in_env

from workstation.cli import main

HEADERS = "受理编号,收到日期,递交方式,申请人类型,申请人,办理结果,答复日期"
GOOD = [
    "CLI-1,2025-03-07,当面提交,自然人,王小明,予以公开,2025-03-20",
    "CLI-2,2025/3/10,邮寄,商业企业,宏达建筑有限公司,,",
    "CLI-3,2025年3月12日,传真,其他,某村合作社,不予处理·重复申请,2025年3月14日",
]


def run(capsys, *argv):
    """``workstation ARGV`` in this process; `import` signs in as the clerk (its register set up first)."""
    args = as_user(argv) if argv and argv[0] == "import" else [str(a) for a in argv]
    try:
        with password_in_env():
            code = main(args)
    except SystemExit as exc:  # argparse exits on usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def ledger(tmp_path, lines, *, name="台账.csv", encoding="utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADERS, *lines]) + "\r\n").encode(encoding))
    return path


def requests_in(db: Path) -> list[tuple[str, str]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT number, source FROM request ORDER BY number").fetchall()
    finally:
        conn.close()


def test_import_then_import_again(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    path = ledger(tmp_path, GOOD, encoding="gb18030")
    code, out, err = run(capsys, "import", path, "--db", db)
    assert code == 0, err
    assert out.strip() == "已导入 3 件,跳过 0 件(已存在)"
    assert requests_in(db) == [("CLI-1", "import"), ("CLI-2", "import"), ("CLI-3", "import")]
    code, out, _ = run(capsys, "import", path, "--db", db)
    assert code == 0 and out.strip() == "已导入 0 件,跳过 3 件(已存在)"
    assert len(requests_in(db)) == 3
    code, out, _ = run(capsys, "audit", "verify", "--db", db)
    assert code == 0 and "校验通过" in out


def test_import_with_db_url(capsys, tmp_path, cli_db_args):
    code, out, err = run(capsys, "import", ledger(tmp_path, GOOD), *cli_db_args)
    assert code == 0 and out.strip() == "已导入 3 件,跳过 0 件(已存在)", err


def test_dry_run_writes_nothing(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    code, out, _ = run(capsys, "import", ledger(tmp_path, GOOD), "--db", db, "--dry-run")
    assert code == 0 and "可导入 3 件" in out and "未写入任何数据" in out
    assert requests_in(db) == []


def test_bad_rows_are_listed_on_stderr_and_nothing_is_written(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    lines = [*GOOD, "CLI-4,2026-02-30,当面提交,外星人,甲,,", "CLI-1,2025-03-08,,自然人,乙,予以公开,",
             "CLI-5,2025-03-07,,自然人,丙,,2025-03-09", "CLI-6,2025-03-07,,自然人,丁,予以公开,2025-03-01",
             "CLI-7,2025-03-07,,自然人,戊,同意公开,2025-03-09"]
    code, out, err = run(capsys, "import", ledger(tmp_path, lines), "--db", db)
    assert code == 2 and out == "" and "Traceback" not in err
    head, *rows = err.strip().splitlines()
    assert head.startswith("workstation: 台账 台账.csv 有 5 行有问题(共 7 处),未导入任何数据")
    assert [tuple(r.split("\t")[:2]) for r in rows] == [
        ("第5行", "收到日期"), ("第5行", "申请人类型"), ("第6行", "答复日期"), ("第6行", "受理编号"),
        ("第7行", "办理结果"), ("第8行", "答复日期"), ("第9行", "办理结果")]
    assert "日期“2026-02-30”不存在" in rows[0] and "与第2行重复" in rows[3]
    assert requests_in(db) == []


def test_ten_thousand_bad_rows_all_listed(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    lines = [f"BAD-{i},2025-13-01,,自然人,甲{i},," for i in range(10_000)]
    code, _, err = run(capsys, "import", ledger(tmp_path, lines), "--db", db)
    assert code == 2
    rows = err.strip().splitlines()[1:]
    assert len(rows) == 10_000 and rows[-1].startswith("第10001行\t收到日期\t")
    assert requests_in(db) == []


def test_conflict_with_a_request_already_registered(capsys, tmp_path):
    db = tmp_path / "r.sqlite3"
    assert run(capsys, "import", ledger(tmp_path, GOOD[:1]), "--db", db)[0] == 0
    changed = ledger(tmp_path, ["CLI-1,2025-03-07,当面提交,自然人,王大明,予以公开,2025-03-20", GOOD[1]],
                     name="changed.csv")
    code, _, err = run(capsys, "import", changed, "--db", db)
    assert code == 2 and "第2行\t受理编号\t登记簿中已有受理编号为“CLI-1”的另一件申请" in err
    assert requests_in(db) == [("CLI-1", "import")]


JUNK = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 40,
    "utf16.csv": "国务院办公厅关于2027年部分节假日安排的通知".encode("utf-16"),
    "latin1.csv": "caf\xe9 \xff\xfe".encode("latin-1"),
    "zip.xlsx": b"PK\x03\x04" + b"\x00" * 300,
    "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 300,
    "deep.csv": b"[" * 5000,
    "headers_only.csv": HEADERS.encode(),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_unusable_files_give_one_chinese_line(capsys, tmp_path, name):
    db = tmp_path / "r.sqlite3"
    path = tmp_path / name
    path.write_bytes(JUNK[name])
    code, out, err = run(capsys, "import", path, "--db", db)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"workstation: {name}") and len(err.strip().splitlines()) == 1
    assert requests_in(db) == []


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["import", "nowhere.csv", "--db", "r.sqlite3"], "文件不存在"),
        (["import", ".", "--db", "r.sqlite3"], "是文件夹"),
        (["import"], "缺少必需的参数"),
        (["import", "x.csv", "--db", "a", "--db-url", "sqlite:///b"], "不能与"),
    ],
)
def test_bad_arguments(capsys, tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
