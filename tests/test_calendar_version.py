"""The calendar and the stored due dates agree, across kills, windows and paths that forget.

- A holiday-notice import writes the notice and every open due date in one transaction: a process
  killed during the import leaves either the old calendar with the old dates or the new one with new.
- A second window (another Database on the same register, as a second program or the command line
  beside the program) that cached the calendar sees a change made elsewhere on its next computation.
- A register whose stored dates were computed with another calendar version is recomputed before
  the dashboard shows them.

The 2027 notice used here is synthetic test data (the real one is not out yet): see its first lines.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TEST_DB_URL, person
from sqlalchemy import select

from workstation.domain.status import Role
from workstation.services import cases, queries
from workstation.services.base import Actor
from workstation.services.calendar import import_notice, set_override
from workstation.services.clock import DUE_VERSION_KEY, VERSION_KEY
from workstation.store.database import Database
from workstation.store.models import CalendarOverride, Request, Setting

pytestmark = pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite file test")
NOTICE = Path(__file__).parent / "data" / "synthetic" / "2027-notice-for-kill-test.txt"
ACTOR = Actor(None, "test", "测试", frozenset(Role))
KILLS = 20
OPEN_REQUESTS = 400
TODAY = date(2027, 2, 1)


def _stored_and_fresh(db: Database) -> list[tuple[str, date | None, date | None]]:
    """(number, stored due, due computed now) for every open request."""
    with db.read() as s:
        rows = [(r.id, r.number, r.due) for r in s.execute(select(Request).where(Request.closed_on.is_(None)))
                .scalars()]
    return [(number, due, cases.deadline(db, case_id, as_of=TODAY, explain=False).due)
            for case_id, number, due in rows]


def test_a_second_window_computes_with_a_calendar_changed_elsewhere(tmp_path):
    path = tmp_path / "register.sqlite3"
    program, beside = Database.open_path(path), Database.open_path(path)
    try:
        first = cases.register(beside, ACTOR, person(handed_in_on=date(2026, 11, 27)), today=date(2026, 11, 27))
        assert first.deadline.due == date(2026, 12, 25)
        set_override(program, ACTOR, date(2026, 12, 25), False, "本地节日", today=date(2026, 11, 27))
        again = cases.register(beside, ACTOR, person(handed_in_on=date(2026, 11, 27)), today=date(2026, 11, 27))
        assert again.deadline.due == date(2026, 12, 28)  # not the 25th, which the other window made a holiday
        assert cases.get_case(beside, first.case.id).due == date(2026, 12, 28)  # moved in the same transaction
    finally:
        program.close()
        beside.close()


def test_the_dashboard_recomputes_dates_stored_with_another_calendar(tmp_path):
    db = Database.open_path(tmp_path / "register.sqlite3")
    try:
        case = cases.register(db, ACTOR, person(handed_in_on=date(2026, 11, 27)), today=date(2026, 11, 27)).case
        with db.write() as s:  # a path that changes the calendar and forgets the stored dates
            s.add(CalendarOverride(day=date(2026, 12, 25), working=False, reason="本地节日"))
            version = s.get(Setting, VERSION_KEY)
            s.merge(Setting(key=VERSION_KEY, value=(version.value if version else 0) + 1))
        assert cases.get_case(db, case.id).due == date(2026, 12, 25)
        queries.dashboard(db, today=date(2026, 11, 28))
        assert cases.get_case(db, case.id).due == date(2026, 12, 28)
        with db.read() as s:
            assert s.get(Setting, VERSION_KEY).value == s.get(Setting, DUE_VERSION_KEY).value
    finally:
        db.close()


def _importer(path: Path) -> None:
    db = Database.open_path(path)
    import_notice(db, ACTOR, NOTICE.read_text(encoding="utf-8"), today=TODAY)
    os._exit(0)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A register with open requests whose due dates fall in the (provisional) spring festival of 2027."""
    path = tmp_path_factory.mktemp("template") / "register.sqlite3"
    db = Database.open_path(path)
    rng = random.Random(2027)
    for i in range(OPEN_REQUESTS):
        received = date(2027, 1, 4) + timedelta(days=rng.randint(0, 25))
        cases.register(db, ACTOR, person(handed_in_on=received, applicant_name=f"测试{i}"), today=TODAY)
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.mark.slow
def test_a_killed_notice_import_leaves_calendar_and_due_dates_agreeing(template, tmp_path):
    start = time.perf_counter()
    trial = tmp_path / "trial.sqlite3"
    shutil.copy(template, trial)
    pid = os.fork()
    if pid == 0:
        _importer(trial)
    os.waitpid(pid, 0)
    full = time.perf_counter() - start
    db = Database.open_path(trial)
    moved = [row for row in _stored_and_fresh(db) if row[1] != row[2]]
    assert not moved
    db.close()
    before = {n: d for n, d, _ in _stored_and_fresh(Database.open_path(template))}
    assert sum(1 for n, d, _ in _stored_and_fresh(Database.open_path(trial)) if before[n] != d) > 50

    rng = random.Random(7)
    outcomes = {"imported": 0, "not imported": 0}
    for kill in range(KILLS):
        path = tmp_path / f"kill{kill}.sqlite3"
        shutil.copy(template, path)
        pid = os.fork()
        if pid == 0:
            _importer(path)
        time.sleep(rng.uniform(0.05, full))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        db = Database.open_path(path)
        try:
            with db.read() as s:
                imported = s.execute(select(Setting).where(Setting.key == VERSION_KEY)).scalar_one_or_none()
            rows = _stored_and_fresh(db)
            stale = [(n, d, f) for n, d, f in rows if d != f]
            assert not stale, f"kill {kill}: {len(stale)} stored due dates disagree with the calendar: {stale[:3]}"
            outcomes["imported" if imported else "not imported"] += 1
        finally:
            db.close()
    assert outcomes["imported"] + outcomes["not imported"] == KILLS
