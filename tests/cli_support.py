"""A register with one user of each role, and the arguments and environment that sign in as one of them
on the command line (the password never is an argument: it comes from WORKSTATION_PASSWORD)."""

from __future__ import annotations

import os
from pathlib import Path

from workstation.cli import PASSWORD_ENV
from workstation.domain.status import Role

PASSWORD = "secret1"
STAFF = {"admin": {Role.ADMIN}, "clerk": {Role.CLERK}, "reviewer": {Role.REVIEWER}, "head": {Role.HEAD}}


def add_staff(db) -> dict:
    """admin, clerk, reviewer and head in ``db`` (an open Database without users), as Actors."""
    from workstation.services import users

    admin = users.create_first_admin(db, "admin", "管理员", PASSWORD).actor()
    made = {"admin": admin}
    for login, roles in STAFF.items():
        if login != "admin":
            made[login] = users.create_user(db, admin, login, f"{login}用户", PASSWORD, roles).actor()
    return made


def register_with_staff(path: Path) -> Path:
    """A new SQLite register at ``path`` with one user of each role."""
    from workstation.store.database import Database

    db = Database.open_path(path)
    try:
        add_staff(db)
    finally:
        db.close()
    return path


def login(name: str) -> list[str]:
    """The arguments that sign in as ``name``."""
    return ["--login", name]


def login_env(**more: str) -> dict[str, str]:
    """The environment of a child process that signs in with the staff password."""
    return {**os.environ, PASSWORD_ENV: PASSWORD, **more}


def sign_in(monkeypatch, password: str = PASSWORD) -> None:
    """For ``main([...])`` in this process: the password comes from the environment."""
    monkeypatch.setenv(PASSWORD_ENV, password)
