"""Joining legal citations and free-text clauses into the sentences of a notice.

A notice cites "根据《中华人民共和国政府信息公开条例》第十五条、第三十七条的规定": one law named once,
its articles in order, nothing cited twice. Bases come from several places (the result's own basis, the
review's grounds), so they are joined here, in one pure function, wherever a notice prints them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LAW = re.compile(r"(《[^》]+》)(.*)", re.S)
_ARTICLE = re.compile(r"第([零〇一二三四五六七八九十百\d]+)条")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TRAILING = "。.;；,，、:：!！ \t\r\n\u3000"


def article_number(provision: str) -> int | None:
    """The article a provision starts with: 第三十七条第二款 → 37; None if it names no article."""
    match = _ARTICLE.match(provision.strip())
    if match is None:
        return None
    text = match.group(1)
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        elif ch == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


def _pieces(citation: str) -> Iterable[str]:
    """One citation text split at ;/; and before each law's name (a text may cite two laws)."""
    for part in re.split(r"[;；]", citation):
        for piece in re.split(r"(?=《)", part):
            piece = piece.strip().rstrip("、和及与").strip()
            if piece:
                yield piece


def join_citations(citations: Iterable[str]) -> str:
    """Citations joined as a notice prints them: each law once, with its provisions after it in article order.

    ``["《条例》第三十七条", "《条例》第十五条"]`` → ``"《条例》第十五条、第三十七条"``; a law cited bare and
    also with an article keeps the article; words that are not a law's name stay in their place.
    """
    order: list[str] = []  # laws and loose texts, in order of first appearance
    provisions: dict[str, list[str]] = {}
    for citation in citations:
        for piece in _pieces(citation):
            match = _LAW.match(piece)
            if match is None:
                if piece not in order:
                    order.append(piece)
                continue
            law, rest = match.group(1), match.group(2).strip()
            if law not in provisions:
                order.append(law)
                provisions[law] = []
            segments = [s.strip() for s in rest.split("、")] if rest else []
            if segments and not all(s.startswith("第") for s in segments):
                segments = [rest]  # "第三十六条第(七)项及有关法律、行政法规" is one provision
            for segment in segments:
                if segment and segment not in provisions[law]:
                    provisions[law].append(segment)
    out = []
    for entry in order:
        if entry not in provisions:
            out.append(entry)
            continue
        cited = sorted(provisions[entry], key=lambda p: (article_number(p) is None, article_number(p) or 0))
        out.append(entry + "、".join(cited))
    return "、".join(out)


def clause(text: str) -> str:
    """Free text (a reason, a part withheld) ready to stand inside a sentence: no closing 。 or ; of its own,
    so "已作遮盖处理。" does not print as "已作遮盖处理。,本机关"."""
    return (text or "").strip().rstrip(_TRAILING)
