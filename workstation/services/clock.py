"""The clock of a case: the register's calendar, the deadline engine over it, and the stored due dates.

The calendar carries a version number (``calendar.version`` in the setting table) that every change of
the calendar bumps in the same transaction that recomputes the stored due dates of open requests and
records the version they were computed with (``calendar.due_version``). ``load_calendar`` caches the
calendar per database with its version and reads it again when another window or process changed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workstation.domain.calendar import ImportedYear, Override, WorkCalendar
from workstation.domain.deadline import Clock, Deadline, DeadlineEngine, Delivered, Pause
from workstation.domain.status import Status
from workstation.services.base import Tx, office_settings
from workstation.settings import OfficeSettings
from workstation.store.database import Database
from workstation.store.models import CalendarOverride, Event, ImportedNotice, Request, Setting

VERSION_KEY = "calendar.version"
DUE_VERSION_KEY = "calendar.due_version"

# Events the deadline engine reads.
CLOCK_ACTIONS = ("correction_received", "pause_started", "pause_ended", "extended", "manual_due_set",
                 "delivered")


def stored_version(session: Session, key: str = VERSION_KEY) -> int:
    """The calendar's version (or, with DUE_VERSION_KEY, the one the stored due dates were computed with)."""
    row = session.get(Setting, key)
    return int(row.value) if row is not None and isinstance(row.value, int) else 0


def set_stored_version(session: Session, key: str, value: int) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def load_calendar(db: Database, session: Session | None = None) -> WorkCalendar:
    """The calendar with the office's overrides and imported notices, as the register holds it now.

    Cached per database with its version; each call checks the register's version (one row), so a
    calendar changed by another window or process is read again. Inside a write, pass its session:
    the calendar it is changing is then the one computed with.
    """
    if session is None:
        with db.read() as s:
            return load_calendar(db, s)
    version = stored_version(session)
    cached = db.cache.get("calendar")
    if isinstance(cached, tuple) and cached[0] == version:
        return cached[1]
    overrides = [Override(o.day, o.working, o.reason) for o in session.execute(select(CalendarOverride)).scalars()]
    imported = [
        ImportedYear(
            n.year,
            off={date.fromisoformat(k): v for k, v in n.off.items()},
            work={date.fromisoformat(k): v for k, v in n.work.items()},
        )
        for n in session.execute(select(ImportedNotice)).scalars()
    ]
    calendar = WorkCalendar(overrides, imported)
    db.cache["calendar"] = (version, calendar)
    return calendar


def deadline_engine(db: Database, session: Session | None = None) -> DeadlineEngine:
    return DeadlineEngine(load_calendar(db, session))


def clock_of(db: Database, session: Session, r: Request) -> Clock:
    """The clock of a case, from its received date and its events."""
    events = session.execute(
        select(Event.action, Event.after).where(Event.request_id == r.id, Event.action.in_(CLOCK_ACTIONS))
        .order_by(Event.seq)
    ).all()
    return _clock(r.received, events, office_settings(db, session))


def _clock(received: date, events: Iterable[tuple[str, dict | None]], settings: OfficeSettings) -> Clock:
    """The clock from the received date and the clock events (action, data), in their order."""
    restarts: list[date] = []
    pauses: list[Pause] = []
    open_pause: tuple[date, str] | None = None
    extension = 0
    manual: date | None = None
    delivered: Delivered | None = None
    for action, after in events:
        after = after or {}
        if action == "correction_received":
            restarts.append(date.fromisoformat(after["on"]))
        elif action == "pause_started":
            open_pause = (date.fromisoformat(after["on"]), after["kind"])
        elif action == "pause_ended" and open_pause is not None:
            pauses.append(Pause(open_pause[0], date.fromisoformat(after["on"]), open_pause[1]))
            open_pause = None
        elif action == "extended":
            extension += int(after["days"])
        elif action == "manual_due_set":
            manual = date.fromisoformat(after["due"])
        elif action == "delivered":
            delivered = Delivered(after.get("method", ""), date.fromisoformat(after.get("counting_on") or after["on"]))
    if open_pause is not None:
        pauses.append(Pause(open_pause[0], None, open_pause[1]))
    return Clock(
        received=received, restarts=tuple(restarts), pauses=tuple(pauses), extension_days=extension,
        manual_due=manual, reply_days=settings.reply_days,
        correction_notice_days=settings.correction_notice_days, delivered=delivered,
    )


def refresh_due(tx: Tx, r: Request, today: date, *, clock: Clock | None = None,
                engine: DeadlineEngine | None = None) -> Deadline:
    """Recompute and cache the due date; while the clock waits (补正, 暂停) no due date is cached.

    ``clock`` and ``engine``, when the caller has them (a recompute of every open case), save the queries.
    """
    clock = clock or clock_of(tx.db, tx.session, r)
    engine = engine or deadline_engine(tx.db, tx.session)
    d = engine.compute(clock, as_of=max(today, r.received), explain=False)
    waiting = r.status in (Status.CORRECTION, Status.PAUSED)
    finished = r.closed_on is not None and r.status != Status.REPLIED  # a reply awaiting delivery keeps its clock
    r.due = None if waiting or finished else d.due
    r.due_provisional = d.provisional
    return d


def running_clocks(db: Database, session: Session) -> list[tuple[Request, Clock]]:
    """Every case on the clock (open, or replied and awaiting delivery) with its clock: two queries for all."""
    on_the_clock = or_(Request.closed_on.is_(None), Request.status == Status.REPLIED)
    rows = session.execute(select(Request).where(on_the_clock)).scalars().all()
    events: dict[int, list[tuple[str, dict | None]]] = defaultdict(list)
    for request_id, action, after in session.execute(
            select(Event.request_id, Event.action, Event.after).where(
                Event.action.in_(CLOCK_ACTIONS), Event.request_id.in_(select(Request.id).where(on_the_clock)))
            .order_by(Event.seq)):
        events[request_id].append((action, after))
    settings = office_settings(db, session)
    return [(r, _clock(r.received, events[r.id], settings)) for r in rows]


@dataclass(frozen=True)
class MovedDue:
    request_id: int
    number: str
    applicant: str
    old_due: date | None
    new_due: date | None
    provisional: bool


def recompute_due_dates_in(tx: Tx, *, reason: str, today: date | None = None) -> list[MovedDue]:
    """Inside the transaction that changed the calendar: recompute every open case's due date.

    A reply awaiting delivery is still on the clock (its delivery is judged against the due date), so it
    is recomputed too. Returns the cases whose due date moved, each with a ``due_recomputed`` event.
    """
    today = today or date.today()
    moved: list[MovedDue] = []
    engine = deadline_engine(tx.db, tx.session)
    for r, clock in running_clocks(tx.db, tx.session):
        old_due, old_prov = r.due, r.due_provisional
        refresh_due(tx, r, today, clock=clock, engine=engine)
        if r.due != old_due or r.due_provisional != old_prov:
            moved.append(MovedDue(r.id, r.number, r.applicant_name, old_due, r.due, r.due_provisional))
            tx.event("due_recomputed", request_id=r.id,
                     before={"due": old_due, "provisional": old_prov},
                     after={"due": r.due, "provisional": r.due_provisional}, note=reason, flush=False)
    tx.session.flush()
    return moved
