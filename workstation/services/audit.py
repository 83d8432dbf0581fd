"""The audit trail: verify the hash chain, list events for the audit viewer.

The chain proves that the events in the register were not edited, inserted or deleted *by someone who
cannot recompute it*. Anyone holding the file can: delete events and rewind the head, or rewrite the
whole chain with the program's own digest. What makes that show is a copy of the head kept outside the
register: every backup holds the whole chain as it was, and every exported tally leaves an anchor file
(``<export>.链尾.json``) with the head's number and hash. ``verify_chain(db, against=…)`` checks that
the register's history still contains that head, event for event.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from pathlib import Path

from sqlalchemy import Date, Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from workstation.domain.errors import UserError
from workstation.domain.replay import FIELD_LABELS, compare, replay
from workstation.domain.status import Role
from workstation.services.access import unit_requests
from workstation.services.base import GENESIS, Actor, event_digest, require
from workstation.services.privacy import event_data_for
from workstation.store.database import Database
from workstation.store.models import AuditHead, Event, Request

# The 审计 page: who may read the whole trail of who did what.
AUDIT_ROLES = (Role.HEAD, Role.ADMIN)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problems: list[str]
    mismatches: list[str] = field(default_factory=list)  # request rows that differ from their events

    def text(self) -> str:
        if self.ok:
            return f"审计记录完整:共 {self.events} 条,哈希链校验通过。"
        return f"审计记录校验失败({len(self.problems)} 处):" + ";".join(self.problems[:10])


ANCHOR_SUFFIX = ".链尾.json"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def chain_head(db: Database) -> tuple[int, str]:
    """The number and hash of the last event (0 and the genesis hash for an empty register)."""
    with db.read() as s:
        head = s.get(AuditHead, 1)
        return (head.seq, head.last_hash) if head is not None else (0, GENESIS)


def write_anchor(db: Database, beside: Path) -> Path:
    """Keep the chain's head outside the register, in a small file next to an exported file."""
    seq, digest = chain_head(db)
    anchor = beside.with_name(beside.name + ANCHOR_SUFFIX)
    anchor.write_text(json.dumps({
        "说明": "信息公开申请工作台审计链尾:用于核对登记簿的审计记录此后没有被改写(workstation audit verify --against 本文件)",
        "seq": seq, "hash": digest, "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": beside.name}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return anchor


def _heads_in(path: Path) -> dict[int, str]:
    """The (seq -> hash) pairs a backup or an anchor file vouches for."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取用于核对的文件 {path}({exc.strerror or exc})。") from None
    if raw.startswith(_SQLITE_MAGIC):
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            try:
                return dict(con.execute("SELECT seq, hash FROM event").fetchall())
            finally:
                con.close()
        except sqlite3.DatabaseError:
            raise UserError(f"{path} 不是本程序的备份文件,无法用来核对审计记录。") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        return {int(data["seq"]): str(data["hash"])}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise UserError(f"{path} 既不是备份文件,也不是审计链尾文件(*{ANCHOR_SUFFIX}),无法用来核对。") from None


def verify_chain(db: Database, *, against: Path | None = None) -> ChainReport:
    """Recompute every event's hash; any edited, inserted or deleted event breaks the chain.

    With ``against`` (a backup, or an anchor file left beside an export), also check that every event
    it vouches for is still in the register with the same hash: a history rewritten after that backup
    or export, even with the chain recomputed, shows there.

    SQLite's full integrity check runs first: a damaged file is named (KnownError), not verified.
    """
    db.check_integrity()
    vouched = _heads_in(against) if against is not None else {}
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    with db.read(streaming=True) as s:
        for ev in s.execute(select(Event).order_by(Event.seq)).scalars().yield_per(2000):
            count += 1
            if ev.seq != expected_seq:
                problems.append(f"第 {expected_seq} 条记录缺失(下一条为第 {ev.seq} 条)")
            if ev.prev_hash != prev:
                problems.append(f"第 {ev.seq} 条记录的前序哈希不符")
            if event_digest(ev) != ev.hash:
                problems.append(f"第 {ev.seq} 条记录内容被改动")
            prev = ev.hash
            expected_seq = ev.seq + 1
            if vouched and vouched.get(ev.seq, ev.hash) != ev.hash:
                problems.append(f"第 {ev.seq} 条记录与 {against.name} 中的不同(记录在其后被改写)")
            vouched.pop(ev.seq, None)
        head = s.get(AuditHead, 1)
        if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
            problems.append("链尾与最后一条记录不符(可能有记录被删除)")
        mismatches = request_mismatches(s)
    if vouched:
        first = min(vouched)
        problems.append(f"{against.name} 中的第 {first} 条等 {len(vouched)} 条记录在登记簿中已不存在(记录被删除)")
    problems.extend(mismatches)
    return ChainReport(not problems, count, problems, mismatches)


def request_mismatches(s: Session) -> list[str]:
    """Replay every request's events and say, field by field, where its stored row differs.

    The rows are read once into memory and the events streamed in request order, so a register of
    tens of thousands of requests is checked in one pass over each table.
    """
    # dates as the stored text: a date mangled behind the program's back is shown, not a parse error
    columns = [type_coerce(c, String).label(f) if isinstance(c.type, Date) else c
               for f, c in ((f, getattr(Request, f)) for f in FIELD_LABELS)]
    rows = {r.id: r._mapping for r in s.execute(select(Request.id, *columns))}
    events = s.execute(select(Event.request_id, Event.action, Event.after)
                       .where(Event.request_id.is_not(None)).order_by(Event.request_id, Event.seq)
                       .execution_options(yield_per=5000))
    found: list[str] = []
    replayed = False
    for request_id, group in groupby(events, key=lambda e: e.request_id):
        replayed = True
        row = rows.pop(request_id, None)
        if row is None:
            continue
        expected = replay((e.action, e.after) for e in group)
        if expected is None:
            found.append(f"{row['number']}:登记簿中有这件申请,但没有它的登记记录")
        else:
            found.extend(m.text() for m in compare(row["number"], row, expected))
    if replayed:  # a register from before requests had events (schema 0001) has no history to hold rows to
        found.extend(f"{row['number']}:登记簿中有这件申请,但没有它的任何办理记录" for row in rows.values())
    return found


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    actor: str
    action: str
    request_id: int | None
    note: str | None
    before: dict | None
    after: dict | None
    case_number: str = ""
    effective_on: date | None = None


@dataclass(frozen=True)
class AuditFilter:
    """Which events the audit viewer lists.

    ``start`` and ``end`` are local calendar dates (what the user reads on screen;
    event times are stored in UTC). ``upto_seq`` pins a listing to the events that
    existed when it was counted, so pages fetched later line up with the count.
    """

    actor: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None
    request_id: int | None = None
    upto_seq: int | None = None


def _utc(local_midnight: datetime) -> datetime:
    return local_midnight.astimezone(UTC).replace(tzinfo=None)


def _where(q: Select, f: AuditFilter) -> Select:
    if f.actor:
        q = q.where(Event.actor == f.actor)
    if f.action:
        q = q.where(Event.action == f.action)
    if f.start:
        q = q.where(Event.at >= _utc(datetime.combine(f.start, time.min)))
    if f.end:
        q = q.where(Event.at < _utc(datetime.combine(f.end + timedelta(days=1), time.min)))
    if f.request_id is not None:
        q = q.where(Event.request_id == f.request_id)
    if f.upto_seq is not None:
        q = q.where(Event.seq <= f.upto_seq)
    return q


def list_events(db: Database, *, actor: str | None = None, action: str | None = None,
                start: date | None = None, end: date | None = None, request_id: int | None = None,
                limit: int = 500, offset: int = 0, where: AuditFilter | None = None,
                viewer: Actor) -> list[AuditRow]:
    """Events newest first; ``where`` (or the single filters) narrows them.

    Only the roles of the 审计 page may list them; ID numbers are masked unless ``viewer`` may reveal them.
    """
    require(viewer, *AUDIT_ROLES, action="查看审计记录")
    f = where or AuditFilter(actor=actor, action=action, start=start, end=end, request_id=request_id)
    q = (_where(select(Event, Request.number).outerjoin(Request, Request.id == Event.request_id), f)
         .order_by(Event.seq.desc()).offset(offset).limit(limit))
    if viewer.in_unit:  # a unit's user: the events of its unit's requests only
        q = q.where(Event.request_id.in_(unit_requests(viewer.unit_id)))  # type: ignore[arg-type]
    with db.read() as s:
        return [AuditRow(e.seq, e.at, e.actor, e.action, e.request_id, e.note, event_data_for(viewer, e.before),
                         event_data_for(viewer, e.after), number or "", e.effective_on)
                for e, number in s.execute(q)]


def count_events(db: Database, where: AuditFilter) -> tuple[int, int]:
    """How many events match, and the newest sequence number at the time (for ``upto_seq``)."""
    with db.read() as s:
        newest = s.execute(select(func.max(Event.seq))).scalar_one() or 0
        pinned = AuditFilter(where.actor, where.action, where.start, where.end, where.request_id,
                             newest if where.upto_seq is None else where.upto_seq)
        count = s.execute(_where(select(func.count(Event.id)), pinned)).scalar_one()
    return count, pinned.upto_seq or 0


def event_actors(db: Database) -> list[str]:
    """Everyone who appears in the audit trail (also former users and failed logins)."""
    with db.read() as s:
        return list(s.execute(select(Event.actor).distinct().order_by(Event.actor)).scalars())


def event_actions(db: Database) -> list[str]:
    """The kinds of event the audit trail holds."""
    with db.read() as s:
        return list(s.execute(select(Event.action).distinct().order_by(Event.action)).scalars())
