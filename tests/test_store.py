"""The store: schema versions, migrations, file permissions, concurrent numbering."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TEST_DB_URL
from sqlalchemy import create_engine, select, text

from workstation.domain.errors import UserError
from workstation.store.database import Database, SchemaTooNew
from workstation.store.models import Request

FIXTURES = Path(__file__).parent / "data" / "databases"

WORKER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from workstation.domain.intake import IntakeData
    from workstation.services import cases
    from workstation.services.users import CLI_ACTOR
    from workstation.store.database import Database
    target, go, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    db = Database.open_url(target) if "://" in target else Database.open_path(Path(target))
    while not go.exists():
        time.sleep(0.005)
    for i in range(25):
        data = IntakeData(channel="in_person", handed_in_on=date(2026, 3, 2), applicant_name=f"{tag}{i}",
                          id_number="11010519491231002X", phone="13800138000", content="并发登记测试")
        done = cases.register(db, CLI_ACTOR, data, today=date(2026, 6, 1))
        print(done.case.number, flush=True)
    """
)


def test_two_processes_register_at_once_get_distinct_gapless_numbers(db, db_target, tmp_path):
    target = db_target[1]
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(target), str(go), tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for tag in ("甲", "乙")]
    time.sleep(1.0)  # both processes have opened the database
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    printed = [line for out, _ in outputs for line in out.split()]
    assert len(printed) == 50 and len(set(printed)) == 50
    with db.read() as s:
        seqs = sorted(s.execute(select(Request.number_seq)).scalars())
    assert seqs == list(range(1, 51))


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
def test_new_file_is_owner_only(tmp_path):
    path = tmp_path / "r.sqlite3"
    Database.open_path(path).close()
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
def test_first_version_database_opens_and_upgrades(tmp_path):
    """A committed file made by migration 0001 (with a request in it) is backed up and upgraded."""
    path = tmp_path / "old.sqlite3"
    path.write_bytes((FIXTURES / "v0001.sqlite3").read_bytes())
    db = Database.open_path(path)
    assert db.current_revision() == db.head_revision() != "0001"
    with db.read() as s:
        assert s.execute(select(Request.number)).scalar_one() == "政依申〔2026〕第0001号"
        s.execute(text("SELECT count(*) FROM period_lock"))
    backups = list(tmp_path.glob("old.before-upgrade-0001-*.sqlite3"))
    assert len(backups) == 1 and (backups[0].stat().st_mode & 0o777) == 0o600


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    Database.open_path(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="较新版本"):
        Database.open_path(path)


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
@pytest.mark.parametrize("content", [b"", b"\x00\x01junk" * 100, "随便一段文字".encode()])
def test_wrong_files_are_refused_untouched(tmp_path, content):
    path = tmp_path / "picked.sqlite3"
    path.write_bytes(content)
    if content:
        with pytest.raises(UserError, match="不是本程序的数据库"):
            Database.open_path(path)
        assert path.read_bytes() == content
    else:  # an empty file is a new database
        Database.open_path(path).close()


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER)"))
    engine.dispose()
    with pytest.raises(UserError, match="不是本程序的数据库"):
        Database.open_path(path)


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite files only")
def test_sqlite_pragmas(tmp_path):
    db = Database.open_path(tmp_path / "p.sqlite3")
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_an_empty_file_named_as_an_existing_register_is_refused_untouched(tmp_path):
    """A command on an existing register given a 0-byte file: refused, and the file stays empty (it is not made
    into a new register behind the user's back)."""
    from workstation.domain.errors import UserError
    from workstation.store.database import Database

    path = tmp_path / "r.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(UserError, match="空文件"):
        Database.open_path(path, create=False)
    assert path.read_bytes() == b""
