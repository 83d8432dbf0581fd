"""Period locks (锁定): a reported period's figures may not change silently."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.errors import UserError
from workstation.store.models import PeriodLock


class PeriodLocked(UserError):
    pass


def check_not_locked(session: Session, days: Iterable[date | None], *, what: str) -> None:
    """Refuse a change whose dates fall in a locked period."""
    for day in days:
        if day is None:
            continue
        lock = session.execute(
            select(PeriodLock).where(PeriodLock.start <= day, PeriodLock.end >= day).limit(1)
        ).scalar_one_or_none()
        if lock is not None:
            raise PeriodLocked(
                f"{lock.start.isoformat()}至{lock.end.isoformat()}的统计已锁定(已报送或公开),"
                f"不能{what}。如确需更正,请由负责人以“更正已锁定期间”的方式登记并说明理由。"
            )
