"""The county's consolidated tables (汇总表) as XLSX and PDF: tables 三 and 四 per column group and 合计,
then the offices counted and those that have not reported. Reuses the tally's grids and sheet layout."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workstation.domain import exchange
from workstation.domain.errors import UserError
from workstation.domain.tally import TallyResult


def _results(view: Any) -> list[tuple[str, TallyResult]]:
    c = view.consolidation
    order = (exchange.TOTAL, *exchange.GROUPS)
    return [(g, TallyResult(c.period, c.groups[g][0], c.groups[g][1], tuple(c.problems[g]))) for g in order]


def _subtitle(office: str, group: str, result: TallyResult, count: int) -> str:
    return f"汇总单位:{office}    汇总范围:{group}({count} 个单位)    统计期间:{result.period.span}"


def _count(view: Any, group: str) -> int:
    parts = view.consolidation.parts
    return len(parts) if group == exchange.TOTAL else sum(exchange.KINDS[p.kind] == group for p in parts)


def render(office: str, view: Any, fmt: str, *, font_paths: Sequence[Path] = ()) -> bytes:
    if fmt == "xlsx":
        return _xlsx(office, view)
    if fmt == "pdf":
        return _pdf(office, view, font_paths)
    raise UserError(f"汇总表不支持“{fmt}”格式,可用 xlsx 或 pdf")


def _office_rows(view: Any) -> tuple[list[list[str]], list[list[str]]]:
    corrected = set(view.corrected)
    done = [[p.name, p.code, p.kind, "本级台账" if p.source == "register" else
             ("更正" if p.code in corrected else "已报")] for p in view.consolidation.parts]
    missing = [[o.name, o.code, o.kind, "未报"] for o in view.not_reported]
    return done, missing


def _xlsx(office: str, view: Any) -> bytes:
    from openpyxl import Workbook

    from .tables import TABLE3_TITLE, TABLE4_TITLE, table3_grid, table4_grid
    from .tally_xlsx import TABLE3_WIDTHS, TABLE4_WIDTHS, Signature, _sheet

    wb = Workbook()
    default = wb.active
    signature = Signature(office=office)
    for group, result in _results(view):
        sub = _subtitle(office, group, result, _count(view, group))
        _sheet(wb.create_sheet(f"{group}·表三"), f"{result.period.label}{TABLE3_TITLE[2:]}", sub,
               table3_grid(result), TABLE3_WIDTHS, signature)
        _sheet(wb.create_sheet(f"{group}·表四"), f"{result.period.label}{TABLE4_TITLE[2:]}", sub,
               table4_grid(result), TABLE4_WIDTHS, signature)
    if default is not None:
        wb.remove(default)
    done, missing = _office_rows(view)
    for title, rows in (("参报单位", done), ("未报单位", missing)):
        ws = wb.create_sheet(title)
        ws.append(["单位名称", "统一社会信用代码", "类别", "状态"])
        for row in rows:
            ws.append(row)
        for col, width in zip("ABCD", (36, 22, 12, 10), strict=True):
            ws.column_dimensions[col].width = width
    wb.properties.title = f"{office}{view.consolidation.period.label}政府信息公开统计汇总表"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pdf(office: str, view: Any, font_paths: Sequence[Path]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from workstation.documents.fonts import find_fonts

    from .tables import TABLE3_TITLE, TABLE4_TITLE, Grid, table3_grid, table4_grid
    from .tables import Cell as GridCell
    from .tally_pdf import CELL_PT, MARGIN, PAGE, TABLE3_WIDTHS, TABLE4_WIDTHS, _table

    fonts = find_fonts(font_paths)
    title = ParagraphStyle("title", fontName=fonts.title, fontSize=16, leading=22, alignment=TA_CENTER,
                           wordWrap="CJK", spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=fonts.body, fontSize=10, leading=14, alignment=TA_LEFT, wordWrap="CJK",
                         spaceAfter=4)
    story: list[Any] = []
    for group, result in _results(view):
        line = escape(_subtitle(office, group, result, _count(view, group))).replace(" ", "&#160;")
        story += [Paragraph(escape(f"{result.period.label}{TABLE3_TITLE[2:]}({group})"), title),
                  Paragraph(line, sub), _table(table3_grid(result), TABLE3_WIDTHS, fonts), PageBreak(),
                  Paragraph(escape(f"{result.period.label}{TABLE4_TITLE[2:]}({group})"), title),
                  Paragraph(line, sub), Spacer(1, 4), _table(table4_grid(result), TABLE4_WIDTHS, fonts), PageBreak()]
    done, missing = _office_rows(view)
    rows = [["单位名称", "统一社会信用代码", "类别", "状态"], *done, *missing]
    grid = Grid(len(rows), 4, 1, tuple(GridCell(r, c, str(v), kind="header" if r == 0 else "label")
                                       for r, row in enumerate(rows) for c, v in enumerate(row)))
    story += [Paragraph(escape(f"{view.consolidation.period.label}报送情况"), title),
              _table(grid, (330, 200, 130, 103), fonts)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=f"{office}{view.consolidation.period.label}政府信息公开统计汇总表",
                            author=office or "信息公开申请工作台", initialFontName=fonts.body, initialFontSize=CELL_PT)
    doc.build(story)
    return out.getvalue()
