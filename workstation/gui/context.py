"""What every window is handed: the database, the signed-in user, the worker and "today".

There is no global state besides the QApplication: this object is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal

from workstation.domain.status import Role
from workstation.services.base import Actor
from workstation.services.users import UserInfo
from workstation.store.database import Database

from .remembered import Remembered
from .worker import TaskRunner


@dataclass(frozen=True)
class Change:
    """What a write changed, so that each open view reads again only when it is concerned."""

    cases: frozenset[int] | None = None  # the requests whose own page changed; None: any of them
    register: bool = True  # the requests' rows, counts or due dates (the register, the dashboard)

    def concerns(self, case_id: int) -> bool:
        return self.cases is None or case_id in self.cases

    @staticmethod
    def of_case(case_id: int, *, register: bool = True) -> Change:
        return Change(frozenset({case_id}), register)


EVERYTHING = Change()  # the calendar, the settings, an import, a restore: every view reads again


class AppContext(QObject):
    """The open register and who is working on it.

    ``changed`` is emitted after every write with what it changed (a ``Change``)
    so that the open views concerned read again.
    ``background_db`` is a second handle on the same engine for the worker
    thread: it has its own cache (settings, calendar), so the GUI thread and
    the worker never share a half-built calendar index.
    """

    changed = Signal(object)  # a Change

    def __init__(self, db: Database, user: UserInfo, *, tasks: TaskRunner | None = None,
                 today: Callable[[], date] = date.today, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.today = today
        self.tasks = tasks or TaskRunner(self)
        self.background_db = Database(db.engine, path=db.path)
        self.remembered = Remembered(user.login)

    @property
    def actor(self) -> Actor:
        return self.user.actor()

    def has(self, *roles: Role) -> bool:
        return bool(self.user.roles & set(roles))

    @property
    def location(self) -> str:
        """Where the register lives, as shown to the user (passwords hidden)."""
        if self.db.path is not None:
            return str(self.db.path)
        return self.db.engine.url.render_as_string(hide_password=True)

    def data_changed(self, *caches: str, change: Change = EVERYTHING) -> None:
        """After a write: drop derived data in both handles and tell the views what changed."""
        for db in (self.db, self.background_db):
            for name in caches or tuple(db.cache):
                db.cache.pop(name, None)
        self.changed.emit(change)

    def role_text(self) -> str:
        return "、".join(r.label for r in Role if r in self.user.roles)
