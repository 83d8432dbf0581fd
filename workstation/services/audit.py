"""The audit trail: verify the hash chain, list events for the audit viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from workstation.services.base import GENESIS, event_digest
from workstation.store.database import Database
from workstation.store.models import AuditHead, Event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problems: list[str]

    def text(self) -> str:
        if self.ok:
            return f"审计记录完整:共 {self.events} 条,哈希链校验通过。"
        return f"审计记录校验失败({len(self.problems)} 处):" + ";".join(self.problems[:10])


def verify_chain(db: Database) -> ChainReport:
    """Recompute every event's hash; any edited, inserted or deleted event breaks the chain."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    with db.read() as s:
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
        head = s.get(AuditHead, 1)
        if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
            problems.append("链尾与最后一条记录不符(可能有记录被删除)")
    return ChainReport(not problems, count, problems)


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


def list_events(db: Database, *, actor: str | None = None, action: str | None = None,
                start: date | None = None, end: date | None = None, request_id: int | None = None,
                limit: int = 500, offset: int = 0) -> list[AuditRow]:
    q = select(Event).order_by(Event.seq.desc())
    if actor:
        q = q.where(Event.actor == actor)
    if action:
        q = q.where(Event.action == action)
    if start:
        q = q.where(Event.at >= datetime.combine(start, time.min))
    if end:
        q = q.where(Event.at <= datetime.combine(end, time.max))
    if request_id is not None:
        q = q.where(Event.request_id == request_id)
    with db.read() as s:
        return [AuditRow(e.seq, e.at, e.actor, e.action, e.request_id, e.note, e.before, e.after)
                for e in s.execute(q.offset(offset).limit(limit)).scalars()]
