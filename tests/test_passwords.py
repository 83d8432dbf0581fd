"""A user changes their own password (the old one required); an admin's reset forces a change at the next login."""

from __future__ import annotations

import pytest

from workstation.domain.errors import UserError
from workstation.services import audit
from workstation.services import users as accounts
from workstation.services.base import ValidationError


def test_a_user_changes_their_own_password_with_the_old_one(db, users):
    clerk = users["clerk"]
    with pytest.raises(UserError, match="原密码不正确"):
        accounts.change_password(db, clerk, "wrong1", "newpass1")
    accounts.change_password(db, clerk, "secret1", "newpass1")
    with pytest.raises(UserError):
        accounts.authenticate(db, "clerk", "secret1")
    info = accounts.authenticate(db, "clerk", "newpass1")
    assert info.login == "clerk" and not info.must_change
    actions = [e.action for e in audit.list_events(db, viewer=users["admin"], limit=50)]
    assert "password_changed" in actions


@pytest.mark.parametrize(("new", "field"), [("12345", "new"), ("secret1", "new")])
def test_a_new_password_must_be_new_and_long_enough(db, users, new, field):
    with pytest.raises(ValidationError) as caught:
        accounts.change_password(db, users["clerk"], "secret1", new)
    assert field in caught.value.errors


def test_an_admins_reset_forces_a_change_at_the_next_login(db, users):
    clerk_id = users["clerk"].id
    with pytest.raises(UserError, match="管理员"):
        accounts.reset_password(db, users["head"], clerk_id, "temp123")
    accounts.reset_password(db, users["admin"], clerk_id, "temp123")
    info = accounts.authenticate(db, "clerk", "temp123")
    assert info.must_change
    accounts.change_password(db, info.actor(), "temp123", "mine1234")
    assert not accounts.authenticate(db, "clerk", "mine1234").must_change


def test_a_reset_unlocks_a_locked_account(db, users):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(UserError):
            accounts.authenticate(db, "clerk", "bad")
    with pytest.raises(UserError, match="分钟后再试"):
        accounts.authenticate(db, "clerk", "secret1")
    accounts.reset_password(db, users["admin"], users["clerk"].id, "temp123")
    assert accounts.authenticate(db, "clerk", "temp123").must_change


def test_no_password_in_any_event(db, users):
    accounts.change_password(db, users["clerk"], "secret1", "newpass1")
    accounts.reset_password(db, users["admin"], users["clerk"].id, "temp123")
    text = repr([(e.before, e.after, e.note) for e in audit.list_events(db, viewer=users["admin"], limit=100)])
    assert "newpass1" not in text and "temp123" not in text and "secret1" not in text


def test_the_program_hashes_with_its_real_cost():
    """The tests' conftest makes hashing cheap; the program itself does not."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "from workstation.services import users; "
                          "print(users.hash_password('x'))"], capture_output=True, text=True, check=True).stdout
    scheme, n, *_ = out.strip().split("$")
    assert scheme == "scrypt" and int(n) >= 2**14
