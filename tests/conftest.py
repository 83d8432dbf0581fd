"""Shared fixtures. Service tests use a real SQLite file in tmp_path, or the
PostgreSQL database named by WORKSTATION_TEST_DB_URL (emptied before each test)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from workstation.domain.intake import IntakeData
from workstation.domain.status import Role

# The helpers (tests/helpers) are imported by test files before pytest sees them: rewrite their asserts too.
pytest.register_assert_rewrite("helpers")

TEST_DB_URL = os.environ.get("WORKSTATION_TEST_DB_URL", "")

# Property tests try many examples in CI (CI=true, as CI services set it; .ci/run too) and fewer at a desk;
# `pytest --hypothesis-profile=ci` asks for CI's count anywhere.
CI_EXAMPLES = 1500
settings.register_profile("ci", max_examples=CI_EXAMPLES)
settings.register_profile("dev", max_examples=100)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in ("true", "1") else "dev")


def examples(in_ci: int) -> int:
    """How many examples a property test tries: ``in_ci`` under the ci profile, the same share of the
    profile's count under another (at least 10), for a test whose examples cost more than most."""
    return max(10, in_ci * settings.default.max_examples // CI_EXAMPLES)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    """Tests hash hundreds of passwords: a cheap scrypt cost here (the program keeps its own; a hash carries
    its parameters, so checking a password works the same either way)."""
    from workstation.services import users

    monkeypatch.setattr(users, "SCRYPT_N", 2**6)


@pytest.fixture(autouse=True)
def private_log_folder(tmp_path_factory, monkeypatch):
    """The command line writes a log: keep the tests' logs out of the user's own log folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))


def _empty_server_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def db_target(tmp_path):
    """What a test passes to open a register: ('url', URL) on a server, else ('path', file)."""
    if TEST_DB_URL:
        _empty_server_database(TEST_DB_URL)
        return ("url", TEST_DB_URL)
    return ("path", tmp_path / "register.sqlite3")


@pytest.fixture(scope="session")
def migrated_register(tmp_path_factory) -> Path:
    """A register file with every migration applied, made once per session; tests open copies of it
    (fresh_register) instead of migrating a new file each. Its stamp is cleared, so that each copy gets its
    own when opened, as a new file does."""
    from workstation.store.database import Database

    path = tmp_path_factory.mktemp("template") / "register.sqlite3"
    Database.open_path(path).close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA user_version = 0")
    finally:
        conn.close()
    assert not Path(f"{path}-wal").exists(), "the template is not checkpointed"
    return path


def fresh_register(template: Path, path: Path) -> Path:
    """A new register at ``path``: a copy of the migrated template, owner-only as a new register file is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, path)
    return path


@pytest.fixture
def db(db_target, migrated_register):
    from workstation.store.database import Database

    kind, where = db_target
    if kind == "url":
        database = Database.open_url(where)
    else:
        database = Database.open_path(fresh_register(migrated_register, where))
    yield database
    database.close()


@pytest.fixture
def cli_db_args(db_target):
    kind, where = db_target
    return ["--db-url", where] if kind == "url" else ["--db", str(where)]


@pytest.fixture
def users(db):
    """admin, clerk, reviewer, head (as Actors)."""
    from workstation.services import users as u

    admin = u.create_first_admin(db, "admin", "管理员", "secret1").actor()
    made = {"admin": admin}
    for login, name, roles in (("clerk", "张承办", {Role.CLERK}), ("clerk2", "赵承办", {Role.CLERK}),
                               ("reviewer", "李审核", {Role.REVIEWER}), ("head", "王主任", {Role.HEAD})):
        made[login] = u.create_user(db, admin, login, name, "secret1", roles).actor()
    return made


def person(**overrides) -> IntakeData:
    values = dict(
        channel="in_person", handed_in_on=date(2026, 3, 2), applicant_kind="natural",
        applicant_name="王小明", id_number="11010519491231002X", phone="13800138000",
        address="示范县城关镇人民路1号", content="申请公开本镇2025年道路硬化工程的招标文件",
    )
    values.update(overrides)
    return IntakeData(**values)


@pytest.fixture
def intake():
    return person


@pytest.fixture(scope="module")
def xvfb_display():
    """A fresh X display (Xvfb) for tests that start the program on the xcb platform, as on a desk."""
    import os
    import shutil
    import subprocess

    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: `make test` installs the Debian package xvfb"
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path, monkeypatch):
    """Screen layouts the program remembers (gui/remembered.py) go to the test's folder, not the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
