"""CJK fonts for printed documents: found on the system, embedded and subset by reportlab.

GB/T 9704 asks for a 宋体-like title face and a 仿宋-like body face. We look for
TrueType-outline fonts (reportlab embeds and subsets those; it cannot embed
CFF/OpenType-PostScript outlines) in this order: paths set by the office,
Windows fonts, then common Linux packages. When nothing is found the documents
fall back to reportlab's built-in ``STSong-Light`` CID font, which a PDF viewer
substitutes and which is *not* embedded; the caller is told so.

Registered fonts are kept for the life of the process: parsing a 20 MB .ttc
takes about 0.2 s, which the receipt at the window cannot afford every time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FALLBACK = "STSong-Light"

# (file, subfont index) candidates per role, best first.
_WINDOWS = Path("C:/Windows/Fonts")
_CANDIDATES: dict[str, tuple[tuple[Path, int], ...]] = {
    "title": (
        (_WINDOWS / "simsun.ttc", 0), (_WINDOWS / "simhei.ttf", 0),
        (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    ),
    "heading": (
        (_WINDOWS / "simhei.ttf", 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
        (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    ),
    "body": (
        (_WINDOWS / "simfang.ttf", 0), (_WINDOWS / "simsun.ttc", 0),
        (Path("/usr/share/fonts/truetype/arphic/ukai.ttc"), 0),
        (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
        (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    ),
}
ROLES = tuple(_CANDIDATES)
# Tick-boxes (☐ ☑) are missing from the Chinese faces; a symbol face prints them where one is found.
_SYMBOL_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (_WINDOWS / "seguisym.ttf", 0),
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), 0),
)

_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}


@dataclass(frozen=True)
class FontSet:
    """The reportlab font names to use per role, and whether they are embedded."""

    title: str
    heading: str
    body: str
    embedded: bool
    files: tuple[str, ...] = ()
    symbol: str = ""  # a face with ☐ ☑, or "" (layout then prints □ ■ from the Chinese face)

    @property
    def warning(self) -> str | None:
        if self.embedded:
            return None
        return ("未找到可嵌入的中文 TrueType 字体(如 Windows 的宋体、仿宋,或 Linux 的文泉驿、AR PL),"
                f"文书使用内置字体 {FALLBACK}(未嵌入,不同电脑上显示可能不同)。可在“设置”中指定字体文件。")


def _register(path: Path, index: int) -> str | None:
    """The reportlab name of a TrueType font file, registering it once; None if unusable."""
    key = (str(path), index)
    with _lock:
        if key in _registered:
            return _registered[key]
        if not path.is_file():
            return None
        name = f"CJK-{path.stem}-{index}"
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except (TTFError, OSError, ValueError, IndexError):
            return None
        _registered[key] = name
        return name


def _first(candidates: Iterable[tuple[Path, int]]) -> str | None:
    for path, index in candidates:
        name = _register(path, index)
        if name is not None:
            return name
    return None


def find_fonts(extra_paths: Sequence[Path] = ()) -> FontSet:
    """The fonts for documents: office paths first (for every role), then the system's."""
    office = [(Path(p), 0) for p in extra_paths]
    chosen: dict[str, str | None] = {}
    for role in ROLES:
        chosen[role] = _first([*office, *_CANDIDATES[role]])
    if all(chosen.values()):
        symbol = _first(_SYMBOL_CANDIDATES) or ""
        used = {*chosen.values(), symbol}
        files = tuple(sorted({k[0] for k, v in _registered.items() if v in used}))
        return FontSet(chosen["title"] or "", chosen["heading"] or "", chosen["body"] or "", True, files, symbol)
    with _lock:
        if FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FontSet(FALLBACK, FALLBACK, FALLBACK, False)
