"""Read-only queries for the screens: the register's pages, the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from workstation.domain.calendar import Source
from workstation.domain.deadline import LetterPeriod
from workstation.domain.errors import UserError
from workstation.domain.status import Status
from workstation.services.access import scope, scoped
from workstation.services.base import Actor
from workstation.services.cases import CaseSummary, awaited_letters, summary
from workstation.services.clock import load_calendar
from workstation.services.gui_queries import due_soon_limit
from workstation.services.search_index import like_condition, search_condition
from workstation.store.database import Database
from workstation.store.models import Request, User

# The states whose clock runs toward a due date.
RUNNING = (Status.OPEN, Status.REVIEW, Status.REPLY)

VIEWS: dict[str, str] = {
    "all": "全部",
    "open": "未办结",
    "overdue": "已逾期",
    "due_soon": "临近到期",  # within the office's days.due_soon (gui_queries.due_soon_limit)
    "in_progress": "办理中",
    "correction": "待补正",
    "paused": "暂停计时",
    "review": "待审核",
    "reply": "待答复",
    "replied": "已答复待送达",
    "closed": "已办结",
}

SORT_COLUMNS = {
    "number": (Request.number_year, Request.number_seq, Request.number),
    "received": (Request.received, Request.id),
    "applicant": (Request.applicant_name, Request.id),
    "status": (Request.status, Request.id),
    "due": (Request.due, Request.id),
    "result": (Request.result_key, Request.id),
    "closed_on": (Request.closed_on, Request.id),
}


MAX_SEARCH = 200  # characters of search text


@dataclass(frozen=True)
class CaseFilter:
    view: str = "all"
    received_from: date | None = None
    received_to: date | None = None
    applicant_kind: str | None = None
    result_key: str | None = None  # a key or a group ("withheld")
    search: str = ""


def _apply(q: Select, f: CaseFilter, today: date, soon: date, s: Session | None = None,
           limit: int | None = None, viewer: Actor | None = None) -> Select:
    """The filter's WHERE; a search goes through the index (services/search_index.py) given a session
    (``limit``: the rows wanted in display order, None for all). A unit's user (``viewer``): only the
    requests handed to the unit (services/access.py)."""
    q = scoped(q, viewer)
    v = f.view
    if v == "open":
        q = q.where(Request.closed_on.is_(None))
    elif v == "overdue":
        q = q.where(Request.status.in_(RUNNING), Request.due < today)
    elif v == "due_soon":
        q = q.where(Request.status.in_(RUNNING), Request.due >= today, Request.due <= soon)
    elif v == "in_progress":  # registered, not yet in review, and not near its due date: on no other card
        q = q.where(Request.status == Status.OPEN, or_(Request.due.is_(None), Request.due > soon))
    elif v in ("correction", "paused", "review", "reply", "replied", "closed"):
        q = q.where(Request.status == v)
    if f.received_from:
        q = q.where(Request.received >= f.received_from)
    if f.received_to:
        q = q.where(Request.received <= f.received_to)
    if f.applicant_kind:
        q = q.where(Request.applicant_kind == f.applicant_kind)
    if f.result_key:
        if "." in f.result_key or f.result_key in ("disclosed", "partly_disclosed"):
            q = q.where(Request.result_key == f.result_key)
        else:
            q = q.where(Request.result_key.like(f.result_key + ".%"))
    text = f.search.strip()
    if len(text) > MAX_SEARCH:  # SQLite refuses a LIKE pattern of 50,000 bytes; nobody searches with a page
        raise UserError(f"搜索内容过长:最多 {MAX_SEARCH} 字,现有 {len(text)} 字。请缩短后再搜索")
    if text:
        q = q.where(search_condition(s, text, limit=limit) if s is not None else like_condition(text))
    return q


def _soon(db: Database, today: date) -> date:
    """The last day of "due soon"; first the stored due dates are brought to the register's calendar."""
    with db.read() as s:
        _due_dates_current(db, s, today)
    return due_soon_limit(db, today)


def _due_dates_current(db: Database, s: Session, today: date) -> None:
    """Bring the stored due dates to the register's calendar (services.calendar.ensure_due_dates_current)
    when they were computed with another version of it: one statement when they were not."""
    from workstation.services.calendar import ensure_due_dates_current
    from workstation.services.clock import DUE_VERSION_KEY, VERSION_KEY
    from workstation.services.users import SYSTEM_ACTOR
    from workstation.store.models import Setting

    values = dict(s.execute(select(Setting.key, Setting.value)
                            .where(Setting.key.in_((VERSION_KEY, DUE_VERSION_KEY)))).all())
    version, due_version = (v if isinstance(v, int) else 0 for v in (values.get(VERSION_KEY), values.get(DUE_VERSION_KEY)))
    if version != due_version:
        s.rollback()  # the due dates are brought to the calendar, then read afresh
        ensure_due_dates_current(db, SYSTEM_ACTOR, today=today)


def _order(sort: str, descending: bool) -> list[Any]:
    """The ORDER BY of a sort column; requests without a due date (closed, waiting) come last either way."""
    cols = SORT_COLUMNS.get(sort, SORT_COLUMNS["received"])
    order = [c.desc() for c in cols] if descending else list(cols)
    return [Request.due.is_(None), *order] if sort == "due" else order


def count_cases(db: Database, f: CaseFilter, *, today: date | None = None, viewer: Actor | None = None) -> int:
    today = today or date.today()
    soon = _soon(db, today)
    with db.read() as s:
        return s.execute(_apply(select(func.count(Request.id)), f, today, soon, s, viewer=viewer)).scalar_one()


def list_case_ids(db: Database, f: CaseFilter, *, sort: str = "received", descending: bool = True,
                  today: date | None = None, viewer: Actor | None = None) -> list[int]:
    """All ids matching a filter in display order (a window over them is fetched with fetch_cases)."""
    today = today or date.today()
    soon = _soon(db, today)
    with db.read() as s:
        q = _apply(select(Request.id), f, today, soon, s, viewer=viewer)
        conn = s.connection()
        if sort == "due":  # those with a due date in the index's order, then the rest: as _order, no sort
            order = _order(sort, descending)[1:]
            return (_plain_ids(conn, q.where(Request.due.is_not(None)).order_by(*order))
                    + _plain_ids(conn, q.where(Request.due.is_(None)).order_by(*order)))
        return _plain_ids(conn, q.order_by(*_order(sort, descending)))


def _plain_ids(conn: Connection, q: Select) -> list[int]:
    """The first column of every row, read from the driver's cursor: 100,000 ids in about a quarter of
    the time the ORM's (or even Core's) row objects take. An integer column needs no conversion."""
    result = conn.execute(q)
    try:
        return [row[0] for row in result.cursor]
    finally:
        result.close()


def fetch_cases(db: Database, ids: list[int], *, viewer: Actor | None = None) -> list[CaseSummary]:
    """The summaries of some cases, in the order of ``ids``, as the register shows them: with the name of who
    registered each (承办人) and, for a request waiting for a correction or a third party, the letter awaited."""
    if not ids:
        return []
    with db.read() as s:
        q = scoped(select(*SUMMARY_COLUMNS).where(Request.id.in_(ids)), viewer)
        rows = {c.id: c for c in _summaries(s, q)}
        handlers = dict(s.execute(select(Request.id, User.display_name).join(User, User.id == Request.created_by)
                                  .where(Request.id.in_(list(rows)))).all()) if rows else {}
    waiting = [c.id for c in rows.values() if c.status in (Status.CORRECTION, Status.PAUSED)]
    letters = awaited_letters(db, waiting) if waiting else {}
    return [replace(rows[i], handler=handlers.get(i, ""), waiting=letters.get(i)) for i in ids if i in rows]


# What a summary shows: read as plain rows, without the request's other columns (notes, address…) and
# without the ORM's objects, a page of summaries takes about half the time.
SUMMARY_COLUMNS = (Request.id, Request.number, Request.received, Request.channel, Request.applicant_kind,
                   Request.applicant_name, Request.id_number, Request.content, Request.status, Request.due,
                   Request.due_provisional, Request.result_key, Request.closed_on, Request.delivered_on,
                   Request.extended)


def _summaries(s: Session, q: Select) -> list[CaseSummary]:
    return [summary(row) for row in s.connection().execute(q)]  # type: ignore[arg-type]  # a row has the names


def list_cases(db: Database, f: CaseFilter, *, sort: str = "received", descending: bool = True,
               offset: int = 0, limit: int = 100, today: date | None = None,
               viewer: Actor | None = None) -> list[CaseSummary]:
    today = today or date.today()
    with db.one_read():  # on a server: one connection for the due dates' check, the calendar and the page
        soon = _soon(db, today)
        with db.read() as s:
            q = _apply(select(*SUMMARY_COLUMNS), f, today, soon, s, offset + limit, viewer).order_by(
                *_order(sort, descending)).offset(offset).limit(limit)
            return _summaries(s, q)


@dataclass(frozen=True)
class DashboardItem:
    case: CaseSummary
    note: str  # what is due: "逾期3个工作日", "补正期限 2026-03-26"…
    urgency: str = ""  # "overdue" | "soon" for a reply awaiting delivery, whose clock still runs


@dataclass(frozen=True)
class Dashboard:
    today: date
    counts: dict[str, int]
    lists: dict[str, list[DashboardItem]] = field(default_factory=dict)
    provisional_years: tuple[int, ...] = ()
    provisional_open_cases: int = 0


DASHBOARD_VIEWS = ("overdue", "due_soon", "in_progress", "correction", "paused", "review", "reply", "replied")


def _dashboard_order(view: str) -> tuple[Any, ...]:
    if view in ("overdue", "due_soon", "in_progress"):
        return (Request.due, Request.id)
    if view == "replied":
        return (Request.due.is_(None), Request.due, Request.id)
    return (Request.received, Request.id)


def _dashboard_key(view: str, nulls_first: bool) -> Callable[[Any], tuple[Any, ...]]:
    """The order of ``_dashboard_order`` in Python (the rows of all lists come back in one query); a missing
    due date sorts as the database sorts NULL (SQLite first, PostgreSQL last)."""
    if view in ("overdue", "due_soon", "in_progress"):
        return lambda r: ((r.due is not None) if nulls_first else (r.due is None), r.due or date.min, r.id)
    if view == "replied":
        return lambda r: (r.due is None, r.due or date.min, r.id)
    return lambda r: (r.received, r.id)


def _dashboard_statements(db: Database, per_list: int, viewer: Actor | None) -> tuple[Select, Any]:
    """The dashboard's two statements, with today and the last "due soon" day as parameters: built once
    per register and unit (building them costs more than running them on a small register); a unit's user
    counts and lists the requests handed to the unit (services/access.py)."""
    limit = scope(viewer)
    key = f"dashboard_statements:{per_list}:{viewer.unit_id if limit is not None and viewer else ''}"
    cached = db.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    today, soon = bindparam("today", type_=Date), bindparam("soon", type_=Date)
    where = {view: _apply(select(Request.id), CaseFilter(view=view), today, soon).whereclause  # type: ignore[arg-type]
             for view in DASHBOARD_VIEWS}
    where["replied_overdue"] = and_(Request.status == Status.REPLIED, Request.due < today)
    where["open"] = Request.closed_on.is_(None)
    where["provisional_open"] = and_(Request.closed_on.is_(None), Request.due_provisional.is_(True))
    if limit is not None:
        where = {name: and_(cond, limit) for name, cond in where.items()}
    counting = select(*(func.coalesce(func.sum(case((cond, 1), else_=0)), 0).label(name)
                        for name, cond in where.items()))
    listing = union_all(*(select(select(literal(view).label("view"), *SUMMARY_COLUMNS).where(where[view])
                                 .order_by(*_dashboard_order(view)).limit(per_list).subquery())
                          for view in DASHBOARD_VIEWS))
    db.cache[key] = (counting, listing)
    return counting, listing


def dashboard(db: Database, *, today: date | None = None, per_list: int = 50,
              viewer: Actor | None = None) -> Dashboard:
    """Counts and the first cases of each list a clerk works through every morning.

    In one read: every count in one aggregate query and the rows of every list in another (a county's
    server answers many windows: issue 19), then the letters awaited by two of the lists.
    """
    today = today or date.today()
    with db.one_read():  # on a server: one connection for all of it
        return _dashboard(db, today, per_list, viewer)


def _dashboard(db: Database, today: date, per_list: int, viewer: Actor | None) -> Dashboard:
    from workstation.services.gui_queries import due_soon_days

    with db.read() as s:
        _due_dates_current(db, s, today)
        calendar = load_calendar(db, s)
        soon = calendar.add_workdays(today, due_soon_days(db))
        counting, listing = _dashboard_statements(db, per_list, viewer)
        params = {"today": today, "soon": soon}
        counted = s.execute(counting, params).one()._mapping
        counts = {name: int(counted[name]) for name in counted.keys() if name != "provisional_open"}
        provisional_open = int(counted["provisional_open"])
        rows = s.execute(listing, params).all()
    by_view: dict[str, list[Any]] = {view: [] for view in DASHBOARD_VIEWS}
    for row in rows:
        by_view[row.view].append(row)
    lists = {view: [DashboardItem(summary(r), "") for r in sorted(found, key=_dashboard_key(view, db.is_sqlite))]
             for view, found in by_view.items()}
    # the letters awaited by the two lists that show them, in one batch (not a query per row)
    letters = awaited_letters(db, [i.case.id for view in ("correction", "paused") for i in lists[view]])
    for view, items in lists.items():
        lists[view] = [DashboardItem(i.case, _note(letters, calendar, view, i.case, today),
                                     _urgency(i.case, today, soon) if view == "replied" else "")
                       for i in items]
    years = tuple(y for y in (today.year, today.year + 1) if calendar.year_source(y) is Source.PROVISIONAL)
    return Dashboard(today, counts, lists, years, provisional_open)


def _urgency(case: CaseSummary, today: date, soon: date) -> str:
    if case.due is None:
        return ""
    return "overdue" if case.due < today else "soon" if case.due <= soon else ""


def _note(letters: dict[int, LetterPeriod], calendar, view: str, case: CaseSummary,  # noqa: ANN001
          today: date) -> str:
    if view == "replied" and case.due:
        if case.due < today:
            return (f"已过答复期限 {calendar.workdays_between(case.due, today)} 个工作日,"
                    "尚未送达或交邮")
        left = calendar.workdays_between(today, case.due)
        return (f"答复期限 {case.due.isoformat()}" + ("(今天)" if left == 0 else f",还剩 {left} 个工作日")
                + ",以签收/交邮/发送之日计")
    if view == "overdue" and case.due:
        late = calendar.workdays_between(case.due, today)
        # on a rest day right after the due date no working day has passed yet, but the date has
        return f"已逾期 {late} 个工作日" if late else f"已过答复期限({case.due.month}月{case.due.day}日)"
    if view == "due_soon" and case.due:
        left = calendar.workdays_between(today, case.due)
        return "今天到期" if left == 0 else f"还剩 {left} 个工作日"
    if view in ("correction", "paused"):
        letter = letters.get(case.id)
        if letter is None:
            return ""
        return f"{letter.period_name} {letter.end.isoformat()}" + ("(预计,尚未登记收到日期)" if letter.estimated else "")
    if case.due:
        return f"答复期限 {case.due.isoformat()}" + ("(预估)" if case.due_provisional else "")
    return ""
