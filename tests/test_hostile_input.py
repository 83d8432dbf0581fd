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
