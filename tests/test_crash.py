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
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TEST_DB_URL

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
