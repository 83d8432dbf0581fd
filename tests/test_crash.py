"""Crash safety: a process registering and changing requests is killed with SIGKILL
at random moments; after every kill the register must be intact.

Workers are forked from the test process (modules already imported), so each
round costs milliseconds and 120 kills fit in the normal test run.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TEST_DB_URL
from helpers.cli import add_staff, login, login_env

from workstation.domain.intake import IntakeData
from workstation.domain.status import Role

KILLS = 120
READY = b"ready\n"
TODAY = date(2026, 6, 1)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite file crash test")]


def _worker(path: Path, fd: int, seed: int) -> None:
    """Register and change requests forever, reporting each committed registration on fd."""
    from workstation.domain.errors import UserError
    from workstation.services import cases
    from workstation.services.base import Actor
    from workstation.store.database import Database

    rng = random.Random(seed)
    actor = Actor(None, "crash", "断电测试", frozenset(Role))
    db = Database.open_path(path)
    os.write(fd, READY)  # the parent's random wait starts now, however long a loaded machine took to get here
    mine: list[int] = []
    while True:
        data = IntakeData(channel="in_person", handed_in_on=TODAY - timedelta(days=rng.randint(0, 60)),
                          applicant_name=f"测试{rng.randint(1, 9999)}", id_number="11010519491231002X",
                          phone="13800138000", content="断电测试" * rng.randint(1, 200))
        done = cases.register(db, actor, data, today=TODAY)
        os.write(fd, f"{done.case.number}\n".encode())
        mine.append(done.case.id)
        case_id = rng.choice(mine)
        try:
            step = rng.random()
            if step < 0.3:
                cases.start_pause(db, actor, case_id, "third_party", TODAY - timedelta(days=1), today=TODAY)
            elif step < 0.5:
                cases.end_pause(db, actor, case_id, TODAY, today=TODAY)
            elif step < 0.7:
                cases.close(db, actor, case_id, "other.other", TODAY, today=TODAY)
            elif step < 0.8:
                cases.extend(db, actor, case_id, 20, TODAY, reason="测试", override_reason="测试", today=TODAY)
        except UserError:
            pass


def _until_writing(fd: int, timeout: float = 60.0) -> bytes:
    """What the worker wrote until it opened the register and committed its first registration, waiting at
    most ``timeout``: the random wait before the kill then falls among its writes, however loaded the machine."""
    import select

    heard = b""
    deadline = time.monotonic() + timeout
    while not heard.partition(READY)[2].count(b"\n") and time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not readable:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        heard += chunk
    return heard


def test_sigkill_never_loses_a_committed_request(tmp_path):
    from sqlalchemy import select

    from workstation.services.audit import verify_chain
    from workstation.services.users import create_first_admin
    from workstation.store.database import Database
    from workstation.store.models import Request

    path = tmp_path / "crash.sqlite3"
    db = Database.open_path(path)
    create_first_admin(db, "admin", "管理员", "secret1")
    db.close()
    reported: set[str] = set()
    rng = random.Random(20261122)
    survived = 0
    for round_no in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            os.close(read_fd)
            try:
                _worker(path, write_fd, round_no)
            finally:
                os._exit(1)
        os.close(write_fd)
        heard = _until_writing(read_fd)
        time.sleep(rng.uniform(0.02, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as pipe:
            heard += pipe.read()
        reported.update(line.decode() for line in heard.split() if line and line != READY.strip())

        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"round {round_no}"
        conn.close()
        db = Database.open_path(path)
        with db.read() as s:
            rows = s.execute(select(Request.number, Request.number_seq)).all()
        numbers = {n for n, _ in rows}
        missing = reported - numbers
        assert not missing, f"round {round_no}: committed but lost: {sorted(missing)[:5]}"
        seqs = sorted(seq for _, seq in rows)
        assert seqs == list(range(1, len(seqs) + 1)), f"round {round_no}: numbers not gapless"
        report = verify_chain(db)
        assert report.ok, f"round {round_no}: {report.text()}"
        db.close()
        survived += 1
    assert survived == KILLS and len(reported) > KILLS  # the workers really wrote between kills
    print(f"\ncrash test: {survived} kills survived, {len(reported)} committed registrations all present")


BACKUP_KILLS = 24


def _fill(path: Path, count: int) -> None:
    """A register of ``count`` requests with long texts (a few MB: a backup takes a while to write)."""
    from workstation.services import cases
    from workstation.services.base import Actor
    from workstation.store.database import Database

    actor = Actor(None, "crash", "断电测试", frozenset(Role))
    db = Database.open_path(path)
    add_staff(db)  # the backup signs in as the head
    for n in range(count):
        data = IntakeData(channel="in_person", handed_in_on=TODAY, applicant_name=f"测试{n}",
                          id_number="11010519491231002X", phone="13800138000", content="断电测试备份" * 600)
        cases.register(db, actor, data, today=TODAY)
    db.close()


def _backup_process(path: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workstation", "backup", "--db", str(path), "--to", str(folder),
                             "--keep", "3", *login("head")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=login_env())


def _counts(path: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                *conn.execute("SELECT (SELECT count(*) FROM request), (SELECT count(*) FROM event)").fetchone())
    finally:
        conn.close()


def test_sigkill_of_a_backup_never_leaves_a_backup_that_is_not_one(tmp_path):
    """`workstation backup` killed at random moments: the register intact, every file trusted or named as a
    backup a complete verified copy, and the next backup works."""
    from workstation.services import backup

    path = tmp_path / "register.sqlite3"
    _fill(path, 500)
    register = _counts(path)
    assert register[0] == "ok"
    folder = tmp_path / "bk"
    started = time.monotonic()
    calibrate = _backup_process(path, folder)
    assert calibrate.wait(60) == 0 and calibrate.communicate()[1] == b""
    whole = time.monotonic() - started
    rng = random.Random(20261129)
    left = {"unfinished": 0, "journals": 0, "completed": 0}
    for round_no in range(BACKUP_KILLS):
        before = set(backup.trusted_backups(folder, kind=None))
        proc = _backup_process(path, folder)
        time.sleep(rng.uniform(0.55 * whole, 1.02 * whole))  # mostly after the imports
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        now = _counts(path)  # a backup signs in first: its login event may be there
        assert now[:2] == register[:2] and now[2] >= register[2], f"round {round_no}: the register changed"
        trusted = backup.trusted_backups(folder, kind=None)
        named = sorted(folder.glob("register-*.sqlite3"))
        assert set(trusted) <= set(named), f"round {round_no}"
        for made in named:  # every file with a backup name is a complete verified copy
            rows = backup.inspect_backup(made).rows
            assert rows["request"] == register[1] and register[2] <= rows["event"] <= _counts(path)[2] and \
                rows["document"] == 0, f"round {round_no}: {made.name}"
        others = [p.name for p in folder.iterdir() if p not in named and p.name != backup.MANIFEST]
        assert all(name.startswith(backup.TEMP_PREFIX) or name.endswith(("-journal", "-wal", "-shm"))
                   for name in others), others
        left["unfinished"] += any(name.startswith(backup.TEMP_PREFIX) for name in others)
        left["journals"] += sum(name.endswith(("-journal", "-wal", "-shm")) for name in others)
        left["completed"] += bool(set(trusted) - before)
    assert left["unfinished"] + left["completed"] >= BACKUP_KILLS // 4  # kills landed inside the backup's work
    done = _backup_process(path, folder)
    assert done.wait(60) == 0 and done.communicate()[1] == b""
    trusted = backup.trusted_backups(folder)
    assert len(trusted) == 3 and _counts(path)[:2] == register[:2]  # (login events aside)
    assert sorted(p.name for p in folder.iterdir()) == sorted([backup.MANIFEST, *(p.name for p in
                                                                                  backup.list_backups(folder))])
    assert all(backup.inspect_backup(p).rows["request"] == register[1] for p in backup.list_backups(folder))
    print(f"\nbackup kill test: {BACKUP_KILLS} kills (one backup takes {whole:.2f} s), {left['unfinished']} left an "
          f"unfinished file, {left['journals']} journal files, {left['completed']} finished before the kill; "
          f"no file with a backup name was partial; {time.monotonic() - started:.1f} s")


NOTICE_KILLS = 6
NOTICE_OPEN = 5000
NOTICE_TODAY = date(2027, 2, 1)
NOTICE = Path(__file__).parent / "data" / "synthetic" / "2027-notice-for-kill-test.txt"


def _open_register(path: Path, count: int) -> None:
    """``count`` open requests received in January 2027, their due dates stored by the clock, in one transaction."""
    from workstation.domain.status import Status
    from workstation.services.base import Actor, utcnow, writing
    from workstation.services.clock import recompute_due_dates_in
    from workstation.store.database import Database
    from workstation.store.models import Request

    rng = random.Random(2027)
    db = Database.open_path(path)
    with writing(db, Actor(None, "crash", "断电测试", frozenset(Role))) as tx:
        for n in range(1, count + 1):
            received = date(2027, 1, 4) + timedelta(days=rng.randint(0, 25))
            tx.session.add(Request(number=f"测试〔2027〕第{n:05d}号", number_year=2027, number_seq=n, source="cli",
                                   channel="in_person", handed_in_on=received, received=received,
                                   applicant_kind="natural", applicant_name=f"测试{n}", content="节假日导入中断测试",
                                   status=Status.OPEN, created_at=utcnow()))
        tx.session.flush()
        assert len(recompute_due_dates_in(tx, reason="测试登记", today=NOTICE_TODAY)) == count
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _import_notice(path: Path) -> None:
    """The child: import the notice (which moves due dates) and leave without returning into pytest."""
    from workstation.services.base import Actor
    from workstation.services.calendar import import_notice
    from workstation.store.database import Database

    try:
        import_notice(Database.open_path(path), Actor(None, "crash", "断电测试", frozenset(Role)),
                      NOTICE.read_text(encoding="utf-8"), today=NOTICE_TODAY)
    finally:
        os._exit(0)


def _disagreeing(path: Path) -> tuple[int, int, list[tuple[str, date | None, date | None]], int]:
    """The calendar's version, the due dates' version, the open requests whose stored due (or its provisional
    mark) differs from the one computed now from the calendar the register holds, and how many are open."""
    from workstation.services.clock import (
        DUE_VERSION_KEY,
        deadline_engine,
        running_clocks,
        stored_version,
    )
    from workstation.store.database import Database

    db = Database.open_path(path)  # a new process's view: nothing cached
    try:
        with db.read() as s:
            engine = deadline_engine(db, s)
            clocks = running_clocks(db, s)
            wrong = []
            for r, clock in clocks:
                d = engine.compute(clock, as_of=max(NOTICE_TODAY, r.received), explain=False)
                if (r.due, r.due_provisional) != (d.due, d.provisional):
                    wrong.append((r.number, r.due, d.due))
            return stored_version(s), stored_version(s, DUE_VERSION_KEY), wrong, len(clocks)
    finally:
        db.close()


def _run_import(path: Path, kill_after: float | None) -> None:
    pid = os.fork()
    if pid == 0:
        _import_notice(path)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_sigkill_of_a_holiday_import_leaves_the_calendar_and_every_due_date_agreeing(tmp_path):
    """A notice import into a register of 5,000 open requests killed at random moments: after every kill the
    register holds either the old calendar with the old dates or the new one with the new dates."""
    started = time.monotonic()
    template = tmp_path / "template.sqlite3"
    _open_register(template, NOTICE_OPEN)
    filled = time.monotonic() - started
    version, due_version, wrong, count = _disagreeing(template)
    assert (version, due_version, wrong, count) == (0, 0, [], NOTICE_OPEN)

    whole = tmp_path / "whole.sqlite3"
    shutil.copy(template, whole)
    began = time.monotonic()
    _run_import(whole, None)
    full = time.monotonic() - began
    version, due_version, wrong, _ = _disagreeing(whole)
    assert version == due_version == 1 and not wrong
    before = dict(sqlite3.connect(template).execute("SELECT number, due FROM request").fetchall())
    after = dict(sqlite3.connect(whole).execute("SELECT number, due FROM request").fetchall())
    moved = sum(before[n] != after[n] for n in before)
    assert moved > 0  # the notice moves due dates: a stale date would be seen

    rng = random.Random(20270201)
    outcomes = {"imported": 0, "not imported": 0}
    for kill in range(NOTICE_KILLS):
        path = tmp_path / f"kill{kill}.sqlite3"
        shutil.copy(template, path)
        _run_import(path, 1.2 * full * (kill + rng.random()) / NOTICE_KILLS)  # spread over the import and its end
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"kill {kill}"
        conn.close()
        version, due_version, wrong, count = _disagreeing(path)
        assert version == due_version, f"kill {kill}: calendar version {version}, due dates of version {due_version}"
        assert not wrong, f"kill {kill}: {len(wrong)} stored due dates disagree with the calendar: {wrong[:3]}"
        assert count == NOTICE_OPEN
        outcomes["imported" if version else "not imported"] += 1
        path.unlink()
    print(f"\nholiday import kill test: {NOTICE_OPEN} open requests (filled in {filled:.1f} s), one import "
          f"{full:.2f} s moving {moved} due dates, {NOTICE_KILLS} kills: {outcomes}; "
          f"{time.monotonic() - started:.1f} s")
