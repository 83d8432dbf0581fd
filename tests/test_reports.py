"""Tally exports (统计表导出) read back as a user's program reads them: the workbook with openpyxl, the CSV
with the csv module, the JSON against the shape of spec/annual-report.md, the PDF with poppler
(pdftotext, pdffonts, pdfinfo) and the annual report with python-docx. The numbers must be the engine's,
the rows and columns those of the 2021 format, and no export may carry anything about a person."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import person
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from helpers.reply import record_reply
from helpers.tally import OFFICE, PERSONAL, TODAY, build_register, open_register
from openpyxl import load_workbook

from workstation import reports
from workstation.documents import fonts as doc_fonts
from workstation.domain.errors import UserError
from workstation.domain.tally import GROUP_ROWS, Period
from workstation.reports.tables import table3_grid, table4_grid
from workstation.services import cases
from workstation.services import tally as tally_service
from workstation.services.users import SYSTEM_ACTOR

# --- the oracle: spec/annual-report.md, written out here rather than taken from the code, with the full-width
# punctuation of the official form (国办公开办函〔2021〕30号) ----------------------------------------------------
SPEC_ROWS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "disclosed": "（一）予以公开",
    "partly_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld": "（三）不予公开",
    "withheld.state_secret": "1.属于国家秘密",
    "withheld.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld.security_stability": '3.危及"三安全一稳定"',
    "withheld.third_party": "4.保护第三方合法权益",
    "withheld.internal_affairs": "5.属于三类内部事务信息",
    "withheld.process_info": "6.属于四类过程性信息",
    "withheld.enforcement_file": "7.属于行政执法案卷",
    "withheld.query_matter": "8.属于行政查询事项",
    "unavailable": "（四）无法提供",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.still_unclear": "3.补正后申请内容仍不明确",
    "not_processed": "（五）不予处理",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.repeated": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.massive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}
RESULTS_HEADING = "三、本年度办理结果"
GROUPS = ("withheld", "unavailable", "not_processed", "other")
SINGLE_RESULTS = ("disclosed", "partly_disclosed")
MEMBERS = {g: tuple(k for k in SPEC_ROWS if k.startswith(g + ".")) for g in GROUPS}
LEAF_ROWS = tuple(k for k in SPEC_ROWS if k not in GROUPS)  # rows the printed table has numbers for
SPEC_COLUMNS = ("natural", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
KIND_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
APPEAL_KINDS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
FORMATS = ("json", "csv", "xlsx", "pdf", "docx")

poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")


def norm(text: object) -> str:
    """A label as compared: no white space or line breaks, straight quotes."""
    return re.sub(r"\s+", "", str(text)).replace("\u201c", '"').replace("\u201d", '"')


# --- the register, built once for the tests that only read it --------------------------------------------
@pytest.fixture(scope="module")
def register(tmp_path_factory):
    db, made, actors = open_register(tmp_path_factory.mktemp("reports") / "register.sqlite3")
    yield db, made, actors
    db.close()


@pytest.fixture(scope="module")
def year(register):
    result = tally_service.tally(register[0], date(2025, 1, 1), date(2025, 12, 31))
    assert result.ok, result.problems
    return result


@pytest.fixture(scope="module")
def exported(register, year):
    """Each format of the 2025 tally, as the service hands it to the GUI and the command."""
    return {fmt: tally_service.export(register[0], year, fmt) for fmt in FORMATS}


def engine_table3(result) -> dict[str, dict[str, int]]:
    return result.to_json()["table3"]


# --- XLSX ----------------------------------------------------------------------------------------------
def merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def label_rows(ws, first: int) -> dict[str, tuple[int, int]]:
    """Every label of table 三 (columns A–C, from row ``first``) -> (row, column)."""
    found: dict[str, tuple[int, int]] = {}
    for row in ws.iter_rows(min_row=first, max_col=3):
        for cell in row:
            if isinstance(cell.value, str):
                found[norm(cell.value)] = (cell.row, cell.column)
    return found


def numbers(ws, row: int, first_col: int = 4, count: int = 7) -> list[object]:
    return [ws.cell(row, c).value for c in range(first_col, first_col + count)]


def test_the_grids_cells_carry_the_tallys_keys(year):
    """Each number of the printed grids says which row and column of the tally it is, each row label its row,
    so the screen finds a number by its keys and not by the wording of a label."""
    grid = table3_grid(year)
    numbers = [c for c in grid.cells if c.kind == "number"]
    assert {(c.row_key, c.col_key) for c in numbers} == {(r, k) for r in SPEC_ROWS for k in SPEC_COLUMNS
                                                         if r not in GROUP_ROWS}
    assert all(c.value == year.cell(c.row_key, c.col_key) for c in numbers)
    assert all(c.col_key == SPEC_COLUMNS[c.col - grid.label_cols] for c in numbers)
    labels = {c.row_key: c for c in grid.cells if c.kind == "label" and c.row_key}
    assert set(labels) == set(SPEC_ROWS)
    assert all(norm(c.value) == norm(SPEC_ROWS[key]) for key, c in labels.items())
    assert {labels[g].rowspan for g in GROUP_ROWS} == {len(m) for m in GROUP_ROWS.values()}
    table4 = [c for c in table4_grid(year).cells if c.kind == "number"]
    assert [(c.row_key, c.col_key) for c in table4] == [(k, c) for k in APPEAL_KINDS for c in APPEAL_RESULTS]
    assert all(c.value == year.table4[c.row_key][c.col_key] for c in table4)


def test_xlsx_table3_has_the_official_layout_and_the_engines_numbers(exported, year):
    wb = load_workbook(io.BytesIO(exported["xlsx"].data))
    assert wb.sheetnames == ["收到和处理申请情况", "复议诉讼情况", "按期办结率"]  # the rate on a sheet apart
    ws = wb.worksheets[0]
    assert ws["A1"].value == "2025年收到和处理政府信息公开申请情况"
    assert f"填报单位:{OFFICE}" in ws["A2"].value and "2025年1月1日至2025年12月31日" in ws["A2"].value
    # the header of the 2021 format: the note over three label columns, 申请人情况 over seven, 法人或其他组织
    # over its five kinds, 自然人 and 总计 two rows high
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5"} <= merged(ws)
    assert "勾稽关系" in ws["A3"].value and ws["D3"].value == "申请人情况"
    assert ws["E4"].value == "法人或其他组织"
    assert [ws["D4"].value, *[ws.cell(5, c).value for c in range(5, 10)], ws["J4"].value] == list(KIND_LABELS)

    labels = label_rows(ws, 6)
    table = engine_table3(year)
    rows_of: dict[str, int] = {}
    for key, label in SPEC_ROWS.items():
        assert norm(label) in labels, f"row {key} ({label}) missing"
        row, col = labels[norm(label)]
        rows_of[key] = row
        if key in ("new", "carried_in", "carried_out"):
            assert col == 1 and f"A{row}:C{row}" in merged(ws)
        elif key in (*SINGLE_RESULTS, "total"):
            assert col == 2 and f"B{row}:C{row}" in merged(ws)
        elif key in GROUPS:
            assert col == 2
        else:
            assert col == 3
        if key not in GROUPS:
            values = numbers(ws, row)
            assert all(isinstance(v, int) for v in values), (key, values)  # numbers, so Excel can sum them
            assert values == [table[key][c] for c in SPEC_COLUMNS], key
    # a group spans its numbered rows (the format prints no subtotal) and they add up to the engine's group
    for group, members in MEMBERS.items():
        first, last = rows_of[members[0]], rows_of[members[-1]]
        assert [rows_of[m] for m in members] == list(range(first, last + 1))
        assert f"B{first}:B{last}" in merged(ws) and rows_of[group] == first
        sums = [sum(ws.cell(r, c).value for r in range(first, last + 1)) for c in range(4, 11)]
        assert sums == [table[group][c] for c in SPEC_COLUMNS], group
    # 三、本年度办理结果 spans every result row, from (一) to (七)
    heading_row, heading_col = labels[norm(RESULTS_HEADING)]
    assert heading_col == 1 and f"A{heading_row}:A{rows_of['total']}" in merged(ws)
    assert heading_row == rows_of["disclosed"]
    # totals: the 总计 column, the (七)总计 row, and the identity, read from the sheet alone
    result_rows = [rows_of[k] for k in LEAF_ROWS if k not in ("new", "carried_in", "total", "carried_out")]
    for c in range(4, 11):
        assert ws.cell(rows_of["total"], c).value == sum(ws.cell(r, c).value for r in result_rows)
        assert ws.cell(rows_of["new"], c).value + ws.cell(rows_of["carried_in"], c).value == \
            ws.cell(rows_of["total"], c).value + ws.cell(rows_of["carried_out"], c).value
    for row in rows_of.values():
        if ws.cell(row, 4).value is not None:
            assert ws.cell(row, 10).value == sum(ws.cell(row, c).value for c in range(4, 10))
    assert (ws.cell(rows_of["new"], 10).value, ws.cell(rows_of["total"], 10).value) == (23, 23)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


def test_xlsx_table4_has_the_official_layout_and_the_engines_numbers(exported, year):
    ws = load_workbook(io.BytesIO(exported["xlsx"].data)).worksheets[1]
    assert ws["A1"].value == "2025年政府信息公开行政复议、行政诉讼情况"
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5"} <= merged(ws)
    assert (ws["A3"].value, ws["F3"].value, ws["F4"].value, ws["K4"].value) == \
        ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
    assert [ws.cell(4, c).value for c in range(1, 6)] == list(APPEAL_LABELS)
    assert [ws.cell(5, c).value for c in range(6, 16)] == list(APPEAL_LABELS) * 2
    table4 = year.to_json()["table4"]
    assert numbers(ws, 6, 1, 15) == [table4[k][c] for k in APPEAL_KINDS for c in APPEAL_RESULTS]
    assert numbers(ws, 6, 1, 15) == [1, 0, 0, 1, 2, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1]  # helpers.tally.APPEALS


def test_xlsx_of_a_month_says_this_period(register):
    db = register[0]
    march = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    ws = load_workbook(io.BytesIO(tally_service.export(db, march, "xlsx").data)).worksheets[0]
    labels = label_rows(ws, 6)
    assert ws["A1"].value == "2025年3月收到和处理政府信息公开申请情况"
    for label in ("一、本期新收政府信息公开申请数量", "二、上期结转政府信息公开申请数量", "三、本期办理结果",
                  "四、结转下期继续办理"):
        assert label in labels, label
    row = labels["一、本期新收政府信息公开申请数量"][0]
    assert numbers(ws, row) == [march.cell("new", c) for c in SPEC_COLUMNS] and march.cell("new") == 6



def test_xlsx_of_a_month_carries_the_county_forms_signature_lines(register):
    """填表人, 联系电话, 审核人 (blank, signed by hand), 填报日期 and the seal line under each official table."""
    from workstation.services.base import get_settings

    db = register[0]
    settings = get_settings(db)
    march = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    made = tally_service.export(db, march, "xlsx", filled_by="张承办", today=date(2025, 4, 3))
    for ws in load_workbook(io.BytesIO(made.data)).worksheets[:2]:
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        [line] = [t for t in texts if t.startswith("填表人：")]
        assert "填表人：张承办" in line and "审核人：　" in line and "填报日期：2025年4月3日" in line
        assert f"联系电话：{settings['office.phone'] or '　'}" in line
        [seal] = [t for t in texts if t.startswith("填报单位（盖章）：")]
        assert (settings["office.name"] or "　") in seal
        assert ws.print_area.endswith(f"${ws.max_row}")  # the lines print with the table

# --- CSV and JSON --------------------------------------------------------------------------------------
def test_csv_is_utf8_with_bom_and_parses_back(exported, year):
    data = exported["csv"].data
    assert data.startswith(b"\xef\xbb\xbf")  # Excel and WPS read a BOM-less UTF-8 CSV as GBK
    text = data.decode("utf-8-sig")
    assert "\r\n" in text  # Excel's line ends
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["统计期间", "2025-01-01", "2025-12-31"]
    header = rows.index(["代码", "项目", *KIND_LABELS])
    table = engine_table3(year)
    body = {r[0]: r for r in rows[header + 1:header + 1 + len(SPEC_ROWS)]}
    assert list(body) == list(SPEC_ROWS)  # every row, subtotals of (三)–(六) included, in the order of the format
    for key, label in SPEC_ROWS.items():
        assert norm(body[key][1]) == norm(label)
        assert [int(v) for v in body[key][2:]] == [table[key][c] for c in SPEC_COLUMNS], key
    header4 = rows.index(["代码", "类型", *APPEAL_LABELS])
    table4 = year.to_json()["table4"]
    for kind, row in zip(APPEAL_KINDS, rows[header4 + 1:header4 + 4], strict=True):
        assert row[0] == kind and [int(v) for v in row[2:]] == [table4[kind][c] for c in APPEAL_RESULTS]


def test_json_has_exactly_the_shape_of_the_spec(exported, year):
    data = json.loads(exported["json"].data.decode("utf-8"))
    assert list(data) == ["period", "table3", "table4"]
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert list(data["table3"]) == list(SPEC_ROWS)
    for key, row in data["table3"].items():
        assert list(row) == list(SPEC_COLUMNS), key
        assert all(type(v) is int for v in row.values())
    assert list(data["table4"]) == list(APPEAL_KINDS)
    for row in data["table4"].values():
        assert list(row) == list(APPEAL_RESULTS)
    assert data["table3"] == engine_table3(year)
    assert data["table3"]["new"]["total"] == 23 and data["table3"]["carried_out"]["total"] == 4
    assert data["table4"]["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2}


# --- PDF -----------------------------------------------------------------------------------------------
def poppler_out(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


@poppler
def test_pdf_shows_headings_labels_and_numbers(exported, year, tmp_path):
    export = exported["pdf"]
    assert export.data.startswith(b"%PDF")
    text = poppler_out("pdftotext", export.data, tmp_path, "-layout")
    page3, page4 = text.split("\f")[:2]
    assert "2025年收到和处理政府信息公开申请情况" in norm(page3)
    assert f"填报单位:{OFFICE}" in norm(page3) and "申请人情况" in page3 and "法人或其他组织" in page3
    # a header may wrap (社会公益 / 组织); in content-stream order its lines follow each other
    plain = norm(poppler_out("pdftotext", export.data, tmp_path, "-raw"))
    for label in KIND_LABELS:
        assert label in plain
    table = engine_table3(year)
    lines = [line.replace("\u201c", '"').replace("\u201d", '"') for line in page3.splitlines()]
    for key in LEAF_ROWS:
        line = next((x for x in lines if SPEC_ROWS[key] in x), None)
        assert line is not None, f"row {key} not in the PDF"
        values = [int(v) for v in line.split(SPEC_ROWS[key])[1].split()]
        assert values == [table[key][c] for c in SPEC_COLUMNS], key
    for group in GROUPS:
        assert norm(SPEC_ROWS[group]) in norm(page3)
    assert "2025年政府信息公开行政复议、行政诉讼情况" in norm(page4)
    table4 = year.to_json()["table4"]
    rows = [line.split() for line in page4.splitlines() if re.fullmatch(r"[\d\s]+", line) and line.strip()]
    assert [[int(v) for v in row] for row in rows] == [[table4[k][c] for k in APPEAL_KINDS for c in APPEAL_RESULTS]]


@poppler
def test_pdf_is_a4_landscape_with_embedded_fonts(exported, tmp_path):
    export = exported["pdf"]
    info = poppler_out("pdfinfo", export.data, tmp_path)
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4, landscape
    assert re.search(r"Pages:\s+2\b", info)  # table 三 on one page, table 四 on the next
    assert f"Title:           {OFFICE}2025年政府信息公开统计表" in info
    assert export.warnings == ()
    fonts = [line.split() for line in poppler_out("pdffonts", export.data, tmp_path).splitlines()[2:]]
    assert fonts
    for row in fonts:
        assert "TrueType" in row and row[-5] == "yes", row  # the emb column


@poppler
def test_pdf_without_a_cjk_font_says_so(register, year, tmp_path, monkeypatch):
    monkeypatch.setattr(doc_fonts, "_CANDIDATES", {role: () for role in doc_fonts.ROLES})
    export = tally_service.export(register[0], year, "pdf")
    assert len(export.warnings) == 1 and "未嵌入" in export.warnings[0]
    assert "STSong-Light" in poppler_out("pdffonts", export.data, tmp_path)
    assert "2025年收到和处理政府信息公开申请情况" in norm(poppler_out("pdftotext", export.data, tmp_path))


# --- the annual report (DOCX) ----------------------------------------------------------------------------
def body_sequence(doc) -> list[tuple[str, object]]:
    """The document body in order: ("p", text) for paragraphs, ("table", Table) for tables."""
    tables = iter(doc.tables)
    out: list[tuple[str, object]] = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(("p", "".join(t.text or "" for t in child.iter(qn("w:t")))))
        elif child.tag == qn("w:tbl"):
            out.append(("table", next(tables)))
    return out


def test_docx_has_the_six_sections_with_tables_three_and_four_filled(exported, year):
    doc = Document(io.BytesIO(exported["docx"].data))
    seq = body_sequence(doc)
    texts = [t for kind, t in seq if kind == "p"]
    assert texts[0] == f"{OFFICE}2025年政府信息公开工作年度报告"
    assert any("统计期限自2025年1月1日起至2025年12月31日止" in t for t in texts)
    places = [seq.index(("p", s)) for s in SECTIONS]
    assert places == sorted(places), "the sections are out of order"
    # sections 二, 三 and 四 each hold one table; 一, 五 and 六 prose to write
    for i, start in enumerate(places):
        end = places[i + 1] if i + 1 < len(places) else len(seq)
        tables = [t for kind, t in seq[start + 1:end] if kind == "table"]
        assert len(tables) == (1 if SECTIONS[i][0] in "二三四" else 0), SECTIONS[i]
    assert len(doc.tables) == 3

    t3 = doc.tables[1]
    table = engine_table3(year)
    by_label: dict[str, list[int]] = {}
    group_rows: dict[str, list[list[int]]] = {}
    for row in t3.rows[3:]:
        cells = row.cells
        values = [int(c.text) for c in cells[3:]]
        by_label[norm(cells[2].text)] = values
        group_rows.setdefault(norm(cells[1].text), []).append(values)
    head = [norm(c.text) for c in t3.rows[1].cells[3:]] + [norm(c.text) for c in t3.rows[2].cells[3:]]
    for label in KIND_LABELS:
        assert label in head
    for key in LEAF_ROWS:
        assert by_label[norm(SPEC_ROWS[key])] == [table[key][c] for c in SPEC_COLUMNS], key
    for group, members in MEMBERS.items():
        rows = group_rows[norm(SPEC_ROWS[group])]
        assert len(rows) == len(members)
        assert [sum(col) for col in zip(*rows, strict=True)] == [table[group][c] for c in SPEC_COLUMNS]
    assert norm(t3.rows[3].cells[0].text) == norm(SPEC_ROWS["new"])
    assert "勾稽关系" in t3.rows[0].cells[0].text and norm(RESULTS_HEADING) in [norm(r.cells[0].text) for r in t3.rows]

    t4 = doc.tables[2]
    assert [c.text for c in t4.rows[0].cells] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    table4 = year.to_json()["table4"]
    assert [int(c.text) for c in t4.rows[3].cells] == [table4[k][c] for k in APPEAL_KINDS for c in APPEAL_RESULTS]


def test_docx_leaves_table_two_and_the_prose_to_the_office(exported):
    doc = Document(io.BytesIO(exported["docx"].data))
    t2 = doc.tables[0]
    labels = [r.cells[0].text for r in t2.rows]
    for item in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        assert item in labels
    for row in t2.rows:
        if row.cells[0].text in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"):
            assert all(c.text == "" for c in row.cells[1:]), row.cells[0].text  # to fill by hand
    seq = body_sequence(doc)
    places = {s: seq.index(("p", s)) for s in SECTIONS}
    for section, following in (("一、总体情况", "二、主动公开政府信息情况"),
                               ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
                               ("六、其他需要报告的事项", None)):
        end = places[following] if following else len(seq)
        prose = [t for kind, t in seq[places[section] + 1:end] if kind == "p" and t]
        assert prose and all(t.startswith("【请填写】") for t in prose), section
    assert any("信息处理费" in t for kind, t in seq[places["六、其他需要报告的事项"]:] if kind == "p")
    summary = next(t for kind, t in seq if kind == "p" and "依申请公开可参考" in t)
    assert "本年度新收政府信息公开申请23件，上年结转4件；办结23件（其中" in summary
    assert "结转下年度继续办理4件" in summary
    marked = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【请填写】")]
    assert len(marked) == 6 and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)


def test_docx_tables_are_laid_out_by_their_grid(exported):
    """LibreOffice and WPS size a table by w:tblGrid: the label column must be wide there, not in the cells only."""
    doc = Document(io.BytesIO(exported["docx"].data))
    type_area = 210 - 28 - 26  # mm
    for table in doc.tables:
        widths = [int(c.get(qn("w:w"))) / 56.7 for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        assert abs(sum(widths) - type_area) < 1, widths
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    t3 = [int(c.get(qn("w:w"))) for c in doc.tables[1]._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    assert t3[2] > 5 * t3[3]  # the 34-character row labels get the room, the numbers do not need it


def test_docx_only_for_a_whole_year(register):
    db = register[0]
    quarter = tally_service.tally(db, date(2025, 1, 1), date(2025, 3, 31))
    with pytest.raises(UserError, match="年度报告只能按整年生成,2025年第一季度不是一个完整的年度"):
        tally_service.export(db, quarter, "docx")


# --- nothing personal in any export -------------------------------------------------------------------------
def readable_text(fmt: str, data: bytes, tmp_path: Path) -> str:
    """Everything a reader of the file could find in it, metadata included."""
    if fmt in ("xlsx", "docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    if fmt == "pdf":
        return "\n".join([poppler_out("pdftotext", data, tmp_path), poppler_out("pdfinfo", data, tmp_path),
                          data.decode("latin-1")])
    return data.decode("utf-8-sig")


@poppler
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_data_in_any_export(exported, fmt, tmp_path):
    text = readable_text(fmt, exported[fmt].data, tmp_path)
    assert "2025" in text  # the reading works
    for marker in PERSONAL:
        assert marker not in text, f"{marker} in the {fmt} export"


# --- the official form's full-width punctuation ------------------------------------------------------------
FULL_WIDTH = ("（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
              "（四）无法提供", "（五）不予处理", "（六）其他处理", "（七）总计")
IDENTITY = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@poppler
@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx", "csv"])
def test_exports_use_the_full_width_labels_of_the_form(exported, fmt, tmp_path):
    text = readable_text(fmt, exported[fmt].data, tmp_path)
    if fmt == "pdf":
        text = re.sub(r"\s+", "", poppler_out("pdftotext", exported[fmt].data, tmp_path))
    if fmt == "xlsx":  # the cells, not the XML (which writes characters as references)
        wb = load_workbook(io.BytesIO(exported[fmt].data))
        text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    for label in FULL_WIDTH[:1] + FULL_WIDTH[2:]:
        assert label in text, (fmt, label)
    assert "(一)" not in text and "(七)" not in text and "(区分处理的" not in text
    if fmt == "pdf":  # a long label may wrap inside its cell, so its words are compared without it
        assert "区分处理的，只计这一情形，不计其他情形" in text
    else:
        assert FULL_WIDTH[1] in text
    if fmt != "csv":  # the CSV has no header note
        assert IDENTITY in text and "(本列数据" not in text


# --- a table that does not balance is not exported -------------------------------------------------------------
@pytest.fixture
def broken(db, users):
    """The register with B9's received date moved after its reply: March and April no longer balance."""
    made = build_register(db, users)
    data = cases.intake_of(db, made["B9"].id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2025, 4, 2)
    cases.correct_registration(db, users["clerk"], made["B9"].id, data, "收到日期登记错误", today=TODAY)
    return db, made


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unbalanced_table_is_refused_naming_the_request(broken, fmt):
    db, made = broken
    result = tally_service.tally(db, date(2025, 4, 1), date(2025, 4, 30))
    assert not result.ok and result.problem_numbers == (made["B9"].number,)
    if fmt == "docx":
        result = tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 31))
        assert not result.ok
    with pytest.raises(UserError) as caught:
        tally_service.export(db, result, fmt)
    message = str(caught.value)
    assert "不平衡,不能导出" in message and f"请先更正以下申请:{made['B9'].number}。" in message
    assert "早于收到日期 2025-04-02" in message
    with pytest.raises(UserError, match="不能导出"):
        reports.render(result, fmt)


def test_many_unbalanced_requests_are_named_first():
    from workstation.domain.tally import TallyRecord, compute_tally

    records = [TallyRecord(i, f"政依申〔2025〕第{i:04d}号", "natural", date(2025, 3, 3), date(2025, 3, 9), None)
               for i in range(1, 13)]
    result = compute_tally(records, [], Period.month(2025, 3))
    with pytest.raises(UserError) as caught:
        reports.check_exportable(result)
    message = str(caught.value)
    named = message.split("请先更正以下申请:")[1].split("。")[0]
    assert named == "、".join(f"政依申〔2025〕第{i:04d}号" for i in range(1, 11)) + "等 12 件"
    assert message.index("第0001号") < message.index("问题:")
    assert message.endswith(f";另有 {len(result.problems) - 8} 处")


def test_a_broken_appeal_names_its_request_even_outside_the_period(db, users):
    """An appeal filed in the period on a request closed the year before: its request is named by number."""
    from workstation.store.models import Appeal

    case = cases.register(db, users["clerk"], person(handed_in_on=date(2024, 3, 4)), today=date(2024, 3, 4)).case
    record_reply(db, users["clerk"], case.id, "disclosed", date(2024, 3, 20), today=date(2024, 3, 20))
    with db.write() as s:
        s.add(Appeal(request_id=case.id, kind="mediation", filed_on=date(2025, 2, 1)))
    result = tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 31))
    assert result.problem_numbers == (case.number,) and result.problem_ids == (case.id,)
    with pytest.raises(UserError, match=re.escape(f"请先更正以下申请:{case.number}。")):
        tally_service.export(db, result, "csv")


def test_unknown_format_is_refused(year):
    with pytest.raises(UserError, match="不支持的导出格式“odt”"):
        reports.render(year, "odt")


def test_write_file_is_whole_and_readable(tmp_path, exported):
    target = tmp_path / "统计表.xlsx"
    reports.write_file(target, exported["xlsx"].data)
    assert target.read_bytes() == exported["xlsx"].data
    assert target.stat().st_mode & 0o644 == 0o644  # not the private 0600 of a temporary file
    assert [p.name for p in tmp_path.iterdir()] == ["统计表.xlsx"]
    with pytest.raises(UserError, match="文件夹不存在"):
        reports.write_file(tmp_path / "nowhere" / "x.csv", b"x")
    with pytest.raises(UserError, match="是文件夹"):
        reports.write_file(tmp_path, b"x")
