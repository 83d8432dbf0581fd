"""Read-only queries the screens need beside services.queries: nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workstation.domain.calendar import DayInfo, Source
from workstation.services.base import office_settings
from workstation.services.calendar import imported_years
from workstation.services.clock import load_calendar
from workstation.store.database import Database


def due_soon_limit(db: Database, today: date) -> date:
    """The last due date that counts as "due soon": within the office's setting (days.due_soon, default 3
    working days) of today. Every screen asks here."""
    return load_calendar(db).add_workdays(today, due_soon_days(db))


def due_soon_days(db: Database) -> int:
    return office_settings(db).due_soon_days


def due_soon_text(db: Database) -> str:
    return f"{due_soon_days(db)}个工作日内到期"


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: Source  # where the year's schedule comes from
    imported_on: str | None  # the day its notice was imported, if it was
    days: tuple[DayInfo, ...]  # every day of the year, 1 January first


def year_calendar(db: Database, year: int) -> YearCalendar:
    """Every day of a year with whether it is a working day and what decided it."""
    calendar = load_calendar(db)
    first = date(year, 1, 1)
    count = (date(year + 1, 1, 1) - first).days
    days = tuple(calendar.info(first + timedelta(days=i)) for i in range(count))
    return YearCalendar(year, calendar.year_source(year), imported_years(db).get(year), days)
