"""A register with one user of each role, and the arguments and environment that sign in as one of them
on the command line (the password never is an argument: it comes from WORKSTATION_PASSWORD)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


# The commands that sign in (the program reserves them to a role).
SIGNED_IN = ("register", "notice", "import", "backup", "restore")


@contextmanager
def password_in_env(password: str = PASSWORD) -> Iterator[None]:
    """While a command runs in this process: its password comes from the environment, as a script's does."""
    old = os.environ.get(PASSWORD_ENV)
    os.environ[PASSWORD_ENV] = password
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(PASSWORD_ENV, None)
        else:
            os.environ[PASSWORD_ENV] = old


def as_user(argv: Sequence[object], login_name: str = "clerk") -> list[str]:
    """``argv`` of a command that signs in, as ``login_name``: a register named by an absolute ``--db`` that does
    not exist yet is first set up with the staff (as `workstation init` and `user add` would)."""
    args = [str(a) for a in argv]
    if "--db" in args:
        path = Path(args[args.index("--db") + 1])
        if path.is_absolute() and not path.exists() and path.parent.is_dir():
            register_with_staff(path)
    return args if "--login" in args else [*args, *login(login_name)]
