"""A forged history needs more than the file: backups and exported tallies keep the chain's head.

Two forgeries that pass the chain check on the register alone — deleting the last events and rewinding
the head, and editing an early event and recomputing the whole chain with the program's own digest —
are found by `audit verify --against` a backup or the anchor file an export left.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_DB_URL, person

from workstation.cli import main
from workstation.domain.status import Role
from workstation.services import cases
from workstation.services.audit import ANCHOR_SUFFIX, verify_chain
from workstation.services.backup import backup
from workstation.services.base import Actor, event_digest
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.database import Database
from workstation.store.models import AuditHead, Event

pytestmark = pytest.mark.skipif(bool(TEST_DB_URL), reason="forges an SQLite file")
ACTOR = Actor(None, "test", "测试", frozenset(Role))
TODAY = date(2026, 11, 27)


def _register(db: Database, n: int) -> None:
    for i in range(n):
        cases.register(db, ACTOR, person(handed_in_on=TODAY, applicant_name=f"申请人{i}"), today=TODAY)


def _rewind(path: Path, keep: int) -> None:
    """Delete every event after ``keep`` and point the head at the last one kept."""
    con = sqlite3.connect(path)
    with con:
        con.execute("DELETE FROM event WHERE seq > ?", (keep,))
        last = con.execute("SELECT hash FROM event WHERE seq = ?", (keep,)).fetchone()[0]
        con.execute("UPDATE audit_head SET seq = ?, last_hash = ?", (keep, last))
    con.close()


def _rewrite(db: Database, seq: int) -> None:
    """Change one event's content and recompute the whole chain from it on, as the program would."""
    with db.write() as s:
        events = s.query(Event).order_by(Event.seq).all()
        events[seq - 1].note = "改写过的记录"
        prev = events[seq - 2].hash if seq > 1 else events[0].prev_hash
        for ev in events[seq - 1:]:
            ev.prev_hash = prev
            ev.hash = event_digest(ev)
            prev = ev.hash
        head = s.get(AuditHead, 1)
        head.last_hash = prev


def test_events_deleted_after_a_backup_show_against_the_backup(tmp_path):
    path = tmp_path / "register.sqlite3"
    db = Database.open_path(path)
    _register(db, 3)
    made = backup(db, tmp_path / "backups", actor=SYSTEM_ACTOR)
    _register(db, 2)
    with db.read() as s:
        kept = s.get(AuditHead, 1).seq - 4
    db.close()
    _rewind(path, kept)
    db = Database.open_path(path)
    try:
        alone = verify_chain(db)
        # the chain alone cannot tell; only the request rows left without their history show it
        assert alone.mismatches and alone.problems == alone.mismatches
        assert all(m.endswith("没有它的任何办理记录") for m in alone.mismatches)
        report = verify_chain(db, against=made.path)
        assert not report.ok and "已不存在" in report.text()
    finally:
        db.close()


def test_a_recomputed_chain_shows_against_an_exported_tally(tmp_path, capsys):
    path = tmp_path / "register.sqlite3"
    db = Database.open_path(path)
    _register(db, 3)
    db.close()
    out = tmp_path / "2026年统计表.xlsx"
    assert main(["tally", "--year", "2026", "--db", str(path), "--format", "xlsx", "--out", str(out)]) == 0
    anchor = out.with_name(out.name + ANCHOR_SUFFIX)
    assert anchor.name in capsys.readouterr().out
    head = json.loads(anchor.read_text(encoding="utf-8"))
    assert head["seq"] > 0 and len(head["hash"]) == 64
    assert main(["audit", "verify", "--db", str(path), "--against", str(anchor)]) == 0

    db = Database.open_path(path)
    _rewrite(db, 2)
    try:
        assert verify_chain(db).ok  # recomputed with the program's own digest: the chain alone holds
        assert not verify_chain(db, against=anchor).ok
    finally:
        db.close()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(path), "--against", str(anchor)]) == 1
    assert "被改写" in capsys.readouterr().out


def test_a_file_that_is_neither_is_said_so(tmp_path, capsys):
    path = tmp_path / "register.sqlite3"
    Database.open_path(path).close()
    junk = tmp_path / "junk.txt"
    junk.write_text("随便一段文字", encoding="utf-8")
    assert main(["audit", "verify", "--db", str(path), "--against", str(junk)]) == 2
    assert "既不是备份文件" in capsys.readouterr().err
