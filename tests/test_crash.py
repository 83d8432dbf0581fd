"""Crash safety: a process registering and changing requests is killed with SIGKILL
at random moments; after every kill the register must be intact.

Workers are forked from the test process (modules already imported), so each
round costs milliseconds and 120 kills fit in the normal test run.
"""

from __future__ import annotations

import os
import random
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
                cases.close(db, actor, case_id, "disclosed", TODAY, today=TODAY)
            elif step < 0.8:
                cases.extend(db, actor, case_id, 20, TODAY, reason="测试", override_reason="测试", today=TODAY)
        except UserError:
            pass


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
        time.sleep(rng.uniform(0.02, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as pipe:
            reported.update(line.decode() for line in pipe.read().split() if line)

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
