"""The register's id list in every sort order is the order the database gives for that sort's ORDER BY,
however list_case_ids reads it (the due date in two parts, the ids through the connection)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workstation.services.demo import fill_demo
from workstation.services.queries import SORT_COLUMNS, CaseFilter, _order, list_case_ids
from workstation.store.models import Request

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_order_is_the_order_by_of_its_columns(db, descending):
    fill_demo(db, cases=120, today=TODAY)
    with db.read() as s:
        assert s.execute(select(Request.id).where(Request.due.is_(None))).first() is not None  # closed ones
    for key in SORT_COLUMNS:
        with db.read() as s:
            expected = list(s.execute(select(Request.id).order_by(*_order(key, descending))).scalars())
        assert list_case_ids(db, CaseFilter(), sort=key, descending=descending, today=TODAY) == expected, key
        open_only = list_case_ids(db, CaseFilter(view="open"), sort=key, descending=descending, today=TODAY)
        assert open_only == [i for i in expected if i in set(open_only)], key
