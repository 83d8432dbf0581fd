"""What every service shares: the acting user, role checks, the write transaction
with its hash-chained audit event, settings, and number sequences.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.settings import SETTINGS, OfficeSettings
from workstation.store.database import Database
from workstation.store.models import AuditHead, Event, NumberSequence, Setting

GENESIS = "0" * 64


class PermissionDenied(UserError):
    """The acting user's roles do not allow the action."""


class ValidationError(UserError):
    """Several fields are wrong; ``errors`` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        first_field, first = next(iter(self.errors.items()))
        more = f"(另有 {len(self.errors) - 1} 处)" if len(self.errors) > 1 else ""
        super().__init__(first + more, field=first_field)


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service acts."""

    id: int | None
    login: str
    display_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    unit_id: int | None = None  # the unit (承办单位) the user works in; None: the office itself
    unit_name: str = ""

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def in_unit(self) -> bool:
        """The user works in a unit: they see and act on only the requests handed to it."""
        return self.unit_id is not None


def require(actor: Actor, *roles: Role, action: str) -> None:
    """Refuse unless the actor holds one of ``roles``."""
    if not actor.roles & set(roles):
        names = "、".join(r.label for r in roles)
        raise PermissionDenied(f"{actor.display_name}没有{action}的权限(需要{names}角色)。")


def utcnow() -> datetime:
    """Naive UTC, as stored; the audit hash uses millisecond precision."""
    return datetime.now(UTC).replace(tzinfo=None)


def plain(value: Any) -> Any:
    """A JSON-safe copy (dates as ISO strings) so that stored data hashes the same when read back."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def event_digest(ev: Event) -> str:
    payload = {
        "seq": ev.seq,
        "request_id": ev.request_id,
        "at": ev.at.isoformat(timespec="milliseconds"),
        "actor_id": ev.actor_id,
        "actor": ev.actor,
        "action": ev.action,
        "effective_on": ev.effective_on.isoformat() if ev.effective_on else None,
        "before": ev.before,
        "after": ev.after,
        "note": ev.note,
        "prev_hash": ev.prev_hash,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# Events are chained when their transaction ends, under the head lock (issue 19: holding that lock for the
# whole transaction serialised every window). Until then an event is in the table with a provisional number
# above every real one, so the transaction's own queries find it and order it after the case's history; each
# transaction has its own block of such numbers (PostgreSQL: by its server process, unique among open
# sessions, below 2**22 on Linux), so that 2**30 + pid * 256 + i stays within the 32-bit seq column.
PROVISIONAL_BASE = 2**30
PROVISIONAL_BLOCK = 256
# Whether a row read by ``get_request`` in this session is locked until commit (a write transaction).
WRITING = "writing"


class Tx:
    """One write transaction.

    Its events are appended to the hash chain at the end (``writing``), under the lock on the audit head,
    one after another: the head lock is held only while the chain grows, and the events of one
    transaction stay consecutive. A case the transaction changes is locked by reading it (``get_request``);
    a number sequence by ``next_number``; writers of different cases do not wait for each other.
    """

    def __init__(self, db: Database, session: Session, actor: Actor) -> None:
        self.db = db
        self.session = session
        self.actor = actor
        self._head: AuditHead | None = None
        self._pending: list[Event] = []
        self._block: int | None = None
        session.info[WRITING] = True

    @property
    def defers_chain(self) -> bool:
        """SQLite (one writer at a time: BEGIN IMMEDIATE) and PostgreSQL chain at the end; any other
        server takes the head lock first, as before."""
        return self.session.get_bind().dialect.name in ("sqlite", "postgresql")

    def lock_head(self) -> AuditHead:
        """Take the writers' lock now and hold it until commit; the events written so far are chained.

        For the writers that chain rows themselves (a ledger import, demo data) or write many events.
        """
        if self._head is None:
            self._head = self.session.execute(
                select(AuditHead).where(AuditHead.id == 1).with_for_update()
                .execution_options(populate_existing=True)
            ).scalar_one()
            pending, self._pending = self._pending, []
            for ev in pending:
                self._chain(ev)
            if pending:
                self.session.flush()
        return self._head

    def _chain(self, ev: Event) -> None:
        head = self._head
        assert head is not None
        ev.seq = head.seq + 1
        ev.prev_hash = head.last_hash
        ev.hash = event_digest(ev)
        head.seq = ev.seq
        head.last_hash = ev.hash

    def _provisional(self) -> int:
        if self._block is None:
            conn = self.session.connection()
            if conn.dialect.name == "postgresql":
                if "backend_pid" not in conn.info:
                    conn.info["backend_pid"] = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                self._block = PROVISIONAL_BASE + int(conn.info["backend_pid"]) * PROVISIONAL_BLOCK
            else:
                self._block = PROVISIONAL_BASE
        return self._block + len(self._pending)

    def event(
        self,
        action: str,
        *,
        request_id: int | None = None,
        before: dict | None = None,
        after: dict | None = None,
        note: str | None = None,
        effective_on: date | None = None,
        flush: bool = True,
    ) -> Event:
        """Add an event; ``flush=False`` leaves the insert to the next flush (many events in a row).

        Its ``seq`` and ``hash`` are final once ``writing`` has ended (or after ``lock_head``).
        """
        ev = Event(
            request_id=request_id,
            at=utcnow(),
            actor_id=self.actor.id,
            actor=self.actor.display_name,
            action=action,
            effective_on=effective_on,
            before=plain(before) if before is not None else None,
            after=plain(after) if after is not None else None,
            note=note,
        )
        if self._head is None and len(self._pending) >= PROVISIONAL_BLOCK:
            self.lock_head()  # a transaction of many events holds the head from here on
        if self._head is not None:
            self._chain(ev)
        else:
            ev.seq = self._provisional()
            ev.prev_hash = ev.hash = ""
            self._pending.append(ev)
        self.session.add(ev)
        if flush:
            self.session.flush()
        return ev

    def finish(self) -> None:
        """Append the transaction's events to the chain (``writing`` does, just before commit)."""
        if self._pending:
            self.lock_head()

    def lock_number(self, name: str, year: int) -> int:
        """The last value of a per-year sequence (0 before the first), its row locked until commit."""
        s = self.session
        locked = (select(NumberSequence.last).where(NumberSequence.name == name, NumberSequence.year == year)
                  .with_for_update())
        last = s.execute(locked).scalar_one_or_none()
        if last is not None:
            return last
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":  # two windows taking the year's first number: one row, one waits
            from sqlalchemy.dialects.postgresql import insert

            s.execute(insert(NumberSequence).values(name=name, year=year, last=0).on_conflict_do_nothing())
        else:  # SQLite: one writer at a time; another server: the head lock is held (writing)
            s.add(NumberSequence(name=name, year=year, last=0))
            s.flush()
        return s.execute(locked).scalar_one()

    def next_number(self, name: str, year: int) -> int:
        """The next value of a per-year sequence; gapless because it rolls back with the transaction.

        Only the sequence's row is locked (until commit): windows taking numbers of one sequence take
        turns, the others do not wait.
        """
        s = self.session
        bump = (update(NumberSequence).where(NumberSequence.name == name, NumberSequence.year == year)
                .values(last=NumberSequence.last + 1))
        if s.get_bind().dialect.update_returning:  # one statement: the waiting windows' turns are short
            value = s.execute(bump.returning(NumberSequence.last)).scalar_one_or_none()
            if value is not None:
                return value
        value = self.lock_number(name, year) + 1
        s.execute(bump)
        return value


@contextmanager
def writing(db: Database, actor: Actor) -> Iterator[Tx]:
    """A write transaction; its events join the audit chain just before it commits."""
    with db.write() as session:
        tx = Tx(db, session, actor)
        if not tx.defers_chain:
            tx.lock_head()
        yield tx
        tx.finish()


def get_settings(db: Database, session: Session | None = None) -> dict[str, Any]:
    """All settings with defaults filled in (cached until a setting changes)."""
    cached = db.cache.get("settings")
    if cached is not None:
        return dict(cached)  # type: ignore[call-overload]

    def load(s: Session) -> dict[str, Any]:
        values = {d.key: d.default for d in SETTINGS.values()}
        for row in s.execute(select(Setting)).scalars():
            if row.key in values:
                values[row.key] = row.value
        return values

    if session is not None:
        values = load(session)
    else:
        with db.read() as s:
            values = load(s)
    db.cache["settings"] = values
    return dict(values)


def office_settings(db: Database, session: Session | None = None) -> OfficeSettings:
    """The settings, typed (the values of ``get_settings``: cached until a setting changes)."""
    return OfficeSettings.of(get_settings(db, session))


def invalidate(db: Database, *names: str) -> None:
    for name in names:
        db.cache.pop(name, None)
