"""The office's calendar: imported notices, manual overrides, and the due dates they move.

Every change of the calendar bumps a version number (``calendar.version`` in the setting table) in the
same transaction that recomputes the stored due dates of open requests and records the version they
were computed with (``calendar.due_version``). So a killed import leaves either the old calendar with
the old dates or the new calendar with the new dates; another process notices the new version on its
next computation (``clock.load_calendar`` compares the cached calendar's version with the register's); and a
register whose stored dates were computed with another version (an older program, a path that forgot)
is recomputed before anything shows them (``ensure_due_dates_current``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from workstation.domain.status import Role
from workstation.services.base import Actor, Tx, require, utcnow, writing
from workstation.services.clock import (
    DUE_VERSION_KEY,
    VERSION_KEY,
    MovedDue,
    recompute_due_dates_in,
    set_stored_version,
    stored_version,
)
from workstation.store.database import Database
from workstation.store.models import CalendarOverride, ImportedNotice


def _calendar_changed(tx: Tx, reason: str, today: date | None) -> list[MovedDue]:
    """In the transaction that changed the calendar: a new version, and every open due date with it."""
    version = stored_version(tx.session) + 1
    set_stored_version(tx.session, VERSION_KEY, version)
    tx.session.flush()
    moved = recompute_due_dates_in(tx, reason=reason, today=today)
    set_stored_version(tx.session, DUE_VERSION_KEY, version)
    return moved


def ensure_due_dates_current(db: Database, actor: Actor, *, today: date | None = None) -> list[MovedDue]:
    """Recompute the stored due dates if they were computed with another calendar than the register's.

    Run when a register is opened and before the dashboard reads stored due dates: nothing shows a
    date computed with a calendar that has since changed, whichever path changed it.
    """
    with db.read() as s:
        if stored_version(s) == stored_version(s, DUE_VERSION_KEY):
            return []
    with writing(db, actor) as tx:
        version = stored_version(tx.session)
        if version == stored_version(tx.session, DUE_VERSION_KEY):  # another window did it meanwhile
            return []
        moved = recompute_due_dates_in(tx, reason="日历已变更,按现行日历重新计算", today=today)
        set_stored_version(tx.session, DUE_VERSION_KEY, version)
        return moved


def imported_years(db: Database) -> dict[int, str]:
    """Imported years and when they were imported."""
    with db.read() as s:
        return {n.year: n.imported_at.strftime("%Y-%m-%d") for n in s.execute(select(ImportedNotice)).scalars()}


def import_notice(db: Database, actor: Actor, text: str, *, today: date | None = None) -> tuple[int, list[MovedDue]]:
    """Import (or replace) a year's State Council notice; returns the year and the open cases whose due date moved."""
    from workstation.domain.holiday_notice import parse_notice
    require(actor, Role.ADMIN, Role.HEAD, Role.CLERK, action="导入节假日安排")
    notice = parse_notice(text)
    with writing(db, actor) as tx:
        row = tx.session.get(ImportedNotice, notice.year)
        data = notice.to_json()
        off = {d.isoformat(): name for d, name in notice.off.items()}
        work = {d.isoformat(): name for d, name in notice.work.items()}
        before = {"off": row.off, "work": row.work} if row else None
        if row is None:
            row = ImportedNotice(year=notice.year)
            tx.session.add(row)
        row.text, row.off, row.work = text, off, work
        row.imported_at, row.imported_by = utcnow(), actor.id
        tx.event("holidays_imported", before=before, after={"year": notice.year, "off": data["off"],
                                                           "work": data["work"]})
        moved = _calendar_changed(tx, f"导入{notice.year}年节假日安排", today)
    return notice.year, moved


def set_override(db: Database, actor: Actor, day: date, working: bool | None, reason: str,
                 *, today: date | None = None) -> list[MovedDue]:
    """Set (or with working=None remove) an office override for one date."""
    from workstation.domain.errors import UserError

    require(actor, Role.ADMIN, Role.HEAD, action="调整本机关工作日")
    if working is not None and not reason.strip():
        raise UserError("请填写调整原因(如:民族自治地方节日、经批准闭馆)", field="reason")
    with writing(db, actor) as tx:
        row = tx.session.get(CalendarOverride, day)
        before = {"day": day, "working": row.working, "reason": row.reason} if row else None
        if working is None:
            if row is not None:
                tx.session.delete(row)
        else:
            if row is None:
                row = CalendarOverride(day=day, working=working, reason=reason.strip())
                tx.session.add(row)
            row.working, row.reason = working, reason.strip()
        tx.event("calendar_override", before=before,
                 after=None if working is None else {"day": day, "working": working, "reason": reason.strip()})
        return _calendar_changed(tx, f"调整{day.isoformat()}的工作日安排", today)
