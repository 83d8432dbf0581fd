"""A tally as PDF on A4 landscape: table 三 on the first page, table 四 on the second, fonts embedded.

Below table 四, set apart under its own heading, the on-time rate (按期办结率), which is not an official table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workstation.documents.fonts import FontSet, find_fonts
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

PAGE = landscape(A4)
MARGIN = 14 * mm
CELL_PT = 9
# points; 763 between the margins. The longest row label (34 characters) fits on one line in column 3,
# so table 三 stays on one page.
TABLE3_WIDTHS = (62, 70, 337) + (42,) * 7
TABLE4_WIDTHS = (763 / 15,) * 15


def render(result: TallyResult, *, office: str = "", font_paths: Sequence[Path] = ()) -> tuple[bytes, str | None]:
    """The PDF bytes and, when no CJK font could be embedded, the warning to show."""
    fonts = find_fonts(font_paths)
    title = ParagraphStyle("title", fontName=fonts.title, fontSize=16, leading=22, alignment=TA_CENTER,
                           wordWrap="CJK", spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=fonts.body, fontSize=10, leading=14, alignment=TA_LEFT, wordWrap="CJK",
                         spaceAfter=4)
    period = result.period
    story = [
        Paragraph(escape(f"{period.label}{TABLE3_TITLE[2:]}"), title),
        Paragraph(escape(subtitle(result, office)).replace(" ", "&#160;"), sub),
        _table(table3_grid(result), TABLE3_WIDTHS, fonts),
        PageBreak(),
        Paragraph(escape(f"{period.label}{TABLE4_TITLE[2:]}"), title),
        Paragraph(escape(subtitle(result, office)).replace(" ", "&#160;"), sub),
        Spacer(1, 4),
        _table(table4_grid(result), TABLE4_WIDTHS, fonts),
        Spacer(1, 18),
        Paragraph(escape(ON_TIME_TITLE), sub),
        _on_time_table(result, fonts),
        Spacer(1, 4),
        Paragraph(escape(ON_TIME_NOTE), sub),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=f"{office}{period.label}政府信息公开统计表",
                            author=office or "信息公开申请工作台", subject=period.span,
                            initialFontName=fonts.body, initialFontSize=CELL_PT)
    doc.build(story)
    return out.getvalue(), fonts.warning


def _table(grid: Grid, widths: Sequence[float], fonts: FontSet) -> Table:
    header = ParagraphStyle("header", fontName=fonts.heading, fontSize=CELL_PT, leading=CELL_PT * 1.25,
                            alignment=TA_CENTER, wordWrap="CJK")
    label = ParagraphStyle("label", fontName=fonts.body, fontSize=CELL_PT, leading=CELL_PT * 1.25,
                           alignment=TA_LEFT, wordWrap="CJK")
    centred = ParagraphStyle("centred", parent=label, alignment=TA_CENTER)
    data: list[list[object]] = [[""] * grid.cols for _ in range(grid.rows)]
    style: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("FONT", (0, 0), (-1, -1), fonts.body, CELL_PT),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for cell in grid.cells:
        if cell.kind == "number":
            data[cell.row][cell.col] = str(cell.value)
        else:
            text = escape(str(cell.value)).replace("\n", "<br/>")
            if cell.kind == "header":
                chosen = header
            else:
                chosen = label if cell.rowspan == 1 else centred
            data[cell.row][cell.col] = Paragraph(text, chosen)
        if cell.rowspan > 1 or cell.colspan > 1:
            style.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    table = Table(data, colWidths=list(widths), repeatRows=grid.header_rows)
    table.setStyle(TableStyle(style))
    return table


def _on_time_table(result: TallyResult, fonts: FontSet) -> Table:
    table = Table([[label, str(value)] for label, value in on_time_rows(result)], colWidths=[220, 80],
                  hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("FONT", (0, 0), (-1, -1), fonts.body, CELL_PT),
                               ("ALIGN", (1, 0), (1, -1), "CENTER")]))
    return table
