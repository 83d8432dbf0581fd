"""Two admins adding the same login at the same moment: the second hears the sentence, not the database's
unique-index error (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from conftest import TEST_DB_URL
from sqlalchemy import func, select

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services import audit
from workstation.services import users as u
from workstation.store.database import Database
from workstation.store.models import Event, User


def _counts(db: Database, login: str) -> tuple[int, int]:
    with db.read() as s:
        people = s.execute(select(func.count()).select_from(User).where(User.login == login)).scalar_one()
        made = s.execute(select(func.count()).select_from(Event).where(Event.action == "user_created")).scalar_one()
    return people, made


def test_a_login_taken_after_the_check_is_refused_in_words(db, users, monkeypatch):
    """The check ran before the other admin's commit (it saw no such login); the unique index refuses."""
    u.create_user(db, users["admin"], "wang", "王一", "secret1", {Role.CLERK})
    before = _counts(db, "wang")
    real = u._login_taken
    missed = []

    def check_missing_it_once(session, login):
        if not missed:
            missed.append(login)
            return False
        return real(session, login)

    monkeypatch.setattr(u, "_login_taken", check_missing_it_once)
    with pytest.raises(UserError) as refused:
        u.create_user(db, users["admin"], "wang", "王二", "secret2", {Role.CLERK})
    assert missed == ["wang"] and refused.value.message == "登录名“wang”已被使用" and refused.value.field == "login"
    assert _counts(db, "wang") == before  # nothing of the refused user, no event
    assert audit.verify_chain(db).ok
    u.create_user(db, users["admin"], "wang2", "王二", "secret2", {Role.CLERK})  # the next write goes through


@pytest.mark.skipif(not TEST_DB_URL, reason="PostgreSQL: two writers at once (SQLite writers take turns)")
def test_two_admins_adding_the_same_login_at_once(db, users, monkeypatch):
    """Between this admin's check and insert, another window's transaction adds the login and commits."""
    other = Database.open_url(TEST_DB_URL)
    real = u._login_taken

    def check_then_lose_the_race(session, login):
        taken = real(session, login)
        if not taken and login == "li":
            monkeypatch.setattr(u, "_login_taken", real)
            u.create_user(other, users["admin"], "li", "李一", "secret1", {Role.CLERK})
        return taken

    monkeypatch.setattr(u, "_login_taken", check_then_lose_the_race)
    try:
        with pytest.raises(UserError) as refused:
            u.create_user(db, users["admin"], "li", "李二", "secret2", {Role.CLERK})
    finally:
        other.close()
    assert refused.value.message == "登录名“li”已被使用" and refused.value.field == "login"
    assert [x.display_name for x in u.list_users(db) if x.login == "li"] == ["李一"]
    assert audit.verify_chain(db).ok
