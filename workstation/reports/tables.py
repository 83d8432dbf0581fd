"""The printed grids of tables 三 and 四 as the 2021 format lays them out, shared by every file format.

A grid is a list of cells with their spans; XLSX, PDF and DOCX only draw it.
Table 三 has three label columns (三、本年度办理结果 | (三)不予公开 | 1.属于国家秘密)
and seven number columns; groups (三)–(六) span their numbered rows, as in the
official table, which prints no subtotal row for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.domain.results import RESULT_GROUPS, TALLY_COLUMNS
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    GROUP_ROWS,
    IDENTITY_NOTE,
    KIND_COLUMNS,
    TallyResult,
    column_label,
    results_heading,
    row_label,
)

TABLE3_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
ON_TIME_TITLE = "附:按期办结率(本机关内部统计,不属于年度报告法定统计表)"
ON_TIME_NOTE = ("按答复日期计入期间;是否按期以送达计算时点判断(国办公开办函〔2016〕235号:直接送达、委托送达以签收之日,"
                "邮寄以交邮之日,电子邮件以发送之日);尚未送达的和无答复期限记录的不计入。")


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    value: str | int
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # header | label | number
    # what the cell stands for in the tally: a number of table 三 its row and column key (domain/tally.py),
    # a row label its row key, a result group's spanning label the group; in table 四 the kind and column
    row_key: str = ""
    col_key: str = ""


@dataclass(frozen=True)
class Grid:
    rows: int
    cols: int
    header_rows: int
    cells: tuple[Cell, ...]
    label_cols: int = 0  # leading columns that hold row labels


def table3_grid(result: TallyResult) -> Grid:
    period = result.period
    cells: list[Cell] = [
        Cell(0, 0, IDENTITY_NOTE, rowspan=3, colspan=3, kind="header"),
        Cell(0, 3, "申请人情况", colspan=7, kind="header"),
        Cell(1, 3, column_label("natural"), rowspan=2, kind="header"),
        Cell(1, 4, "法人或其他组织", colspan=5, kind="header"),
        *[Cell(2, 4 + i, column_label(k), kind="header") for i, k in enumerate(KIND_COLUMNS[1:])],
        Cell(1, 9, column_label("total"), rowspan=2, kind="header"),
    ]
    row = 3

    def numbers(key: str) -> None:
        cells.extend(Cell(row, 3 + i, result.cell(key, c), kind="number", row_key=key, col_key=c)
                     for i, c in enumerate(TALLY_COLUMNS))

    for key in ("new", "carried_in"):
        cells.append(Cell(row, 0, row_label(key, period), colspan=3, row_key=key))
        numbers(key)
        row += 1
    results_rows = 1 + sum(len(GROUP_ROWS.get(g, (g,))) for g in RESULT_GROUPS)
    # a line break where the heading reads well in a narrow column
    heading = results_heading(period).replace("办理结果", "\n办理结果")
    cells.append(Cell(row, 0, heading, rowspan=results_rows))
    for group in RESULT_GROUPS:
        members = GROUP_ROWS.get(group)
        if members is None:
            cells.append(Cell(row, 1, row_label(group, period), colspan=2, row_key=group))
            numbers(group)
            row += 1
            continue
        cells.append(Cell(row, 1, row_label(group, period), rowspan=len(members), row_key=group))
        for key in members:
            cells.append(Cell(row, 2, row_label(key, period), row_key=key))
            numbers(key)
            row += 1
    cells.append(Cell(row, 1, row_label("total", period), colspan=2, row_key="total"))
    numbers("total")
    row += 1
    cells.append(Cell(row, 0, row_label("carried_out", period), colspan=3, row_key="carried_out"))
    numbers("carried_out")
    return Grid(rows=row + 1, cols=10, header_rows=3, cells=tuple(cells), label_cols=3)


def table4_grid(result: TallyResult) -> Grid:
    outcome = list(APPEAL_COLUMNS.values())
    cells: list[Cell] = [
        Cell(0, 0, "行政复议", colspan=5, kind="header"),
        Cell(0, 5, "行政诉讼", colspan=10, kind="header"),
        *[Cell(1, i, label, rowspan=2, kind="header") for i, label in enumerate(outcome)],
        Cell(1, 5, "未经复议直接起诉", colspan=5, kind="header"),
        Cell(1, 10, "复议后起诉", colspan=5, kind="header"),
        *[Cell(2, 5 + i, label, kind="header") for i, label in enumerate(outcome)],
        *[Cell(2, 10 + i, label, kind="header") for i, label in enumerate(outcome)],
    ]
    for k, kind in enumerate(APPEAL_KINDS):
        cells.extend(Cell(3, 5 * k + i, result.table4[kind][c], kind="number", row_key=kind, col_key=c)
                     for i, c in enumerate(APPEAL_COLUMNS))
    return Grid(rows=4, cols=15, header_rows=3, cells=tuple(cells))


def subtitle(result: TallyResult, office: str) -> str:
    """The line under a title: who reports and the exact dates."""
    parts = [f"填报单位:{office}"] if office.strip() else []
    parts.append(f"统计期间:{result.period.span}")
    return "    ".join(parts)


def on_time_rows(result: TallyResult) -> list[tuple[str, str | int]]:
    """The on-time rate beside tables 三 and 四, as label–value rows (not a table of the official format)."""
    t = result.on_time
    return [("已送达的答复(件)", t.judged), ("其中按期(件)", t.on_time), ("其中逾期(件)", t.late),
            ("按期办结率", t.percent), ("已答复待送达,未计入(件)", t.awaiting),
            ("无答复期限记录,未计入(件)", t.undated)]
