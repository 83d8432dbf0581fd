"""Upgrades keep the register: a database file made by every released schema version opens.

tests/data/databases/vNNNN.sqlite3 is a register written by the program at schema revision NNNN
(v0002 holds 40 demo requests with their reviews, replies, documents and audit trail). Each is opened
by the current program: migrated after a backup, counts unchanged, audit chain intact. A new migration
must come with a file made at its revision (the last test says so).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workstation.services.audit import verify_chain
from workstation.store.database import Database

FIXTURES = Path(__file__).parent / "data" / "databases"
FILES = sorted(FIXTURES.glob("v*.sqlite3"))
TABLES = ("request", "event", "document", "review", "appeal", "user_account", "calendar_override")


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES if t in names}
    finally:
        con.close()


@pytest.mark.parametrize("fixture", FILES, ids=[f.stem for f in FILES])
def test_an_older_register_opens_migrated_with_nothing_lost(tmp_path, fixture):
    path = tmp_path / "register.sqlite3"
    path.write_bytes(fixture.read_bytes())
    before = _counts(path)
    revision = fixture.stem[1:]
    db = Database.open_path(path)
    try:
        assert db.current_revision() == db.head_revision()
        report = verify_chain(db)
        assert report.ok, report
    finally:
        db.close()
    after = _counts(path)
    assert {t: after[t] for t in before} == before
    backups = list(tmp_path.glob(f"register.before-upgrade-{revision}-*.sqlite3"))
    if revision != db.head_revision():
        assert len(backups) == 1 and _counts(backups[0]) == before
    else:
        assert backups == []


def test_the_current_schema_has_a_fixture():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from workstation.store.database import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    revisions = [r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()]
    missing = [r for r in revisions if not (FIXTURES / f"v{r}.sqlite3").exists()]
    assert not missing, f"make a register at each of these revisions and commit it: {missing}"
