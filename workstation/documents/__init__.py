"""Printed documents (文书): templates in forms/ filled and laid out as A4 PDF with reportlab.

``render_document`` is all the services call; it never touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.domain.reply_reasons import ART_36_5

from .fonts import FontSet, find_fonts
from .layout import render_pdf
from .templates import TEMPLATE_KINDS, template_set

__all__ = ["RenderedDocument", "render_document", "reply_kind_for", "TEMPLATE_KINDS", "FontSet", "find_fonts"]

_REPLY_TEMPLATES = {
    "disclosed": "reply_disclosed", "partly_disclosed": "reply_partly", "withheld": "reply_withheld",
    "unavailable": "reply_unavailable", "not_processed": "reply_not_processed", "other": "reply_other",
}


@dataclass(frozen=True)
class RenderedDocument:
    template: str
    template_version: str
    pdf: bytes
    fonts_embedded: bool
    warnings: tuple[str, ...] = ()


def reply_kind_for(result_key: str, responsible_body: str = "", basis: str = "") -> str:
    """The reply template for a result: 信息不存在, 非本机关负责公开, 重复申请 and 行政查询事项 have their own.

    无法提供 · 本机关不掌握 counts both 信息不存在 (Art. 36(4)) and 非本机关负责 (Art. 36(5)); the notice is
    the latter when the reply names the responsible body or cites Art. 36(5), as the checklist's
    非本机关负责 item proposes.
    """
    if result_key == "withheld.query_matter":
        return "reply_query_matter"
    if result_key == "unavailable.not_held":
        return "reply_not_responsible" if responsible_body.strip() or ART_36_5.search(basis) else "reply_not_held"
    if result_key == "not_processed.repeated":
        return "reply_repeated"
    return _REPLY_TEMPLATES[result_key.split(".")[0]]


def render_document(kind: str, context: dict[str, Any], *, override_dir: Path | None = None,
                    font_paths: Sequence[Path] = ()) -> RenderedDocument:
    """Fill the template of ``kind`` with ``context`` and lay it out; raises DataFileError for a bad template."""
    filled = template_set(override_dir).fill(kind, context)
    fonts = find_fonts(font_paths)
    office = context.get("office", {}).get("name", "")
    title = context.get("title", kind)
    pdf = render_pdf(filled.text, fonts, title=str(title), author=str(office))
    warning = fonts.warning
    return RenderedDocument(filled.name, filled.version, pdf, fonts.embedded, (warning,) if warning else ())
