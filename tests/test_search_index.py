"""The register's search through the index of character pairs finds exactly what the plain LIKE scan finds.

Random requests (letters of both cases, CJK, digits, LIKE's own wildcards, a backslash) and random texts:
the index path (forced), the public list with its choice of path, and a page in display order each give the
same requests as LIKE over every row. Every way a request is written keeps the index whole: registering,
correcting, the ledger import, the demo, and the migration that made the index for an older register.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.conftest import examples
from workstation.domain.search_grams import bigrams
from workstation.services import cases
from workstation.services.demo import fill_demo
from workstation.services.queries import CaseFilter, list_case_ids, list_cases
from workstation.services.search_index import indexed_condition, like_condition
from workstation.store.database import Database
from workstation.store.models import Request, SearchGram

TODAY = date(2026, 6, 1)
ALPHABET = "王张宏达建国公开aAbBzZ09%_\\ 〔〕"
texts = st.text(ALPHABET, min_size=0, max_size=8)


def index_is_whole(db: Database) -> bool:
    with db.read() as s:
        want = {(g, r.id) for r in s.execute(select(Request.id, Request.number, Request.applicant_name,
                                                      Request.content))
                for g in bigrams(r.number, r.applicant_name, r.content)}
        have = {tuple(r) for r in s.execute(select(SearchGram.gram, SearchGram.request_id))}
    return want == have


def _ids(db: Database, condition) -> list[int]:  # noqa: ANN001
    with db.read() as s:
        return list(s.execute(select(Request.id).where(condition).order_by(Request.id)).scalars())


def _put_rows(db: Database, rows: list[tuple[str, str, str]]) -> None:
    with db.write() as s:
        s.execute(delete(SearchGram))
        s.execute(delete(Request))
        for i, (number, name, content) in enumerate(rows):
            s.add(Request(number=f"{number}#{i}", channel="in_person", received=date(2026, 1, 1 + i % 28),
                          applicant_kind="natural", applicant_name=name, content=content, status="open",
                          created_at=datetime(2026, 1, 1)))


def _same_everywhere(db: Database, query: str) -> None:
    scan = _ids(db, like_condition(query))
    with db.read() as s:
        forced = indexed_condition(s, query, most=10**9)
    assert _ids(db, forced) == scan, query
    listed = list_case_ids(db, CaseFilter(search=query), sort="received", today=TODAY)
    assert sorted(listed) == scan, query
    page = [c.id for c in list_cases(db, CaseFilter(search=query), sort="received", limit=5, today=TODAY)]
    assert page == listed[:5], query


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=30),
       queries=st.lists(texts, min_size=1, max_size=4), changes=st.lists(st.tuples(st.integers(0, 29), texts),
                                                                          max_size=5))
def test_the_index_finds_what_the_scan_finds(db, rows, queries, changes):
    _put_rows(db, rows)
    samples = [c for _, _, c in rows if len(c) >= 2][:2]  # texts sure to be found, too
    for query in [*queries, *(c[: len(c) // 2 + 2] for c in samples)]:
        _same_everywhere(db, query)
    with db.write() as s:  # a changed content or name (as 更正登记信息 does) moves its pairs
        requests = list(s.execute(select(Request).order_by(Request.id)).scalars())
        for index, text in changes:
            r = requests[index % len(requests)]
            r.content, r.applicant_name = text, text[::-1] or "无"
    assert index_is_whole(db)
    for query in queries:
        _same_everywhere(db, query)


def test_registering_and_correcting_keep_the_index(db, users, intake):
    done = cases.register(db, users["clerk"], intake(applicant_name="欧阳建国", content="申请公开危房改造补助名单"),
                          today=TODAY)
    assert index_is_whole(db)
    assert list_case_ids(db, CaseFilter(search="危房改造"), today=TODAY) == [done.case.id]
    cases.correct_registration(db, users["clerk"], done.case.id,
                               intake(applicant_name="欧阳建华", content="申请公开饮用水工程验收报告"),
                               "登记时录错", today=TODAY)
    assert index_is_whole(db)
    assert list_case_ids(db, CaseFilter(search="危房改造"), today=TODAY) == []
    assert list_case_ids(db, CaseFilter(search="建华"), today=TODAY) == [done.case.id]


def test_the_ledger_import_and_the_demo_keep_the_index(db, users, tmp_path):
    from tests.test_ledger import write_csv
    from workstation.services.ledger import import_ledger

    import_ledger(db, users["clerk"], write_csv(tmp_path), today=TODAY)
    assert index_is_whole(db)
    assert len(list_case_ids(db, CaseFilter(search="宏达"), today=TODAY)) == 1
    fill_demo(db, cases=40, today=TODAY)
    assert index_is_whole(db)


def test_an_older_register_gets_its_index_when_it_is_upgraded(tmp_path):
    path = tmp_path / "register.sqlite3"
    shutil.copyfile(Path(__file__).parent / "data" / "databases" / "v0004.sqlite3", path)
    db = Database.open_path(path)
    try:
        with db.read() as s:
            assert s.execute(select(SearchGram.gram)).first() is not None
            name = s.execute(select(Request.applicant_name).where(Request.applicant_name.like("__%"))).scalars().first()
        assert index_is_whole(db)
        assert list_case_ids(db, CaseFilter(search=name[:2]), today=TODAY)
    finally:
        db.close()
