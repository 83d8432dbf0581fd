"""The register to Excel: the rows as filtered, the columns shown, ID numbers masked unless revealed."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from conftest import person
from openpyxl import load_workbook

from workstation.domain.errors import UserError
from workstation.services import audit, cases, office, register_export
from workstation.services.queries import CaseFilter

TODAY = date(2026, 11, 2)
COLUMNS = ["受理编号", "申请人", "证件号码", "所需信息"]


@pytest.fixture
def register(db, users):
    office.save_settings(db, users["admin"], {"office.name": "示范县城关镇人民政府"})
    made = [cases.register(db, users["clerk"], person(handed_in_on=TODAY, **extra), today=TODAY).case
            for extra in ({}, {"applicant_name": "=HYPERLINK(\"http://x\",\"点我\")"},
                          {"applicant_name": "李四", "content": "申请公开本镇2025年财政预算执行情况\n第二行"})]
    return db, users, made


def rows_of(path) -> list[list]:
    ws = load_workbook(path)["台账"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_every_row_as_filtered_with_masked_ids_and_a_title(register, tmp_path, monkeypatch):
    db, users, made = register
    monkeypatch.setattr(register_export, "CHUNK", 2)  # read in several chunks
    seen = []
    out = tmp_path / "台账.xlsx"
    done = register_export.export_register(db, users["clerk"], CaseFilter(), out, columns=COLUMNS,
                                           today=TODAY, progress=lambda i, n: seen.append((i, n)))
    assert done.rows == 3 and not done.ids_revealed and seen == [(2, 3), (3, 3)]
    rows = rows_of(out)
    assert rows[0][0] == "示范县城关镇人民政府政府信息公开申请登记台账"
    assert rows[1][0].startswith("状态:全部;共3件")
    assert rows[2] == COLUMNS
    body = rows[3:]
    assert {r[0] for r in body} == {c.number for c in made}
    assert all("*" in r[2] for r in body)
    assert "=HYPERLINK(\"http://x\",\"点我\")" in [r[1] for r in body]
    ws = load_workbook(out)["台账"]
    assert {c.data_type for row in ws.iter_rows() for c in row if c.value} == {"s"}  # text, never a formula
    assert "申请公开本镇2025年财政预算执行情况\n第二行" in [r[3] for r in body]  # the whole content
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    [event] = [e for e in audit.list_events(db, viewer=users["admin"]) if e.action == "register_exported"]
    assert event.after["rows"] == 3 and event.after["ids_revealed"] is False


def test_only_the_roles_that_may_reveal_export_full_ids(register, tmp_path):
    db, users, made = register
    with pytest.raises(UserError, match="不能导出完整证件号码"):
        register_export.export_register(db, users["clerk"], CaseFilter(), tmp_path / "a.xlsx", reveal_ids=True,
                                        columns=COLUMNS, today=TODAY)
    assert not (tmp_path / "a.xlsx").exists()
    register_export.export_register(db, users["head"], CaseFilter(search="李四"), tmp_path / "b.xlsx",
                                    reveal_ids=True, columns=COLUMNS, today=TODAY)
    rows = rows_of(tmp_path / "b.xlsx")
    assert "搜索:李四" in rows[1][0] and len(rows) == 4
    assert rows[3][2] == person().id_number


def test_the_filter_reads_in_words():
    f = CaseFilter(view="overdue", received_from=date(2026, 1, 1), result_key="withheld", search=" 王 ")
    assert register_export.describe_filter(f) == "状态:已逾期;收到日期:2026-01-01 至 不限;办理结果:不予公开;搜索:王"
