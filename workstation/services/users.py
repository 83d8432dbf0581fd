"""Users, roles and logins (用户与角色).

Passwords are hashed with scrypt (stdlib); failed logins are rate-limited; no
password is ever logged or stored in an event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services.base import Actor, require, utcnow, writing
from workstation.store.database import Database
from workstation.store.models import Request, Unit, User

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 6

# A built-in clerk for code that calls the services directly (tests, the demo): the command line signs in instead.
CLI_ACTOR = Actor(None, "cli", "命令行", frozenset({Role.CLERK}))
SYSTEM_ACTOR = Actor(None, "system", "系统", frozenset(Role))


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    must_change: bool = False  # an admin reset the password: choose a new one before working
    unit_id: int | None = None  # the unit (承办单位) the user works in; None: the office itself
    unit_name: str = ""

    def actor(self) -> Actor:
        return Actor(self.id, self.login, self.display_name, self.roles, self.unit_id, self.unit_name)


# A stored hash of a password no one knows: an unknown login is checked against it, so that it
# takes as long as a known one and the answer's time does not tell which logins exist.
_DUMMY_HASH = "scrypt$16384$8$1$" + "A" * 22 + "==$" + "A" * 86 + "=="


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    enc = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(expected))
    return hmac.compare_digest(got, expected)


def _info(session: Session, u: User) -> UserInfo:
    unit = session.get(Unit, u.unit_id) if u.unit_id is not None else None
    return UserInfo(u.id, u.login, u.display_name, _roles(u.roles), u.active, bool(u.must_change_password),
                    u.unit_id, unit.name if unit is not None else "")


def _roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def _check_new_user(login: str, display_name: str, password: str, roles: set[Role]) -> None:
    errors = {}
    if not login.strip() or len(login) > 50 or any(c.isspace() for c in login):
        errors["login"] = "登录名不能为空、不能含空格,最多50个字符"
    if not display_name.strip() or len(display_name) > 50:
        errors["display_name"] = "请填写姓名(最多50个字符)"
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"密码至少{MIN_PASSWORD}位"
    if not roles:
        errors["roles"] = "请至少选择一个角色"
    if errors:
        from workstation.services.base import ValidationError

        raise ValidationError(errors)


def has_users(db: Database) -> bool:
    with db.read() as s:
        return bool(s.execute(select(func.count(User.id))).scalar_one())


def create_first_admin(db: Database, login: str, display_name: str, password: str,
                       extra_roles: set[Role] | None = None) -> UserInfo:
    """The first user of a new register is its administrator (no one to act for them yet)."""
    roles = {Role.ADMIN} | (extra_roles or set())
    _check_new_user(login, display_name, password, roles)
    with writing(db, SYSTEM_ACTOR) as tx:
        if tx.session.execute(select(func.count(User.id))).scalar_one():
            raise UserError("已有用户,不能再创建初始管理员;请由管理员在“设置”中添加用户。")
        if tx.session.execute(select(func.count(Request.id))).scalar_one():
            raise UserError("该数据库已有申请记录却没有任何用户,可能被改动过,不能在此创建管理员;"
                            "请从备份恢复,或联系技术支持。")
        user = User(login=login.strip(), display_name=display_name.strip(), password_hash=hash_password(password),
                    roles=",".join(sorted(roles)), active=True, failed_logins=0, created_at=utcnow())
        tx.session.add(user)
        tx.session.flush()
        tx.event("user_created", after={"login": user.login, "display_name": user.display_name,
                                        "roles": user.roles}, note="初始管理员")
        return _info(tx.session, user)


def _login_taken(session: Session, login: str) -> bool:
    return session.execute(select(User.id).where(User.login == login)).first() is not None


def create_user(db: Database, actor: Actor, login: str, display_name: str, password: str,
                roles: set[Role]) -> UserInfo:
    require(actor, Role.ADMIN, action="添加用户")
    _check_new_user(login, display_name, password, roles)
    with writing(db, actor) as tx:
        if _login_taken(tx.session, login.strip()):
            raise UserError(f"登录名“{login}”已被使用", field="login")
        user = User(login=login.strip(), display_name=display_name.strip(), password_hash=hash_password(password),
                    roles=",".join(sorted(roles)), active=True, failed_logins=0, created_at=utcnow())
        try:
            with tx.session.begin_nested():
                tx.session.add(user)
                tx.session.flush()
        except IntegrityError:
            # another admin's transaction took the login after the check (PostgreSQL writers run side by side):
            # the unique index refused it; back at the savepoint, the login is there to see
            if _login_taken(tx.session, user.login):
                raise UserError(f"登录名“{login}”已被使用", field="login") from None
            raise
        tx.event("user_created", after={"login": user.login, "display_name": user.display_name,
                                        "roles": user.roles})
        return _info(tx.session, user)


def set_roles(db: Database, actor: Actor, user_id: int, roles: set[Role], active: bool = True) -> UserInfo:
    require(actor, Role.ADMIN, action="修改用户角色")
    if not roles:
        raise UserError("请至少选择一个角色", field="roles")
    with writing(db, actor) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise UserError("用户不存在")
        if user.id == actor.id and (Role.ADMIN not in roles or not active):
            raise UserError("不能取消自己的管理员角色或停用自己")
        if Role.ADMIN in roles and user.unit_id is not None:
            raise UserError("管理员属于办公室本身;承办单位的用户不能设为管理员", field="roles")
        before = {"roles": user.roles, "active": user.active}
        user.roles = ",".join(sorted(roles))
        user.active = active
        tx.event("user_roles_changed", before=before, after={"login": user.login, "roles": user.roles,
                                                             "active": active})
        return _info(tx.session, user)


def list_users(db: Database) -> list[UserInfo]:
    with db.read() as s:
        return [_info(s, u) for u in s.execute(select(User).order_by(User.id)).scalars()]


def authenticate(db: Database, login: str, password: str) -> UserInfo:
    """Check a login; after 5 failures the account waits 5 minutes.

    A failed attempt is committed (count and event) before the refusal is raised.
    """
    error: str | None = None
    with writing(db, Actor(None, login[:50], login[:50] or "?", frozenset())) as tx:
        user = tx.session.execute(select(User).where(User.login == login.strip())).scalar_one_or_none()
        now = utcnow()
        if user is None or not user.active:
            verify_password(password, _DUMMY_HASH)
            tx.event("login_failed", after={"login": login[:50]}, note="用户不存在或已停用")
            error = "登录名或密码不正确"
        elif user.locked_until and user.locked_until > now:
            wait = int((user.locked_until - now).total_seconds() // 60) + 1
            error = f"密码错误次数过多,请 {wait} 分钟后再试"
        elif not verify_password(password, user.password_hash):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
            tx.event("login_failed", after={"login": user.login})
            error = "登录名或密码不正确"
        else:
            user.failed_logins = 0
            user.locked_until = None
            tx.event("login", after={"login": user.login})
            info = _info(tx.session, user)
    if error is not None:
        raise UserError(error)
    return info


def change_password(db: Database, actor: Actor, old: str, new: str) -> None:
    """A user changes their own password; the old one is required (also right after an admin's reset)."""
    from workstation.services.base import ValidationError

    if actor.id is None:
        raise UserError("只有登录的用户才能修改自己的密码")
    if len(new) < MIN_PASSWORD:
        raise ValidationError({"new": f"新密码至少{MIN_PASSWORD}位"})
    if new == old:
        raise ValidationError({"new": "新密码不能与原密码相同"})
    with writing(db, actor) as tx:
        user = tx.session.get(User, actor.id)
        if user is None or not user.active:
            raise UserError("用户不存在或已停用")
        if not verify_password(old, user.password_hash):
            raise UserError("原密码不正确", field="old")
        user.password_hash = hash_password(new)
        user.must_change_password = False
        tx.event("password_changed", after={"login": user.login})


def reset_password(db: Database, actor: Actor, user_id: int, temporary: str) -> UserInfo:
    """An admin sets a temporary password (a user who forgot theirs); the user must change it at the next login.

    The reset also lifts a lock after too many failed logins."""
    from workstation.services.base import ValidationError

    require(actor, Role.ADMIN, action="重置密码")
    if len(temporary) < MIN_PASSWORD:
        raise ValidationError({"password": f"临时密码至少{MIN_PASSWORD}位"})
    with writing(db, actor) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise UserError("用户不存在")
        user.password_hash = hash_password(temporary)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        tx.event("password_reset", after={"login": user.login}, note="临时密码,下次登录时须修改")
        return _info(tx.session, user)
