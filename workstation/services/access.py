"""Who may see which request: a unit's users see only the requests handed to their unit (row-level access).

Every read and write of a request goes through here: the register's queries add ``scope`` to their WHERE,
the services that find one request call ``check_reach``. The office's users (and code acting for the
system) see every request.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from workstation.domain.handover import HandoverStatus
from workstation.services.base import Actor, PermissionDenied
from workstation.store.models import Handover, Request

# A unit sees a request while it works on it or its draft waits or was taken (not once it sent it back
# or the office took it back).
VISIBLE = tuple(s.value for s in HandoverStatus if s.active)

NOT_YOURS = "该申请未交由本单位办理,不能查看或办理;如需办理请联系办公室转办。"


def unit_requests(unit_id: int) -> Select:
    """The ids of the requests a unit may see."""
    return select(Handover.request_id).where(Handover.unit_id == unit_id, Handover.status.in_(VISIBLE))


def scope(viewer: Actor | None) -> ColumnElement[bool] | None:
    """The WHERE clause on Request that limits a unit's user to their unit's requests (None: no limit)."""
    if viewer is None or viewer.unit_id is None:
        return None
    return Request.id.in_(unit_requests(viewer.unit_id))


def scoped(q: Select, viewer: Actor | None) -> Select:
    clause = scope(viewer)
    return q if clause is None else q.where(clause)


def may_reach(session: Session, viewer: Actor | None, request_id: int) -> bool:
    if viewer is None or viewer.unit_id is None:
        return True
    return session.execute(unit_requests(viewer.unit_id).where(Handover.request_id == request_id)
                           .limit(1)).first() is not None


def check_reach(session: Session, viewer: Actor | None, request_id: int) -> None:
    """Refuse a unit's user a request not handed to their unit."""
    if not may_reach(session, viewer, request_id):
        raise PermissionDenied(NOT_YOURS)
