"""Hostile and odd input: packed XLSX files, endless search text, zero-width names, mixed encodings.

Every hostile file is built here with zipfile; none is kept in the repository.
"""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest
from conftest import person

from workstation.domain.errors import DataFileError, UserError
from workstation.domain.intake import validate_intake
from workstation.domain.ledger import LedgerRejected, parse_ledger
from workstation.domain.text_decoding import EncodingUnclear, decode_text
from workstation.services import queries
from workstation.services.demo import fill_demo

TODAY = date(2026, 6, 1)
HEADER = "受理编号,收到日期,递交方式,申请人类型,申请人,申请内容\r\n"


def _xlsx(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for member, data in members.items():
            z.writestr(member.replace("__", "/"), data)
    return buffer.getvalue()


@pytest.mark.slow  # a wall-clock bound: refused before the unpacking would take long
@pytest.mark.parametrize(("members", "fragment"), [
    ({"xl__worksheets__sheet1.xml": b"<" + b" " * (60 * 1024 * 1024) + b">"}, "解压后过大"),
    ({"xl__worksheets__sheet1.xml": b"0" * (3 * 1024 * 1024)}, "压缩比异常"),
    ({"xl__sharedStrings.xml": b'<?xml version="1.0"?><sst xmlns="x" count="20000000" uniqueCount="20000000">'
      + b"<si><t>a</t></si>" * 1000 + b"</sst>"}, "文字条目过多"),
    ({f"xl__m{i}.xml": b"<a/>" for i in range(5000)}, "部件过多"),
])
def test_a_packed_xlsx_is_refused_before_it_is_unpacked(members, fragment):
    raw = _xlsx(**members)
    assert len(raw) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(DataFileError, match=fragment) as caught:
        parse_ledger(raw, "台账.xlsx", today=TODAY)
    assert time.perf_counter() - started < 2
    assert caught.value.message.startswith("台账.xlsx:")


def test_a_search_too_long_is_a_sentence(db):
    fill_demo(db, cases=5, today=TODAY)
    with pytest.raises(UserError, match="最多 200 字"):
        queries.count_cases(db, queries.CaseFilter(search="张" * 100_000), today=TODAY)
    assert queries.count_cases(db, queries.CaseFilter(search="张" * 200), today=TODAY) == 0


@pytest.mark.parametrize("blank", ["\u200b\u200b", " \u200b\ufeff\u3000", "\u2060\u200d"])
def test_a_name_of_invisible_characters_is_missing(blank):
    errors = validate_intake(person(applicant_name=blank, content=blank).cleaned(), TODAY)
    assert errors["applicant_name"] == "请填写申请人姓名或名称" and "content" in errors
    assert person(applicant_name="\u200b张三\u200b").cleaned().applicant_name == "张三"


def test_a_ledger_row_with_an_invisible_name_is_a_bad_row():
    raw = (HEADER + "台账1,2026-03-02,当面提交,自然人,\u200b\u200b,道路\r\n").encode("utf-8")
    ledger = parse_ledger(raw, "台账.csv", today=TODAY)
    assert [(p.line, p.column) for p in ledger.problems] == [(2, "申请人")]
    assert isinstance(LedgerRejected("台账.csv", ledger.problems), UserError)


def _damaged_utf8() -> bytes:
    """A UTF-8 ledger with one stray byte pair in its second data row: GB18030 would read it as 寮犱笁."""
    good = (HEADER + "台账1,2026-03-02,当面提交,自然人,王五,道路\r\n"
            "台账2,2026-03-02,当面提交,自然人,张三,桥梁\r\n").encode("utf-8")
    return good.replace("桥梁".encode(), b"\xff\xfe" + "桥梁".encode())


def test_a_utf8_ledger_with_a_stray_byte_pair_asks_for_the_encoding():
    with pytest.raises(EncodingUnclear, match="第3行") as caught:
        parse_ledger(_damaged_utf8(), "台账.csv", today=TODAY)
    assert "UTF-8 或 GB18030" in caught.value.message
    with pytest.raises(UserError, match="按 UTF-8 读取时第3行"):
        parse_ledger(_damaged_utf8(), "台账.csv", today=TODAY, encoding="utf-8")
    with pytest.raises(UserError, match="按 GB18030 读取时第1行"):  # the clerk's word, tried as given
        parse_ledger(_damaged_utf8(), "台账.csv", today=TODAY, encoding="gb18030")
    clean_gb = (HEADER + "台账1,2026-03-02,当面提交,自然人,张三,道路\r\n").encode("gb18030")
    assert parse_ledger(clean_gb, "台账.csv", today=TODAY).rows[0].applicant_name == "张三"


def test_utf8_names_with_a_stray_pair_are_not_read_as_gb18030():
    raw = "张三,李四\r\n".encode() + b"\xb0\xa1"  # GB18030 reads this, as 寮犱笁 and worse
    with pytest.raises(EncodingUnclear, match="第2行"):
        decode_text(raw, "申请.txt")
    assert decode_text(raw, "申请.txt", "gb18030").startswith("寮犱笁")
    assert decode_text("张三".encode("gb18030"), "申请.txt") == "张三"
    with pytest.raises(UserError, match="不支持的编码"):
        decode_text(raw, "申请.txt", "latin-1")


def test_the_command_line_asks_for_encoding_and_takes_it(tmp_path, capsys, monkeypatch):
    from helpers.cli import register_with_staff, sign_in

    from workstation.cli import main

    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(_damaged_utf8())
    db = register_with_staff(tmp_path / "register.sqlite3")
    sign_in(monkeypatch)
    who = ["--login", "clerk"]
    assert main(["import", str(ledger), "--db", str(db), "--dry-run", *who]) == 2
    err = capsys.readouterr().err
    assert "无法确定文件的编码" in err and "--encoding" in err and "Traceback" not in err
    assert main(["import", str(ledger), "--db", str(db), "--dry-run", "--encoding", "utf-8", *who]) == 2
    assert "按 UTF-8 读取时第3行" in capsys.readouterr().err
    ledger.write_bytes((HEADER + "台账1,2026-03-02,当面提交,自然人,张三,道路\r\n").encode("gb18030"))
    assert main(["import", str(ledger), "--db", str(db), "--dry-run", "--encoding", "gb18030", *who]) == 0
    with pytest.raises(SystemExit) as refused:
        main(["import", str(ledger), "--db", str(db), "--dry-run", "--encoding", "latin-1", *who])
    assert refused.value.code == 2 and "--encoding" in capsys.readouterr().err


def test_a_damaged_utf8_notice_is_refused_not_guessed(tmp_path, capsys):
    from workstation.cli import main
    from workstation.gui.holidays_view import read_notice_file

    notice = tmp_path / "通知.txt"
    notice.write_bytes("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:1月1日放假。\n".encode()
                       .replace("元旦".encode(), b"\xb0" + "元旦".encode()))
    assert main(["holidays", "parse", str(notice)]) == 2
    assert "无法确定文件的编码" in capsys.readouterr().err
    with pytest.raises(UserError, match="第2行"):
        read_notice_file(notice)
