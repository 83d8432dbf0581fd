"""The register (台账) as an Excel workbook: a title, a line naming the filter, a header row and the rows.

Written in openpyxl's write-only mode (100,000 rows in little memory). Every value is text, stored as
text: a name or a content beginning with "=" is never taken for a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FONT = "宋体"
TITLE_FONT = "黑体"


def _text(ws: Worksheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # never a formula, whatever the applicant typed
    if font is not None:
        cell.font = font
    return cell


def render(title: str, note: str, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    for i, (_name, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1  # every column on the page's width, as many pages down as it takes
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([_text(ws, title, Font(name=TITLE_FONT, size=16))])
    ws.append([_text(ws, note, Font(name=FONT, size=10))])
    header = []
    for name, _width in columns:
        cell = _text(ws, name, Font(name=FONT, bold=True))
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_text(ws, value) for value in row])
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
