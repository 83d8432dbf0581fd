"""`workstation tally`: a period as --year, --quarter, --month or --from/--to; JSON on stdout or a file of
each format with --out; bad arguments and tables that do not balance give one Chinese line on stderr,
exit code 2 and no file."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from docx import Document
from helpers.tally import TODAY, build_register, open_register
from openpyxl import load_workbook

from workstation.cli import main
from workstation.documents import fonts as doc_fonts
from workstation.services import cases
from workstation.services import tally as tally_service
from workstation.services.users import SYSTEM_ACTOR

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse exits on usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-tally") / "register.sqlite3"
    db, made, actors = open_register(path)
    yield path, db, made, actors
    db.close()


def expected(db, start: date, end: date) -> dict:
    return tally_service.tally(db, start, end).to_json()


@pytest.mark.parametrize(
    ("argv", "start", "end"),
    [
        (["--year", "2025"], date(2025, 1, 1), date(2025, 12, 31)),
        (["--quarter", "2025-1"], date(2025, 1, 1), date(2025, 3, 31)),
        (["--quarter", "2025-Q4"], date(2025, 10, 1), date(2025, 12, 31)),
        (["--month", "2025-03"], date(2025, 3, 1), date(2025, 3, 31)),
        (["--month", "2024-2"], date(2024, 2, 1), date(2024, 2, 29)),
        (["--from", "2025-03-05", "--to", "2025-04-02"], date(2025, 3, 5), date(2025, 4, 2)),
        (["--from", "2025-12-31", "--to", "2025-12-31"], date(2025, 12, 31), date(2025, 12, 31)),
    ],
)
def test_each_period_form_prints_the_json_of_the_spec(capsys, register, argv, start, end):
    path, db, *_ = register
    code, out, err = run(capsys, "tally", *argv, "--db", path)
    assert code == 0, err
    assert err == ""
    data = json.loads(out)
    assert data["period"] == {"start": start.isoformat(), "end": end.isoformat()}
    assert data == expected(db, start, end)


def test_json_by_hand_for_the_year_and_march(capsys, register):
    path = register[0]
    year = json.loads(run(capsys, "tally", "--year", "2025", "--db", path)[1])
    assert list(year) == ["period", "table3", "table4"]
    assert (year["table3"]["new"]["total"], year["table3"]["carried_in"]["total"], year["table3"]["total"]["total"],
            year["table3"]["carried_out"]["total"]) == (23, 4, 23, 4)
    assert year["table4"]["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}
    march = json.loads(run(capsys, "tally", "--month", "2025-03", "--db", path)[1])
    assert march["table3"]["new"] == {"natural": 4, "commercial": 1, "research": 0, "public_interest": 0,
                                      "legal_service": 0, "other_org": 1, "total": 6}
    assert march["table3"]["carried_out"]["total"] == 4


MAGIC = {"json": b"{", "csv": b"\xef\xbb\xbf", "xlsx": b"PK\x03\x04", "pdf": b"%PDF", "docx": b"PK\x03\x04"}


@pytest.mark.parametrize("fmt", list(MAGIC))
def test_out_writes_the_file_of_each_format(capsys, register, tmp_path, fmt):
    path, db, *_ = register
    out_file = tmp_path / f"统计表.{fmt}"
    code, out, err = run(capsys, "tally", "--year", "2025", "--db", path, "--format", fmt, "--out", out_file)
    assert code == 0, err
    assert err == ""
    anchor = f"{out_file.name}.链尾.json"  # the audit chain's head, kept beside the export
    assert out.strip() == f"已写出 {out_file}(2025年:新收 23 件,办结 23 件,结转 4 件);审计链尾:{anchor}"
    data = out_file.read_bytes()
    assert data.startswith(MAGIC[fmt])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out_file.name, anchor])  # no temporary file
    if fmt == "json":
        assert json.loads(data) == expected(db, date(2025, 1, 1), date(2025, 12, 31))
        assert data.decode() == run(capsys, "tally", "--year", "2025", "--db", path)[1]  # same as stdout
    elif fmt == "csv":
        assert "new,一、本年新收政府信息公开申请数量,15,2,2,1,1,2,23" in data.decode("utf-8-sig").splitlines()
    elif fmt == "xlsx":
        assert len(load_workbook(io.BytesIO(data)).worksheets) == 3  # tables 三, 四 and the on-time rate apart
    elif fmt == "docx":
        assert "二、主动公开政府信息情况" in [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_out_for_a_quarter_and_a_month(capsys, register, tmp_path):
    path = register[0]
    code, out, _ = run(capsys, "tally", "--quarter", "2025-1", "--db", path, "--format", "xlsx",
                       "--out", tmp_path / "q1.xlsx")
    assert code == 0 and "2025年第一季度:新收 12 件" in out
    assert load_workbook(tmp_path / "q1.xlsx").worksheets[0]["A1"].value == "2025年第一季度收到和处理政府信息公开申请情况"
    code, out, _ = run(capsys, "tally", "--month", "2025-3", "--db", path, "--format", "csv",
                       "--out", tmp_path / "m3.csv")
    assert code == 0 and "2025年3月:新收 6 件" in out
    assert "一、本期新收政府信息公开申请数量" in (tmp_path / "m3.csv").read_text(encoding="utf-8-sig")


def test_pdf_without_a_cjk_font_warns_on_stderr(capsys, register, tmp_path, monkeypatch):
    monkeypatch.setattr(doc_fonts, "_CANDIDATES", {role: () for role in doc_fonts.ROLES})
    code, out, err = run(capsys, "tally", "--year", "2025", "--db", register[0], "--format", "pdf",
                         "--out", tmp_path / "t.pdf")
    assert code == 0 and "已写出" in out
    assert err.startswith("workstation: 注意:未找到可嵌入的中文 TrueType 字体")
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--year", "25"], "年份 25 超出范围"),
        (["--year", "二〇二五"], "不是整数"),
        (["--year", "12025"], "超出范围"),
        (["--month", "2026-13"], "月份应为 1 至 12,不是 13"),
        (["--month", "2026-0"], "月份应为 1 至 12,不是 0"),
        (["--month", "2026/03"], "月份“2026/03”无效"),
        (["--quarter", "2026-5"], "季度“2026-5”无效"),
        (["--quarter", "2026"], "季度“2026”无效"),
        (["--from", "2026-01-01"], "还需要用 --to"),
        (["--year", "2026", "--to", "2026-01-01"], "--to 只能与 --from 一起使用"),
        (["--from", "2026-02-01", "--to", "2026-01-31"], "开始日期不能晚于结束日期"),
        (["--from", "2026-02-30", "--to", "2026-03-31"], "日期“2026-02-30”无效"),
        (["--year", "2026", "--month", "2026-01"], "不能与"),
        ([], "必须给出以下参数之一"),
        (["--year", "2025", "--format", "doc"], "参数 --format 的值 'doc' 无效"),
        (["--year", "2025", "--format", "xlsx"], "需要用 --out 指定文件名"),
        (["--month", "2025-03", "--format", "docx"], "年度报告(docx)只能按整年生成,2025年3月不是完整年度"),
    ],
)
def test_bad_arguments_give_one_chinese_line_and_write_nothing(capsys, register, tmp_path, argv, fragment):
    out_file = tmp_path / "out" / "统计表.xlsx"
    out_file.parent.mkdir()
    extra = [] if "--out" in argv or "需要用 --out" in fragment else ["--out", out_file]
    code, out, err = run(capsys, "tally", *argv, "--db", register[0], *extra)
    assert code == 2
    assert out == ""
    assert fragment in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("workstation: ") and CJK.search(err)
    assert "Traceback" not in err
    assert list(out_file.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("db_arg", "fragment"),
    [("nowhere.sqlite3", "数据库文件不存在"), (".", "是文件夹"), ("junk.sqlite3", "不是本程序的数据库文件")],
)
def test_a_missing_or_wrong_database_is_named_and_not_created(capsys, tmp_path, monkeypatch, db_arg, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "junk.sqlite3").write_text("这不是数据库", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, "tally", "--year", "2025", "--db", db_arg, "--format", "csv", "--out", "t.csv")
    assert code == 2 and out == "" and fragment in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_out_folder_that_does_not_exist(capsys, register, tmp_path):
    code, out, err = run(capsys, "tally", "--year", "2025", "--db", register[0], "--format", "csv",
                         "--out", tmp_path / "nowhere" / "t.csv")
    assert code == 2 and out == "" and "文件夹不存在" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


# --- a table that does not balance -------------------------------------------------------------------------
@pytest.fixture
def broken(db, users):
    """B9's received date corrected to after its reply: 2025, March and April do not balance."""
    made = build_register(db, users)
    data = cases.intake_of(db, made["B9"].id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2025, 4, 2)
    cases.correct_registration(db, users["clerk"], made["B9"].id, data, "收到日期登记错误", today=TODAY)
    return db, made


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf", "docx"])
def test_an_unbalanced_table_exits_2_naming_the_request_and_writes_nothing(capsys, broken, cli_db_args, tmp_path,
                                                                           fmt):
    _, made = broken
    number = made["B9"].number
    out_file = tmp_path / "out" / f"统计表.{fmt}"
    out_file.parent.mkdir()
    out_file.write_bytes(b"the old file")  # a failed export leaves it as it was
    code, out, err = run(capsys, "tally", "--year", "2025", *cli_db_args, "--format", fmt, "--out", out_file)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"workstation: 2025年的统计表不平衡,不能导出。请先更正以下申请:{number}。")
    assert out_file.read_bytes() == b"the old file"
    assert [p.name for p in out_file.parent.iterdir()] == [out_file.name]


def test_an_unbalanced_month_prints_no_json(capsys, broken, cli_db_args):
    _, made = broken
    code, out, err = run(capsys, "tally", "--month", "2025-03", *cli_db_args)
    assert code == 2 and out == ""
    assert "2025年3月的统计表不平衡" in err and made["B9"].number in err and "早于收到日期 2025-04-02" in err
    code, out, _ = run(capsys, "tally", "--month", "2025-05", *cli_db_args)
    assert code == 0 and json.loads(out)["period"]["start"] == "2025-05-01"  # other months still export


def test_a_locked_period_changed_since_is_flagged(capsys, db, users, cli_db_args):
    made = build_register(db, users)
    tally_service.lock_period(db, users["head"], date(2025, 3, 1), date(2025, 3, 31))
    code, out, err = run(capsys, "tally", "--month", "2025-03", *cli_db_args)
    assert code == 0 and err == ""
    tally_service.correct_locked_result(db, users["head"], made["B7"].id, "partly_disclosed", date(2025, 3, 1),
                                        "答复书载明部分公开")
    code, out, err = run(capsys, "tally", "--month", "2025-03", *cli_db_args)
    assert code == 0 and json.loads(out)["table3"]["partly_disclosed"]["total"] == 2
    assert "该期间已锁定" in err and "与已报送的数字不同" in err
