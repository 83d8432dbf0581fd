"""The annual report (政府信息公开工作年度报告) as a Word document in the six sections of the 2021 format.

Tables 三 and 四 come filled from the register; table 二 (主动公开) is an empty
table to fill, and the prose sections are placeholders marked 【请填写】 and
highlighted, so the office edits the text and never retypes a number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from workstation.domain.errors import UserError
from workstation.domain.results import RESULT_GROUPS, RESULTS
from workstation.domain.tally import TallyResult

from .tables import TABLE3_TITLE, TABLE4_TITLE, Cell, Grid, table3_grid, table4_grid

TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = 9
PLACEHOLDER = "【请填写】"
TABLE_STYLE = "统计表文字"
CELL_MARGIN_TWIPS = 57  # 1 mm

TABLE2_TITLE = "二、主动公开政府信息情况"
TABLE2_WIDTHS = (54, 34, 34, 34)  # mm, 156 mm type area
# 9 pt characters are 3.2 mm: 三、本年度 / 办理结果 on two lines in the first column, (三)不予公开 on one
# line in the second, rows of up to 16 characters on one line in the third, and two characters a line in
# the number columns (自然/人; 社会/公益/组织 takes three)
TABLE3_WIDTHS = (18, 24, 54) + (60 / 7,) * 7
TABLE4_WIDTHS = (156 / 15,) * 15


def table2_grid() -> Grid:
    """Table 二 of the format, to be filled by hand: items of Art. 20 with their columns."""
    cells: list[Cell] = []
    row = 0
    blocks = (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
        ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
        ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
    )
    for article, columns, items in blocks:
        cells.append(Cell(row, 0, article, colspan=4, kind="header"))
        row += 1
        span = 3 // len(columns)
        cells.append(Cell(row, 0, "信息内容", kind="header"))
        cells.extend(Cell(row, 1 + i * span, c, colspan=span, kind="header") for i, c in enumerate(columns))
        row += 1
        for item in items:
            cells.append(Cell(row, 0, item))
            cells.extend(Cell(row, 1 + i * span, "", colspan=span, kind="number") for i in range(len(columns)))
            row += 1
    return Grid(rows=row, cols=4, header_rows=0, cells=tuple(cells), label_cols=1)


def render(result: TallyResult, *, office: str = "") -> bytes:
    period = result.period
    if not period.is_year:
        raise UserError(f"年度报告只能按整年生成,{period.label}不是一个完整的年度。请按年份统计(如 --year 2025)。")
    year = period.start.year
    doc = Document()
    _page_and_styles(doc)
    _title(doc, f"{office.strip() or PLACEHOLDER + '机关名称'}{year}年政府信息公开工作年度报告")
    _body(doc, f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
               f"(国办公开办函〔2021〕30号)编制,所列数据的统计期限自{period.start.year}年1月1日起至"
               f"{period.end.year}年12月31日止。")
    _placeholder(doc, "本报告电子版的发布网址，以及对本报告有疑问时的联系方式（地址、邮编、电话）。")

    _heading(doc, "一、总体情况")
    _placeholder(doc, "本机关贯彻落实《中华人民共和国政府信息公开条例》的总体情况,包括主动公开、依申请公开、"
                      "政府信息管理、政府信息公开平台建设、监督保障等方面。")
    _placeholder(doc, "依申请公开可参考：" + _summary(result))

    _heading(doc, TABLE2_TITLE)
    _table(doc, table2_grid(), TABLE2_WIDTHS)

    _heading(doc, TABLE3_TITLE)
    _table(doc, table3_grid(result), TABLE3_WIDTHS)

    _heading(doc, TABLE4_TITLE)
    _table(doc, table4_grid(result), TABLE4_WIDTHS)

    _heading(doc, "五、存在的主要问题及改进情况")
    _placeholder(doc, "本机关政府信息公开工作存在的主要问题和改进情况,以及上一年度年报所列问题的整改落实情况。")

    _heading(doc, "六、其他需要报告的事项")
    _placeholder(doc, "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费的情况"
                      "（本年度发出收费通知的件数和总金额，实际收取的总金额）。")
    _placeholder(doc, "其他需要报告的事项（如本年度政务公开工作要点落实情况、人大代表建议和政协提案办理结果公开情况等）。")

    doc.core_properties.title = f"{office}{year}年政府信息公开工作年度报告"
    doc.core_properties.author = office or "信息公开申请工作台"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _summary(result: TallyResult) -> str:
    """The requests of the year in one sentence, from table 三, for the office to reuse."""
    n = result.cell
    categories = {r.group: r.category for r in reversed(RESULTS)}
    parts = [f"{categories[group]}{n(group)}件" for group in RESULT_GROUPS if n(group)]
    detail = f"（其中{'、'.join(parts)}）" if parts else ""
    return (f"本年度新收政府信息公开申请{n('new')}件，上年结转{n('carried_in')}件；办结{n('total')}件{detail}，"
            f"结转下年度继续办理{n('carried_out')}件。")


# --- layout helpers ---------------------------------------------------------------------------
def _page_and_styles(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def _font(run: Run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _title(doc: DocumentObject, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(BODY_PT)
    _font(p.add_run(text), TITLE_FONT, TITLE_PT, bold=True)


def _heading(doc: DocumentObject, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    p.paragraph_format.space_before = Pt(BODY_PT / 2)
    p.paragraph_format.keep_with_next = True
    _font(p.add_run(text), HEADING_FONT, BODY_PT)


def _body(doc: DocumentObject, text: str) -> Paragraph:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), BODY_FONT, BODY_PT)
    return p


def _placeholder(doc: DocumentObject, text: str) -> None:
    """A paragraph the office replaces: marked 【请填写】 and highlighted so none is left by mistake."""
    p = _body(doc, "")
    run = p.add_run(PLACEHOLDER + text)
    _font(run, BODY_FONT, BODY_PT)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc: DocumentObject, grid: Grid, widths_mm: Sequence[float]) -> None:
    table = doc.add_table(rows=grid.rows, cols=grid.cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fix_widths(table, widths_mm)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[i])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = _table_style(doc)
    for c in grid.cells:
        target = table.cell(c.row, c.col)
        if c.rowspan > 1 or c.colspan > 1:
            target = target.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
        p = target.paragraphs[0]
        left = c.kind == "label" and c.rowspan == 1 and c.col < grid.label_cols
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(str(c.value)), HEADING_FONT if c.kind == "header" else TABLE_FONT, TABLE_PT)
    _keep_together(table, grid.header_rows)
    doc.add_paragraph()


def _keep_together(table: Table, header_rows: int) -> None:
    """Each table fits on a page: keep it there whole rather than leave a header row at the foot of one
    page; should it ever break, its header rows repeat and no row is cut in two."""
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if i < last:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _fix_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Column widths in the table grid itself: LibreOffice and WPS lay a table out by its w:tblGrid, not the
    widths of its cells, and a fixed layout keeps Word from stretching the number columns."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(Mm(sum(widths_mm)).twips)))
    # narrow cell margins (Word's default is 1.9 mm a side) so that 9 pt headers fit the number columns
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    # schema order: tblCellMar comes before tblLook, and Word refuses a file with them the other way round
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        tbl_pr.append(margins)
    else:
        look.addprevious(margins)


def _table_style(doc: DocumentObject) -> ParagraphStyle:
    """The paragraph style of table cells: 9 pt, single spaced, no indent (also for empty cells, whose
    paragraph mark would otherwise make the row as tall as a line of 16 pt body text)."""
    styles = doc.styles
    if TABLE_STYLE in [s.name for s in styles]:
        return styles[TABLE_STYLE]
    style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = "TallyTableText"
    style.base_style = styles["Normal"]
    style.font.name = TABLE_FONT
    style.font.size = Pt(TABLE_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), TABLE_FONT)
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(1.5)
    fmt.line_spacing = 1.0
    return style
