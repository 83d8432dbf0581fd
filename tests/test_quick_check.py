"""The program starts while SQLite's quick check of the register runs beside it (store.database.QuickCheck):
nothing is written before the check has passed, and a damaged register is still refused at the start."""

from __future__ import annotations

import argparse
import os

import pytest
from sqlalchemy import select
from test_known_errors import corrupt_a_page, digest, make_register

from workstation.domain.errors import KnownError
from workstation.store.database import MIGRATIONS, Database, schema_head
from workstation.store.models import Setting
from workstation.store.quick_check import QuickCheck


def test_the_schema_head_read_from_the_files_is_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert schema_head() == ScriptDirectory.from_config(cfg).get_current_head()


def test_a_damaged_register_opened_during_its_check_is_not_written(tmp_path):
    path = tmp_path / "r.sqlite3"
    make_register(path, 40)
    corrupt_a_page(path)
    before = digest(path)
    db = Database.open_path(path, check=QuickCheck(path))
    try:
        with pytest.raises(KnownError, match=f"数据库文件 {path} 已损坏"), db.write() as s:
            s.add(Setting(key="x", value=1))
        with pytest.raises(KnownError, match="已损坏"):
            db.await_check()
    finally:
        db.close()
    assert digest(path) == before


def test_the_program_refuses_a_damaged_register_at_the_start_as_before(tmp_path):
    from workstation.gui.app import open_database, start_quick_check

    path = tmp_path / "r.sqlite3"
    make_register(path, 40)
    corrupt_a_page(path)
    args = argparse.Namespace(db=str(path), db_url=None)
    check = start_quick_check(args)
    assert check is not None and check.path == path
    with pytest.raises(KnownError, match="已损坏"):
        open_database(args, check)
    Database.open_path(tmp_path / "other.sqlite3").close()  # nothing left hanging


def test_a_sound_register_opens_and_writes_after_its_check(tmp_path):
    from workstation.gui.app import open_database, start_quick_check

    path = tmp_path / "r.sqlite3"
    make_register(path, 3)
    args = argparse.Namespace(db=None, db_url=f"sqlite:///{path}")
    db = open_database(args, start_quick_check(args))
    try:
        with db.write() as s:
            s.add(Setting(key="x", value=1))
        with db.read() as s:
            assert s.execute(select(Setting.value).where(Setting.key == "x")).scalar_one() == 1
    finally:
        db.close()


def test_the_check_begins_before_qt_and_sqlalchemy_load(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "r.sqlite3"
    make_register(path, 1)
    os.utime(path)  # touched since the program closed it: checked again
    code = ("import sys, argparse; from workstation.store import quick_check; "
            f"c = quick_check.begin_for(argparse.Namespace(db={str(path)!r}, db_url=None, demo=False)); "
            "c.wait(); assert c.path.name == 'r.sqlite3'; "
            "assert not {'sqlalchemy', 'PySide6'} & set(sys.modules), sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_register_left_as_checked_is_not_checked_again_until_anything_changes_it(tmp_path, monkeypatch):
    from workstation.store import database, quick_check

    path = tmp_path / "r.sqlite3"
    make_register(path, 3)  # closed by the program after its check: left as checked
    assert quick_check.still_as_checked(path)
    os.utime(path)  # touched by anyone
    assert not quick_check.still_as_checked(path)
    checks = []
    real = database.read_check
    monkeypatch.setattr(database, "read_check", lambda *a, **k: checks.append(1) or real(*a, **k))
    db = Database.open_path(path)
    assert not quick_check.still_as_checked(path)  # while it is open (or after a crash): checked next time
    db.close()
    assert quick_check.still_as_checked(path) and quick_check.begin(path) is None
    Database.open_path(path).close()
    assert checks == [1]  # only the first opening checked
    corrupt_a_page(path)  # another program's write, a bad copy: the state changed
    assert not quick_check.still_as_checked(path)
    with pytest.raises(KnownError, match="已损坏"):
        Database.open_path(path)
    assert checks == [1, 1]
