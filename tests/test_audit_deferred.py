"""The audit chain is appended when a write transaction ends (issue 19): meanwhile its events are in the
table under provisional numbers above every real one, in the order written; at the end they get the next
numbers of the chain, one after another."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from workstation.domain.status import Role
from workstation.services import base, cases
from workstation.services.audit import verify_chain
from workstation.services.base import PROVISIONAL_BASE, PROVISIONAL_BLOCK, Actor, writing
from workstation.store.models import AuditHead, Event, NumberSequence

ADMIN = Actor(None, "t", "测试", frozenset(Role))


def _head(db) -> tuple[int, str]:
    with db.read() as s:
        head = s.get(AuditHead, 1)
        return head.seq, head.last_hash


def test_events_are_found_in_their_transaction_and_chained_at_its_end(db):
    before, _ = _head(db)
    with writing(db, ADMIN) as tx:
        first = tx.event("settings_changed", after={"n": 1})
        second = tx.event("settings_changed", after={"n": 2}, flush=False)
        assert first.seq >= PROVISIONAL_BASE and second.seq == first.seq + 1
        # the transaction's own queries see them, after every real event
        newest = tx.session.execute(select(Event.after).order_by(Event.seq.desc()).limit(1)).scalar_one()
        assert newest == {"n": 2}
        with db.read() as other:  # nobody else does, and the head has not moved
            assert (other.execute(select(func.max(Event.seq))).scalar_one() or 0) == before
    assert (first.seq, second.seq) == (before + 1, before + 2)
    assert second.prev_hash == first.hash
    assert _head(db) == (second.seq, second.hash)
    assert verify_chain(db).ok


def test_a_failed_transaction_leaves_no_event_and_no_number(db):
    before = _head(db)
    try:
        with writing(db, ADMIN) as tx:
            tx.next_number("request", 2031)
            tx.event("settings_changed", after={"n": 1})
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert _head(db) == before
    with db.read() as s:
        assert s.get(NumberSequence, ("request", 2031)) is None
        assert (s.execute(select(func.max(Event.seq))).scalar_one() or 0) == before[0]


def test_lock_head_chains_the_events_so_far_and_the_rest_directly(db):
    before, _ = _head(db)
    with writing(db, ADMIN) as tx:
        early = tx.event("settings_changed", after={"n": 1})
        head = tx.lock_head()
        assert early.seq == before + 1 and head.seq == before + 1
        late = tx.event("settings_changed", after={"n": 2})
        assert late.seq == before + 2 and late.prev_hash == early.hash
    assert verify_chain(db).ok


def test_a_transaction_of_many_events_keeps_them_in_order(db):
    before, _ = _head(db)
    count = PROVISIONAL_BLOCK + 40
    with writing(db, ADMIN) as tx:
        made = [tx.event("settings_changed", after={"n": i}, flush=False) for i in range(count)]
    assert [e.seq for e in made] == list(range(before + 1, before + count + 1))
    with db.read() as s:
        afters = s.execute(select(Event.after).where(Event.seq > before).order_by(Event.seq)).scalars().all()
    assert [a["n"] for a in afters] == list(range(count))
    assert verify_chain(db).ok


def test_a_step_that_reads_its_own_event_counts_it(db, users, intake):
    """An extension is an event the due date is computed from in the same transaction."""
    today = date(2026, 3, 2)
    registered = cases.register(db, users["clerk"], intake(), today=today)
    d = cases.extend(db, users["head"], registered.case.id, 20, today, reason="需要调取档案", today=today)
    assert d.due > registered.deadline.due
    assert cases.get_case(db, registered.case.id).due == d.due == cases.deadline(db, registered.case.id).due
    assert verify_chain(db).ok


def test_numbers_lock_only_their_own_row(db):
    with writing(db, ADMIN) as tx:
        assert tx.next_number("request", 2031) == 1
        assert tx.next_number("request", 2031) == 2
        assert tx.lock_number("request", 2031) == 2
        assert tx.lock_number("document", 2031) == 0
    with writing(db, ADMIN) as tx:
        assert tx.next_number("request", 2031) == 3
    assert base.PROVISIONAL_BASE + (2**22 - 1) * base.PROVISIONAL_BLOCK + PROVISIONAL_BLOCK - 1 < 2**31


def test_a_deadlock_between_two_windows_is_one_sentence():
    """Writers now run side by side on PostgreSQL; when two wait for each other the server undoes one."""
    from workstation.domain.errors import KnownError
    from workstation.store.database import known_error

    error = known_error(Exception("deadlock detected\nDETAIL:  Process 1 waits for ShareLock on transaction 7"), None)
    assert isinstance(error, KnownError)
    assert "没有保存任何内容" in str(error) and "deadlock" not in str(error)
