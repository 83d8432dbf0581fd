"""Tallies (统计): the query side of tables 三 and 四, period locks, ledger import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.engine import Connection

from workstation.domain.errors import UserError
from workstation.domain.status import Role, Status
from workstation.services.access import scoped, unit_requests
from workstation.services.base import Actor, office_settings, require, utcnow, writing
from workstation.store.database import Database
from workstation.store.models import Appeal, AuditHead, PeriodLock, Request

# The last day a closed_on range may reach: a two-sided range steers SQLite's planner (which has no
# statistics) to the closed_on index, whose range since the period's start is narrow for recent periods.
_LAST_DAY = date(9999, 12, 31)


def _records(db: Database, start: date, end: date, viewer: Actor | None = None) -> tuple[list[Any], list[Any]]:
    """The plain records a period's tally needs: received in it, open at its start, or closed in it (a unit's
    user: of the requests handed to the unit)."""
    from workstation.domain.tally import AppealRecord, TallyRecord

    columns = (Request.id, Request.number, Request.applicant_kind, Request.received, Request.closed_on,
               Request.result_key, Request.status, Request.due, Request.delivered_on)
    queries = (
        select(*columns).where(Request.received.between(start, end)),
        select(*columns).where(Request.received < start, or_(Request.closed_on.is_(None),
                                                             Request.closed_on.between(start, _LAST_DAY))),
        # closed in the period but received after it: broken data the tally must name, not drop
        select(*columns).where(Request.closed_on.between(start, end), Request.received > end),
    )
    appeals = select(Appeal.id, Appeal.request_id, Appeal.kind, Appeal.filed_on, Appeal.result, Appeal.result_on
                     ).where(Appeal.filed_on <= end, or_(Appeal.result_on.is_(None), Appeal.result_on >= start))
    if viewer is not None and viewer.unit_id is not None:
        queries = tuple(scoped(q, viewer) for q in queries)
        appeals = appeals.where(Appeal.request_id.in_(unit_requests(viewer.unit_id)))

    def record(row: tuple[Any, ...]) -> TallyRecord:
        i, number, kind, received, closed_on, result_key, status, due, delivered_on = row
        return TallyRecord(i, number, kind, _day(received), _day(closed_on), result_key, status, _day(due),
                           _day(delivered_on))

    with db.read() as s:
        conn = s.connection()
        records = [record(row) for q in queries for row in _plain_rows(conn, q)]
        appeal_records = [AppealRecord(i, request_id, kind, _day(filed), result, _day(result_on))
                          for i, request_id, kind, filed, result, result_on in _plain_rows(conn, appeals)]
        # an appeal in the period on a request outside it: the request comes along (the tally ignores it)
        # so that a problem with the appeal names the request by its number
        missing = {a.request_id for a in appeal_records} - {r.id for r in records}
        if missing:
            records += [record(row) for row in _plain_rows(conn, select(*columns).where(Request.id.in_(missing)))]
    return records, appeal_records


def _plain_rows(conn: Connection, q: Select) -> list[tuple[Any, ...]]:
    """The rows of ``q`` as the driver's cursor hands them over: a year's 11,000 rows in a third of the time
    SQLAlchemy's result rows take (their dates are read by ``_day``)."""
    result = conn.execute(q)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _day(value: Any) -> date | None:
    """A date column as the driver hands it over: SQLite as its ISO text, PostgreSQL as a date."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def tally(db: Database, start: date, end: date, *, viewer: Actor | None = None) -> Any:
    """Tables 三 and 四 for a period (any from–to); a unit's user counts its unit's requests."""
    from workstation.domain.tally import Period, compute_tally

    if end < start:
        raise UserError("统计期间的结束日期不能早于开始日期")
    stamp = _register_stamp(db)  # read first: what is counted after it is at least as new
    key = (start, end, viewer.unit_id if viewer is not None else None)
    kept = db.cache.get("tallies")
    if not isinstance(kept, tuple) or kept[0] != stamp:
        kept = (stamp, {})
        db.cache["tallies"] = kept
    counted: dict[Any, Any] = kept[1]
    if key not in counted:
        records, appeals = _records(db, start, end, viewer)
        if len(counted) >= _KEPT_TALLIES:
            counted.clear()
        counted[key] = compute_tally(records, appeals, Period(start, end))
    return counted[key]


# The tallies counted since the register last changed are kept (a clerk goes back and forth between years,
# quarters and months); any change of the register, by this window or another, moves the audit chain's head.
_KEPT_TALLIES = 64


def _register_stamp(db: Database) -> int:
    """Where the audit chain's head stands: every change of the register appends its events to the chain in
    the transaction that makes it (services/base.py ``writing``), so the head moves with every change."""
    with db.read() as s:
        return s.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar_one_or_none() or 0


@dataclass(frozen=True)
class Trend:
    """New and concluded requests per month of one year, and the concluded ones by result group."""

    year: int
    months: int  # months that have begun (12 for a past year)
    new: list[int]
    concluded: list[int]
    groups: dict[str, list[int]]


def monthly_trend(db: Database, year: int, today: date,
                  progress: Callable[[int, int], None] | None = None, *, viewer: Actor | None = None) -> Trend:
    """The twelve monthly tallies of ``year`` (only months that have begun), counted as table 三 counts.

    ``progress(done, months)`` hears before each month is counted and once all are; it may raise (a cancel
    button) to stop.
    """
    from workstation.domain.results import RESULT_GROUPS
    from workstation.domain.tally import Period

    months = 12 if year < today.year else (today.month if year == today.year else 0)
    new, concluded = [0] * 12, [0] * 12
    groups = {g: [0] * 12 for g in RESULT_GROUPS}
    for i in range(months):
        if progress is not None:
            progress(i, months)
        period = Period.month(year, i + 1)
        result = tally(db, period.start, period.end, viewer=viewer)
        new[i], concluded[i] = result.cell("new"), result.cell("total")
        for g in RESULT_GROUPS:
            groups[g][i] = result.cell(g)
    if progress is not None:
        progress(months, months)
    return Trend(year, months, new, concluded, groups)


def export(db: Database, result: Any, fmt: str, *, filled_by: str = "", today: date | None = None) -> Any:
    """A tally as a file (reports.FORMATS), with the office's name, phone and fonts from the settings;
    ``filled_by`` (填表人) is the user who exports it, dated ``today``."""
    from workstation import reports
    from workstation.services import documents

    settings = office_settings(db)
    return reports.render(result, fmt, office=settings.office_name,
                          font_paths=documents.font_paths(settings), filled_by=filled_by,
                          phone=settings.office_phone, filled_on=today or date.today())


def save_export(db: Database, made: Any, path: Path) -> Path:
    """Write an exported tally and, beside it, the audit chain's head (the anchor file); returns the anchor.

    The tally goes to the county; the anchor records which history it was counted from, so a later
    rewrite of the register shows in ``workstation audit verify --against <anchor>``.
    """
    from workstation.reports import write_file
    from workstation.services.audit import write_anchor

    write_file(path, made.data)
    try:
        return write_anchor(db, path)
    except OSError as exc:
        raise UserError(f"统计表已保存,但审计链尾文件没能写在它旁边({exc.strerror or exc});"
                        "请检查该文件夹是否可写。") from None


def requests_behind_appeals(db: Database, start: date, end: date, kind: str, column_key: str, *,
                            viewer: Actor | None = None) -> list[Any]:
    """The cases whose 复议/诉讼 are counted in one cell of table 四 (the tally screen's drill-down)."""
    from workstation.domain.tally import Period, appeals_behind
    from workstation.services.queries import fetch_cases

    _, appeals = _records(db, start, end, viewer)
    return fetch_cases(db, appeals_behind(appeals, Period(start, end), kind, column_key), viewer=viewer)


def requests_behind(db: Database, start: date, end: date, row_key: str, column_key: str, *,
                    viewer: Actor | None = None) -> list[Any]:
    """The cases counted in one cell of table 三 (for the drill-down on the tally screen)."""
    from workstation.domain.tally import Period
    from workstation.domain.tally import requests_behind as behind
    from workstation.services.queries import fetch_cases

    records, _ = _records(db, start, end, viewer)
    return fetch_cases(db, list(behind(records, Period(start, end), row_key, column_key)), viewer=viewer)


# --- period locks ----------------------------------------------------------------------
@dataclass(frozen=True)
class LockInfo:
    id: int
    start: date
    end: date
    locked_at: str
    figures: dict


def lock_period(db: Database, actor: Actor, start: date, end: date) -> LockInfo:
    """Lock a reported period: its figures are kept and later changes need a recorded correction."""
    require(actor, Role.HEAD, Role.ADMIN, action="锁定统计期间")
    result = tally(db, start, end)
    if not result.ok:
        raise UserError("统计表不平衡,不能锁定:" + ";".join(result.problems[:5]))
    with writing(db, actor) as tx:
        exists = tx.session.execute(select(PeriodLock).where(PeriodLock.start == start, PeriodLock.end == end)
                                    ).scalar_one_or_none()
        if exists is not None:
            raise UserError("该期间已经锁定")
        lock = PeriodLock(start=start, end=end, figures=result.to_json(), locked_at=utcnow(), locked_by=actor.id)
        tx.session.add(lock)
        tx.session.flush()
        tx.event("period_locked", after={"start": start, "end": end})
        return LockInfo(lock.id, start, end, lock.locked_at.strftime("%Y-%m-%d %H:%M"), lock.figures)


def locks(db: Database) -> list[LockInfo]:
    with db.read() as s:
        return [LockInfo(p.id, p.start, p.end, p.locked_at.strftime("%Y-%m-%d %H:%M"), p.figures)
                for p in s.execute(select(PeriodLock).order_by(PeriodLock.start)).scalars()]


def locked_figures(db: Database, start: date, end: date) -> dict | None:
    with db.read() as s:
        lock = s.execute(select(PeriodLock).where(PeriodLock.start == start, PeriodLock.end == end)
                         ).scalar_one_or_none()
        return dict(lock.figures) if lock else None


def correct_locked_result(db: Database, actor: Actor, case_id: int, result_key: str, closed_on: date,
                          reason: str) -> None:
    """A recorded correction (更正) of a closed case's result or date, also inside a locked period."""
    from workstation.domain.results import RESULTS_BY_KEY
    from workstation.services.case_records import step

    require(actor, Role.HEAD, action="更正已锁定期间的数据")
    if not reason.strip():
        raise UserError("请填写更正理由", field="reason")
    if result_key not in RESULTS_BY_KEY:
        raise UserError(f"未知的办理结果:{result_key}", field="result")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "correct_result")
        if closed_on < r.received:
            raise UserError("办结日期不能早于收到申请日期", field="on")
        before = {"result_key": r.result_key, "closed_on": r.closed_on}
        r.result_key, r.closed_on = result_key, closed_on
        if r.status not in (Status.REPLIED, Status.CLOSED):
            r.status = Status.REPLIED
        tx.event("result_corrected", request_id=r.id, before=before,
                 after={"result_key": result_key, "closed_on": closed_on}, note=reason.strip())
