"""The dashboard reads its counts in one aggregate query and the rows of all its lists in another (issue 19:
many windows on one server); what it shows is what each list's own query gives."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from workstation.services import queries
from workstation.services.demo import fill_demo
from workstation.services.queries import DASHBOARD_VIEWS, CaseFilter, _apply, _dashboard_order
from workstation.store.models import Request

TODAY = date(2026, 3, 20)


@pytest.fixture
def demo(db):
    fill_demo(db, cases=300, today=TODAY)
    queries.dashboard(db, today=TODAY)  # due dates brought to the calendar once
    return db


def test_each_list_and_count_is_what_its_own_query_gives(demo):
    dash = queries.dashboard(demo, today=TODAY, per_list=7)
    soon = queries.due_soon_limit(demo, TODAY)
    shown = 0
    with demo.read() as s:
        for view in DASHBOARD_VIEWS:
            f = CaseFilter(view=view)
            assert dash.counts[view] == s.execute(_apply(select(func.count(Request.id)), f, TODAY, soon)).scalar_one()
            ids = s.execute(_apply(select(Request.id), f, TODAY, soon).order_by(*_dashboard_order(view))
                            .limit(7)).scalars().all()
            assert [i.case.id for i in dash.lists[view]] == ids, view
            shown += len(ids)
        assert dash.counts["open"] == s.execute(select(func.count(Request.id))
                                                .where(Request.closed_on.is_(None))).scalar_one()
    assert shown > 20 and sum(1 for v in DASHBOARD_VIEWS if dash.counts[v]) >= 5  # the demo fills most lists


def test_the_dashboard_takes_a_few_statements(demo):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(demo.engine, "before_cursor_execute", count)
    try:
        queries.dashboard(demo, today=TODAY)
    finally:
        event.remove(demo.engine, "before_cursor_execute", count)
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 8, seen
