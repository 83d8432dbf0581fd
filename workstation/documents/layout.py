"""Line markup → an A4 page laid out after GB/T 9704-2012 (党政机关公文格式), with reportlab.

The markup (what a template renders; forms/README.md shows it to offices):

    # 标题                 title, centred, 二号 (22 pt) in the title face
    ## 文号                 a centred line in the body face
    @ 张三:                the addressee, flush left
    > 某某镇人民政府        a line flush right (signature, date)
    [印章]                  room for the seal above the signature
    [印章] 文字             the same, with the words of the seal printed small where it goes
    %% 紧凑版式             a size smaller throughout, for forms meant to fit one page
    | 项目 | 内容 |          a table row (consecutive rows form one table)
    ---                     a thin rule
    ! 说明                  a small note
    (any other line)        body text, 三号 (16 pt), two characters indented;
                            consecutive lines join, a blank line ends a paragraph

Body text is about 28 characters by 22 lines in the 156 × 225 mm type area.
Long texts flow onto further pages; reportlab's CJK wrapping keeps closing
punctuation from starting a line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _rl_paragraph

from .fonts import FontSet
from .templates import LINE_BREAK, VALUE_END, VALUE_START

# Line breaking (禁则): closing punctuation never starts a line. reportlab's CJK wrapping hangs one
# such character in the right margin, but its list is Japanese (no full-width Chinese comma,
# semicolon, colon, ? ! or closing quotes) and two in a row (“）；”) still put the second at the
# start of the next line. ``_cjk_split`` is reportlab's cjkFragSplit with both fixed: when the
# next character cannot start a line either, the line breaks one character earlier instead;
# ``CJKParagraph`` uses it for every paragraph.
CANNOT_START = frozenset(_rl_paragraph.ALL_CANNOT_START + "，。、；：？！）》」』”’〕】")


def _cjk_split(frags, maxWidths, calcBounds, encoding="utf8"):  # noqa: ANN001, ANN202, N803 (reportlab's)
    units = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        units.extend(_rl_paragraph.cjkU(t, f, encoding) for t in text) if text else units.append(
            _rl_paragraph.cjkU(text, f, encoding))
    lines = []
    i = start = 0
    used = 0.0
    max_width = maxWidths[0]
    while i < len(units):
        u = units[i]
        i += 1
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        used += w
        line_break = hasattr(u.frag, "lineBreak")
        if not (line_break or (used > max_width + _rl_paragraph._FUZZ and used > 0)):
            continue
        extra = max_width - used
        if not line_break and i > start + 1:
            if str(u) not in CANNOT_START:
                i -= 1  # u starts the next line
                extra += w
                j = i  # a number or Latin word is not split: its whole run moves down
                while j - 1 > start and _in_word(units[j]) and _in_word(units[j - 1]):
                    j -= 1
                if j < i and not _in_word(units[j - 1]):
                    extra += sum(_unit_width(x, max_width) for x in units[j:i])
                    i = j
            elif i < len(units) and str(units[i]) in CANNOT_START and i - 2 > start:
                i -= 2  # u would hang but the next one cannot start a line: move the one before u down too
                extra += w + units[i].width
        lines.append(_rl_paragraph.makeCJKParaLine(units[start:i], max_width, used, extra, line_break, calcBounds))
        max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
        start = i
        used = 0.0
    if used > 0:
        lines.append(_rl_paragraph.makeCJKParaLine(units[start:], max_width, used, max_width - used, False,
                                                   calcBounds))
    return _rl_paragraph.ParaLines(kind=1, lines=lines)


def _in_word(unit) -> bool:  # noqa: ANN001 (reportlab's)
    text = str(unit)
    return len(text) == 1 and text.isascii() and (text.isalnum() or text in ".%-:")


def _unit_width(unit, max_width: float) -> float:  # noqa: ANN001 (reportlab's)
    w = unit.width
    return w.normalizedValue(max_width) if hasattr(w, "normalizedValue") else w


def _split_cjk_lines(blPara, start, stop):  # noqa: ANN001, ANN202, N803 (reportlab's)
    """The fragments of lines ``start:stop`` as they are: reportlab's own split joins the lines with a space,
    which Chinese text does not have (it showed as a gap in the last lines kept with the signature)."""
    return [word for line in blPara.lines[start:stop] for word in line.words]


class CJKParagraph(Paragraph):
    def _get_split_blParaFunc(self):  # noqa: ANN202 (reportlab's)
        if self.blPara.kind == 1 and not _rl_paragraph._processed_frags(self.frags):
            return _split_cjk_lines
        return super()._get_split_blParaFunc()

    def breakLinesCJK(self, maxWidths):  # noqa: ANN001, ANN201, N802, N803 (reportlab's)
        if getattr(self, "_splitpara", 0) and hasattr(self, "blPara"):
            return self.blPara
        if not self.frags or any(hasattr(f, "cbDefn") for f in self.frags) or self.style.endDots:
            return super().breakLinesCJK(maxWidths)
        self.height = 0
        return _cjk_split(self.frags, maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths], False)

COMPACT = "%% 紧凑版式"
SEAL = "[印章]"
BODY_PT = 16.0
TITLE_PT = 22.0
LEADING = 28.9  # 22 lines in 225 mm
MARGINS = {"top": 37 * mm, "bottom": 35 * mm, "left": 28 * mm, "right": 26 * mm}
COMPACT_MARGINS = {"top": 25 * mm, "bottom": 25 * mm, "left": 25 * mm, "right": 23 * mm}


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    body: ParagraphStyle
    addressee: ParagraphStyle
    right: ParagraphStyle
    note: ParagraphStyle
    seal: ParagraphStyle
    cell_label: ParagraphStyle
    cell: ParagraphStyle
    symbol: str = ""  # the face for tick-boxes, if any


def make_styles(fonts: FontSet, *, compact: bool = False, spacing: float = 1.0) -> Styles:
    """GB/T 9704 sizes; ``compact`` (a form such as the receipt, meant to fit one page) is a size smaller;
    ``spacing`` below 1 tightens the line spacing (to keep the signature with the text, 7.3.5)."""
    size, leading, title = (14.0, 23.0, 20.0) if compact else (BODY_PT, LEADING, TITLE_PT)
    leading *= spacing
    body = ParagraphStyle("body", fontName=fonts.body, fontSize=size, leading=leading, alignment=TA_JUSTIFY,
                          firstLineIndent=2 * size, wordWrap="CJK")
    return Styles(
        title=ParagraphStyle("title", fontName=fonts.title, fontSize=title, leading=title * 1.5,
                             alignment=TA_CENTER, wordWrap="CJK", spaceAfter=leading * 0.4),
        subtitle=ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, firstLineIndent=0,
                                spaceAfter=leading * 0.4),
        body=body,
        addressee=ParagraphStyle("addressee", parent=body, firstLineIndent=0),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0, rightIndent=2 * size),
        note=ParagraphStyle("note", parent=body, fontSize=12, leading=19, firstLineIndent=0, alignment=TA_LEFT),
        seal=ParagraphStyle("seal", parent=body, fontSize=10.5, leading=leading * 0.6, firstLineIndent=0,
                            alignment=TA_RIGHT, rightIndent=2 * size, textColor=colors.grey,
                            spaceBefore=leading * 0.5, spaceAfter=leading * 0.4),
        cell_label=ParagraphStyle("cell_label", fontName=fonts.heading, fontSize=size - 2, leading=leading * 0.7,
                                  wordWrap="CJK"),
        cell=ParagraphStyle("cell", fontName=fonts.body, fontSize=size - 2, leading=leading * 0.7, wordWrap="CJK"),
        symbol=fonts.symbol,
    )


_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3400" <= ch <= "\u4dbf"


def chinese_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) next to Chinese text printed full-width, as official documents write them.

    A bracket turns full-width with its partner when the text between them holds Chinese;
    "1,000", "10:30" and "a(b)" stay as they are.
    """
    chars = list(text)
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            if any(_cjk(c) for c in chars[start + 1:i]):
                chars[start], chars[i] = "（", "）"
        elif ch in ",:;?!":
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if (before and _cjk(before)) or (after and _cjk(after)):
                chars[i] = _FULL_WIDTH[ch]
    return "".join(chars)


_BOXES = re.compile("[☐☑☒]+")
_BOX_FALLBACK = str.maketrans({"☐": "□", "☑": "■", "☒": "■"})


def _text(raw: str, symbol: str = "") -> str:
    """Template output → Paragraph XML: sentinels dropped, values escaped, kept line breaks; tick-boxes in
    the symbol face (or as □ ■ where there is none)."""
    out = escape(chinese_punctuation(raw.replace(VALUE_START, "").replace(VALUE_END, "")))
    if symbol:
        out = _BOXES.sub(lambda m: f'<font name="{symbol}">{m.group(0)}</font>', out)
    else:
        out = out.translate(_BOX_FALLBACK)
    return out.replace(LINE_BREAK, "<br/>")


def _blocks(markup: str) -> Iterator[tuple[str, list[str]]]:
    """(kind, lines) blocks in order; plain lines are grouped into paragraphs, table rows into tables."""
    para: list[str] = []
    rows: list[str] = []

    def flush() -> Iterator[tuple[str, list[str]]]:
        if para:
            yield "body", list(para)
            para.clear()
        if rows:
            yield "table", list(rows)
            rows.clear()

    for raw in markup.split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if para:
                yield from flush()
            rows.append(stripped)
            continue
        if rows:
            yield from flush()
        if not stripped.replace(VALUE_START, "").replace(VALUE_END, ""):
            yield from flush()
            continue
        for prefix, kind in (("## ", "subtitle"), ("# ", "title"), ("@ ", "addressee"), ("> ", "right"),
                             ("! ", "note")):
            if stripped.startswith(prefix):
                yield from flush()
                yield kind, [stripped[len(prefix):]]
                break
        else:
            if stripped == "---":
                yield from flush()
                yield "rule", []
            elif stripped == COMPACT:
                continue
            elif stripped.startswith(SEAL):
                yield from flush()
                yield "seal", [stripped[len(SEAL):].strip()]
            else:
                para.append(stripped)
    yield from flush()


def _cells(row: str) -> list[str]:
    """The cells of a table row; a bar inside a value from the register does not split."""
    cells, current, inside = [], [], False
    for ch in row.strip()[1:-1]:
        if ch == VALUE_START:
            inside = True
        elif ch == VALUE_END:
            inside = False
        if ch == "|" and not inside:
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
    cells.append("".join(current))
    return cells


def _table(rows: list[str], styles: Styles, width: float) -> Table:
    data = []
    for row in rows:
        cells = [c.strip() for c in _cells(row)]
        data.append([CJKParagraph(_text(c, styles.symbol), styles.cell_label if i == 0 and len(cells) > 1 else styles.cell)
                     for i, c in enumerate(cells)])
    columns = max(len(r) for r in data)
    for r in data:
        r.extend(CJKParagraph("", styles.cell) for _ in range(columns - len(r)))
    if columns == 2:
        widths = [width * 0.27, width * 0.73]
    else:
        widths = [width / columns] * columns
    table = Table(data, colWidths=widths, repeatRows=0, splitByRow=True)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.cell.fontName),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


# The last page (GB/T 9704-2012 7.3.5): the signature and date never stand alone on it. The
# signature block keeps with it a small table of signatures just before it, any short closing
# formula (特此告知。) and the last two lines of the paragraph before; where that block does not fit below the text, spacing is first tightened a
# little (the standard's remedy) and only if that is not enough do those lines move over with it.
CLOSING_MAX = 12  # a paragraph this short (特此告知。此复。特此函告。) is a closing formula, not the text
KEPT_LINES = 2
TIGHTER = (1.0, 0.93, 0.86)  # line spacing factors tried in turn


class _PageMark(Flowable):
    """Zero-size marker that notes the page it lands on."""

    def __init__(self, name: str, seen: dict[str, int]) -> None:
        super().__init__()
        self.name, self.seen = name, seen
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's)
        return 0, 0

    def draw(self) -> None:
        self.seen[self.name] = self.canv.getPageNumber()


def _last_lines(para: Paragraph, width: float) -> list[Flowable]:
    """The paragraph as [head, last lines]; the last KEPT_LINES lines go with the signature."""
    para.wrap(width, 1_000_000)
    lines = len(para.blPara.lines)
    if lines <= KEPT_LINES + 1:
        return [para]
    parts = para.split(width, (lines - KEPT_LINES) * para.style.leading + 0.5)
    return parts if len(parts) == 2 else [para]


def flowables(markup: str, styles: Styles, width: float, seen: dict[str, int] | None = None) -> list[Flowable]:
    story: list[Flowable] = []
    tail: list[Flowable] = []  # the seal and signature lines, kept on one page with the text before them
    seen = {} if seen is None else seen
    leading = styles.body.leading

    def flush_tail() -> None:
        if not tail:
            return
        kept: list[Flowable] = []
        while story and isinstance(story[-1], (Spacer, Table)) and len(getattr(story[-1], "_cellvalues", ())) <= 3:
            kept.insert(0, story.pop())  # a signature table (申请人签名) belongs to the signature block
        while story and isinstance(story[-1], Paragraph) and story[-1].style.name in ("body", "note"):
            para = story.pop()
            if len(para.getPlainText().strip()) <= CLOSING_MAX:
                kept.insert(0, para)
                continue
            *head, last = _last_lines(para, width)
            story.extend(head)
            kept.insert(0, last)
            break
        story.append(_PageMark("before_tail", seen))
        story.append(KeepTogether([_PageMark("tail", seen), *kept, *tail]))
        tail.clear()

    for kind, lines in _blocks(markup):
        if kind == "seal":
            words = _text(lines[0], styles.symbol) if lines and lines[0] else ""
            tail.append(CJKParagraph(words, styles.seal) if words.strip() else Spacer(1, leading * 1.5))
            continue
        if kind == "right":
            tail.append(CJKParagraph(_text(lines[0], styles.symbol), styles.right))
            continue
        flush_tail()
        if kind == "body":
            story.append(CJKParagraph(_text("".join(lines), styles.symbol), styles.body))
        elif kind == "table":
            story.append(_table(lines, styles, width))
            story.append(Spacer(1, leading * 0.4))
        elif kind == "rule":
            story.append(HRFlowable(width="100%", thickness=0.6, color=colors.black, dash=(3, 2),
                                    spaceBefore=6, spaceAfter=10))
        else:
            story.append(CJKParagraph(_text(lines[0], styles.symbol), getattr(styles, kind)))
    flush_tail()
    return story


def _page_number(canvas, doc) -> None:  # noqa: ANN001 (reportlab callback)
    canvas.saveState()
    canvas.setFont(doc.number_font, 14)
    canvas.drawCentredString(A4[0] / 2, doc.number_y, f"— {doc.page} —")
    canvas.restoreState()


def render_pdf(markup: str, fonts: FontSet, *, title: str, author: str) -> bytes:
    """Lay out the markup on A4 pages; returns the PDF bytes.

    Where the signature block would be pushed onto a page of its own, the line spacing is tightened a
    little (GB/T 9704-2012 7.3.5); if no tightening brings it back, the normal spacing is kept and the
    last lines of the text go over with the signature.
    """
    compact = any(line.strip() == COMPACT for line in markup.split("\n"))
    margins = COMPACT_MARGINS if compact else MARGINS
    first: bytes | None = None
    for spacing in TIGHTER:
        seen: dict[str, int] = {}
        pdf = _build(markup, fonts, margins, make_styles(fonts, compact=compact, spacing=spacing), seen,
                     title=title, author=author)
        first = first or pdf
        if seen.get("tail", 0) <= seen.get("before_tail", 0):
            return pdf
    return first


def _build(markup: str, fonts: FontSet, margins: dict[str, float], styles: Styles, seen: dict[str, int], *,
           title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, topMargin=margins["top"], bottomMargin=margins["bottom"],
                            leftMargin=margins["left"], rightMargin=margins["right"], title=title,
                            author=author, subject=title, creator="信息公开申请工作台",
                            initialFontName=fonts.body, initialFontSize=BODY_PT)
    doc.number_font = fonts.body
    doc.number_y = margins["bottom"] - 14 * mm
    doc.build(flowables(markup, styles, doc.width, seen), onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
