"""The office's units (承办单位) and who works in which: managed by the administrator.

An office without units works as before: no hand-over step, every user sees every request. Once units
exist, the office hands requests to them (services.handover) and each unit's users see only theirs
(services.access).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from workstation.domain.errors import UserError
from workstation.domain.handover import UNIT_KINDS
from workstation.domain.status import Role
from workstation.services.base import Actor, ValidationError, require, utcnow, writing
from workstation.store.database import Database
from workstation.store.models import Unit, User

MAX_NAME = 100


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    kind: str
    active: bool
    users: int  # how many active users work in it


def _check(name: str, kind: str) -> str:
    errors: dict[str, str] = {}
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        errors["name"] = f"请填写单位名称(最多{MAX_NAME}个字)"
    if kind not in UNIT_KINDS:
        errors["kind"] = "请选择单位类别:" + "、".join(UNIT_KINDS)
    if errors:
        raise ValidationError(errors)
    return name


def has_units(db: Database) -> bool:
    """Whether the office has any active unit (otherwise nothing of hand-overs is shown)."""
    with db.read() as s:
        return bool(s.execute(select(func.count(Unit.id)).where(Unit.active.is_(True))).scalar_one())


def list_units(db: Database, *, include_inactive: bool = False) -> list[UnitInfo]:
    with db.read() as s:
        counts = dict(s.execute(select(User.unit_id, func.count(User.id)).where(User.active.is_(True))
                                .group_by(User.unit_id)).all())
        q = select(Unit).order_by(Unit.kind, Unit.name)
        if not include_inactive:
            q = q.where(Unit.active.is_(True))
        return [UnitInfo(u.id, u.name, u.kind, u.active, counts.get(u.id, 0)) for u in s.execute(q).scalars()]


def create_unit(db: Database, actor: Actor, name: str, kind: str) -> UnitInfo:
    require(actor, Role.ADMIN, action="添加承办单位")
    name = _check(name, kind)
    with writing(db, actor) as tx:
        if tx.session.execute(select(Unit.id).where(Unit.name == name)).first():
            raise UserError(f"已有名为“{name}”的承办单位", field="name")
        unit = Unit(name=name, kind=kind, active=True, created_at=utcnow())
        tx.session.add(unit)
        tx.session.flush()
        tx.event("unit_created", after={"unit_id": unit.id, "name": name, "kind": kind})
        return UnitInfo(unit.id, unit.name, unit.kind, True, 0)


def update_unit(db: Database, actor: Actor, unit_id: int, name: str, kind: str, active: bool = True) -> UnitInfo:
    """Rename a unit, change its kind, or stop it (停用: no new hand-overs; its records stay)."""
    require(actor, Role.ADMIN, action="修改承办单位")
    name = _check(name, kind)
    with writing(db, actor) as tx:
        unit = tx.session.get(Unit, unit_id)
        if unit is None:
            raise UserError("承办单位不存在")
        if tx.session.execute(select(Unit.id).where(Unit.name == name, Unit.id != unit_id)).first():
            raise UserError(f"已有名为“{name}”的承办单位", field="name")
        before = {"name": unit.name, "kind": unit.kind, "active": unit.active}
        unit.name, unit.kind, unit.active = name, kind, active
        tx.event("unit_changed", before=before, after={"unit_id": unit.id, "name": name, "kind": kind,
                                                       "active": active})
        users = tx.session.execute(select(func.count(User.id)).where(User.unit_id == unit_id,
                                                                     User.active.is_(True))).scalar_one()
        return UnitInfo(unit.id, unit.name, unit.kind, unit.active, users)


def set_user_unit(db: Database, actor: Actor, user_id: int, unit_id: int | None) -> None:
    """Place a user in a unit (None: the office itself). An administrator works for the office."""
    require(actor, Role.ADMIN, action="设置用户所属单位")
    with writing(db, actor) as tx:
        user = tx.session.get(User, user_id)
        if user is None:
            raise UserError("用户不存在")
        name = ""
        if unit_id is not None:
            unit = tx.session.get(Unit, unit_id)
            if unit is None or not unit.active:
                raise UserError("承办单位不存在或已停用", field="unit")
            if Role.ADMIN in {r for r in user.roles.split(",") if r}:
                raise UserError("管理员属于办公室本身,不能设在承办单位;请先取消其管理员角色", field="unit")
            name = unit.name
        before = {"unit_id": user.unit_id}
        user.unit_id = unit_id
        tx.event("user_unit_changed", before=before,
                 after={"login": user.login, "unit_id": unit_id, "unit": name or "办公室"})
