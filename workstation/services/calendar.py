"""The office's calendar: imported notices, manual overrides, and the due dates they move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workstation.domain.calendar import ImportedYear, Override, WorkCalendar
from workstation.domain.status import Role
from workstation.services.base import Actor, invalidate, require, utcnow, writing
from workstation.store.database import Database
from workstation.store.models import CalendarOverride, ImportedNotice


def load_calendar(db: Database) -> WorkCalendar:
    """The calendar with the office's overrides and imported notices (cached per database)."""
    cached = db.cache.get("calendar")
    if isinstance(cached, WorkCalendar):
        return cached
    with db.read() as s:
        overrides = [Override(o.day, o.working, o.reason) for o in s.execute(select(CalendarOverride)).scalars()]
        imported = [
            ImportedYear(
                n.year,
                off={date.fromisoformat(k): v for k, v in n.off.items()},
                work={date.fromisoformat(k): v for k, v in n.work.items()},
            )
            for n in s.execute(select(ImportedNotice)).scalars()
        ]
    calendar = WorkCalendar(overrides, imported)
    db.cache["calendar"] = calendar
    return calendar


def imported_years(db: Database) -> dict[int, str]:
    """Imported years and when they were imported."""
    with db.read() as s:
        return {n.year: n.imported_at.strftime("%Y-%m-%d") for n in s.execute(select(ImportedNotice)).scalars()}


@dataclass(frozen=True)
class MovedDue:
    request_id: int
    number: str
    applicant: str
    old_due: date | None
    new_due: date | None
    provisional: bool


def import_notice(db: Database, actor: Actor, text: str, *, today: date | None = None) -> tuple[int, list[MovedDue]]:
    """Import (or replace) a year's State Council notice; returns the year and the open cases whose due date moved."""
    from workstation.domain.holiday_notice import parse_notice
    from workstation.services.cases import recompute_open_due_dates

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
    invalidate(db, "calendar")
    moved = recompute_open_due_dates(db, actor, reason=f"导入{notice.year}年节假日安排", today=today)
    return notice.year, moved


def set_override(db: Database, actor: Actor, day: date, working: bool | None, reason: str,
                 *, today: date | None = None) -> list[MovedDue]:
    """Set (or with working=None remove) an office override for one date."""
    from workstation.domain.errors import UserError
    from workstation.services.cases import recompute_open_due_dates

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
    invalidate(db, "calendar")
    return recompute_open_due_dates(db, actor, reason=f"调整{day.isoformat()}的工作日安排", today=today)


def list_overrides(db: Database) -> list[Override]:
    with db.read() as s:
        return [Override(o.day, o.working, o.reason)
                for o in s.execute(select(CalendarOverride).order_by(CalendarOverride.day)).scalars()]
