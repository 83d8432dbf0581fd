"""A tally as an Excel workbook laid out like the official tables: table 三 and table 四 on their own sheets.

The on-time rate (按期办结率, not an official table) has a third sheet of its own.

Row heights are set from the text (Excel and WPS do not grow rows of merged
cells themselves), and each sheet prints on one landscape A4 page.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workstation.domain.tally import TallyResult

from .tables import (
    ON_TIME_NOTE,
    ON_TIME_TITLE,
    TABLE3_TITLE,
    TABLE4_TITLE,
    Grid,
    on_time_rows,
    subtitle,
    table3_grid,
    table4_grid,
)

FONT = "宋体"
TITLE_FONT = "黑体"
FONT_PT = 11
LINE_PT = 15  # one line of 11 pt text
CJK_UNITS = 2.2  # a CJK character is about this many column-width units at 11 pt
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

TABLE3_WIDTHS = (10, 15, 60) + (11,) * 7
TABLE4_WIDTHS = (11,) * 15


@dataclass(frozen=True)
class Signature:
    """The lines under a table that a county's form asks for: who filled it in, how to reach them, who
    checked it, when, and where the seal goes (审核人 is left blank for a hand signature)."""

    office: str = ""
    filled_by: str = ""
    phone: str = ""
    filled_on: date | None = None

    def lines(self) -> tuple[str, str]:
        when = f"{self.filled_on.year}年{self.filled_on.month}月{self.filled_on.day}日" if self.filled_on else ""
        return (f"填表人：{self.filled_by or BLANK}    联系电话：{self.phone or BLANK}    审核人：{BLANK}    "
                f"填报日期：{when or BLANK}",
                f"填报单位（盖章）：{self.office or BLANK}")


BLANK = "　" * 6


def render(result: TallyResult, *, office: str = "", signature: Signature | None = None) -> bytes:
    signature = signature or Signature(office=office)
    wb = Workbook()
    ws3 = wb.active
    assert ws3 is not None  # a new workbook has one sheet
    ws3.title = "收到和处理申请情况"
    _sheet(ws3, f"{result.period.label}{TABLE3_TITLE[2:]}", subtitle(result, office), table3_grid(result),
           TABLE3_WIDTHS, signature)
    ws4 = wb.create_sheet("复议诉讼情况")
    _sheet(ws4, f"{result.period.label}{TABLE4_TITLE[2:]}", subtitle(result, office), table4_grid(result),
           TABLE4_WIDTHS, signature)
    _on_time_sheet(wb.create_sheet("按期办结率"), result, office)
    wb.properties.title = f"{office}{result.period.label}政府信息公开统计表"
    wb.properties.creator = office or "信息公开申请工作台"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lines(text: str, units: float) -> int:
    """How many lines ``text`` takes in a cell ``units`` wide."""
    width = sum(CJK_UNITS if ord(ch) > 0x2E7F else 1.1 for ch in text)
    return max(1, math.ceil(width / max(units - 1.5, 1)))


def _sheet(ws: Worksheet, title: str, sub: str, grid: Grid, widths: tuple[int, ...], signature: Signature) -> None:
    top = 3  # rows 1–2: title and subtitle
    last_col = get_column_letter(grid.cols)
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"] = title
    ws["A1"].font = Font(name=TITLE_FONT, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{last_col}2")
    ws["A2"] = sub
    ws["A2"].font = Font(name=FONT, size=FONT_PT)
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[2].height = 22
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for r in range(grid.rows):
        for c in range(grid.cols):
            ws.cell(top + r, 1 + c).border = _BORDER
    heights = [1] * grid.rows
    for cell in grid.cells:
        r, c = top + cell.row, 1 + cell.col
        target = ws.cell(r, c)
        target.value = cell.value
        header = cell.kind == "header"
        target.font = Font(name=TITLE_FONT if header else FONT, size=FONT_PT, bold=False)
        left = cell.kind == "label" and cell.col < grid.label_cols and cell.rowspan == 1
        target.alignment = Alignment(horizontal="left" if left else "center", vertical="center", wrap_text=True,
                                     indent=1 if left else 0)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1,
                           end_column=c + cell.colspan - 1)
        if cell.rowspan == 1 and isinstance(cell.value, str):
            units = sum(widths[cell.col:cell.col + cell.colspan])
            heights[cell.row] = max(heights[cell.row], _lines(cell.value, units))
    for r, lines in enumerate(heights):
        ws.row_dimensions[top + r].height = lines * LINE_PT + 8
    after = top + grid.rows + 1  # one empty row, then the signature lines
    for i, line in enumerate(signature.lines()):
        row = after + i
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws[f"A{row}"] = line
        ws[f"A{row}"].font = Font(name=FONT, size=FONT_PT)
        ws[f"A{row}"].alignment = Alignment(horizontal="left" if i == 0 else "right", vertical="center")
        ws.row_dimensions[row].height = 24
    ws.print_title_rows = f"{top}:{top + grid.header_rows - 1}"
    ws.print_area = f"A1:{last_col}{after + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _on_time_sheet(ws: Worksheet, result: TallyResult, office: str) -> None:
    """The on-time rate on a sheet of its own: it is not one of the official tables."""
    ws["A1"] = f"{result.period.label}{ON_TIME_TITLE}"
    ws["A1"].font = Font(name=TITLE_FONT, size=14, bold=True)
    ws["A2"] = subtitle(result, office)
    ws["A2"].font = Font(name=FONT, size=FONT_PT)
    for row, lines in ((1, 2), (2, 2)):  # the title and subtitle wrap within the two columns that print
        ws.merge_cells(f"A{row}:B{row}")
        ws[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[row].height = lines * (LINE_PT + 4)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 14
    for i, (label, value) in enumerate(on_time_rows(result), start=4):
        for col, v in ((1, label), (2, value)):
            cell = ws.cell(i, col, v)
            cell.font = Font(name=FONT, size=FONT_PT)
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="left" if col == 1 else "center", vertical="center")
    note = ws.cell(11, 1, ON_TIME_NOTE)
    note.font = Font(name=FONT, size=9)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A11:B11")
    ws.row_dimensions[11].height = 6 * LINE_PT
    ws.print_area = "A1:B11"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
