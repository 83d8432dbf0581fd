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


class Tx:
    """One write transaction. Holding the audit head row serialises all writers."""

    def __init__(self, db: Database, session: Session, actor: Actor) -> None:
        self.db = db
        self.session = session
        self.actor = actor
        self._head: AuditHead | None = None

    def _lock_head(self) -> AuditHead:
        if self._head is None:
            head = self.session.execute(
                select(AuditHead).where(AuditHead.id == 1).with_for_update()
            ).scalar_one()
            self._head = head
        return self._head

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
        """Append an event to the chain; ``flush=False`` leaves the insert to the next flush (many events in a row)."""
        head = self._lock_head()
        ev = Event(
            seq=head.seq + 1,
            request_id=request_id,
            at=utcnow(),
            actor_id=self.actor.id,
            actor=self.actor.display_name,
            action=action,
            effective_on=effective_on,
            before=plain(before) if before is not None else None,
            after=plain(after) if after is not None else None,
            note=note,
            prev_hash=head.last_hash,
        )
        ev.hash = event_digest(ev)
        head.seq = ev.seq
        head.last_hash = ev.hash
        self.session.add(ev)
        if flush:
            self.session.flush()
        return ev

    def next_number(self, name: str, year: int) -> int:
        """The next value of a per-year sequence; gapless because it rolls back with the transaction."""
        self._lock_head()
        s = self.session
        row = s.get(NumberSequence, (name, year))
        if row is None:
            s.add(NumberSequence(name=name, year=year, last=0))
            s.flush()
        s.execute(
            update(NumberSequence)
            .where(NumberSequence.name == name, NumberSequence.year == year)
            .values(last=NumberSequence.last + 1)
        )
        return s.execute(
            select(NumberSequence.last).where(NumberSequence.name == name, NumberSequence.year == year)
        ).scalar_one()


@contextmanager
def writing(db: Database, actor: Actor) -> Iterator[Tx]:
    """A write transaction whose first statement takes the writers' lock."""
    with db.write() as session:
        tx = Tx(db, session, actor)
        tx._lock_head()
        yield tx


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
