"""The register's search through the index of character pairs (store.models.SearchGram).

A search text matches a request when it is found in its number, applicant or content (LIKE '%text%',
as it always was). A text of two characters and more is first looked up in the index: the requests
holding the text's rarest pairs are the candidates, and LIKE checks only those. Where the text's pairs
are all common, walking the register in display order and checking LIKE finds a page of matches sooner,
and that is done instead. Either way the matches are the same (tests/test_search_index.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import isqrt
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from workstation.domain.search_grams import bigrams
from workstation.store.models import SEARCHED, Request, SearchGram, add_grams, gram_rows

MAX_PAIRS_COUNTED = 12  # of a long text, the pairs looked up to find its rarest (any subset is enough)
PROBES = 2  # pairs checked for each candidate besides the rarest
_CHUNK = 500


def cleaned(text: str) -> str:
    """The search text as the LIKE pattern uses it (LIKE's wildcards are not the clerk's)."""
    return text.strip().replace("%", "").replace("_", "")


def like_condition(text: str) -> ColumnElement[bool]:
    like = f"%{cleaned(text)}%"
    return or_(*(getattr(Request, k).like(like) for k in SEARCHED))


def search_condition(session: Session, text: str, *, limit: int | None) -> ColumnElement[bool]:
    """The WHERE of a search: LIKE, narrowed to the index's candidates when that is quicker.

    ``limit``: the rows the caller wants in display order (None: all of them, as the register's list).
    A one-character text, or one with a backslash (PostgreSQL's LIKE escape), is not looked up.
    """
    text_ = cleaned(text)
    if len(text_) < 2 or "\\" in text_:
        return like_condition(text)
    size = session.execute(select(func.max(Request.id))).scalar() or 0
    # measured at 100,000 requests: a candidate costs about 3 times a row of the walk in display order;
    # the walk for a page of `limit` stops after about limit × size / matches rows
    most = size // 4 if limit is None else isqrt(limit * size) // 2
    return indexed_condition(session, text, most)


def indexed_condition(session: Session, text: str, most: int) -> ColumnElement[bool]:
    """LIKE on the requests holding the text's rarest pairs, if that pair is in at most ``most`` requests."""
    condition, text_ = like_condition(text), cleaned(text)
    if len(text_) < 2 or "\\" in text_:
        return condition
    grams = list(dict.fromkeys(_pairs_in_order(text_)))[:MAX_PAIRS_COUNTED]
    # each pair's requests counted up to `most + 1`, all in one statement
    counts = session.execute(select(*(
        select(func.count()).select_from(select(SearchGram.request_id).where(SearchGram.gram == g)
                                         .limit(most + 1).subquery()).scalar_subquery()
        for g in grams))).one()
    counted = sorted(zip(counts, grams, strict=True))
    if counted[0][0] > most:
        return condition
    probes = [exists().where(SearchGram.gram == g, SearchGram.request_id == Request.id)
              for _, g in counted[1:1 + PROBES]]
    candidates = select(SearchGram.request_id).where(SearchGram.gram == counted[0][1])
    return and_(Request.id.in_(candidates), *probes, condition)


def _pairs_in_order(text: str) -> list[int]:
    return [next(iter(bigrams(text[i:i + 2]))) for i in range(len(text) - 1)]


def index_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Index requests inserted in bulk with their ids (the demo), which the ORM's listeners do not see."""
    add_grams(session.connection(), [g for r in rows for g in gram_rows(r["id"], bigrams(*(r[k] for k in SEARCHED)))])


def index_requests(session: Session, ids: Iterable[int]) -> None:
    """Index requests written in bulk (demo, ledger import), which the ORM's listeners do not see."""
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(select(Request.id, *(getattr(Request, k) for k in SEARCHED))
                               .where(Request.id.in_(ids[start:start + _CHUNK]))).all()
        add_grams(session.connection(), [g for r in rows for g in gram_rows(r[0], bigrams(*r[1:]))])
