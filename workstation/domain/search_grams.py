"""Search grams (检索二元组): each pair of adjacent characters of a text, as one integer.

The register's search finds a text anywhere in a request's number, applicant or content. An index
of every pair of adjacent characters serves texts of two characters and more, names of two
characters included (a trigram index would not). Letters are folded to lower case, ASCII only and
character by character, as SQLite's LIKE compares them, so a text's pairs are always among the pairs
of a request it is found in; the search still checks each candidate with LIKE.
"""

from __future__ import annotations

import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_SHIFT = 21  # a code point fits in 21 bits: a pair is (first << 21) | second, below 2**42


def fold(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def bigrams(*texts: str | None) -> set[int]:
    """The distinct character pairs of the texts (each text on its own: no pair spans two fields)."""
    out: set[int] = set()
    for text in texts:
        if text:
            folded = fold(text)
            out.update((ord(a) << _SHIFT) | ord(b) for a, b in zip(folded, folded[1:], strict=False))
    return out
