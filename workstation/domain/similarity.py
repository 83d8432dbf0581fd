"""How alike two request contents are, to point out likely repeats (重复申请, Art. 36(6)).

A character-bigram Dice coefficient: enough to see that "东风村2024年土地征收补偿方案"
and "请公开东风村2024年度征收补偿方案" ask for the same thing, and that a budget report
does not. Words every request uses ("申请公开", "政府信息") are dropped first, so they
do not make unrelated requests look alike. The program only points out; the clerk decides.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Boilerplate of request forms, removed before comparing (longest first).
FILLER: tuple[str, ...] = (
    "政府信息公开申请", "申请公开", "请求公开", "要求公开", "依法公开", "请公开", "予以公开",
    "政府信息", "相关信息", "有关信息", "相关", "有关", "本人", "申请人", "我", "的",
)

# From this score on, an earlier request of the same applicant is shown as a likely repeat.
LIKELY_REPEAT = 0.5


def normalized(text: str) -> str:
    """Letters, digits and CJK characters only, half-width and lower case, without form boilerplate."""
    text = unicodedata.normalize("NFKC", text).lower()
    for phrase in FILLER:
        text = text.replace(phrase, "")
    return "".join(ch for ch in text if ch.isalnum())


def bigrams(text: str) -> Counter[str]:
    """The character bigrams of ``text`` after normalising (a single character counts as itself)."""
    norm = normalized(text)
    if len(norm) < 2:
        return Counter([norm] if norm else [])
    return Counter(norm[i:i + 2] for i in range(len(norm) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the bigram multisets, from 0 (nothing shared) to 1 (the same)."""
    first, second = bigrams(a), bigrams(b)
    total = sum(first.values()) + sum(second.values())
    if total == 0:
        return 0.0
    shared = sum((first & second).values())
    return 2 * shared / total


def percent(score: float) -> str:
    """A score as the screen shows it: 相似度 87%."""
    return f"{round(score * 100)}%"
