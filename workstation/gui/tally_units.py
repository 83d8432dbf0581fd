"""统计 → 按承办单位: for the period chosen, how many requests each unit was handed, sent back, answered by
draft, on time or late, and how many are still going (services.handover.unit_tally; a unit sees its own).

Outside the official tables 三 and 四: the office's own supervision figure. Shown only when units exist.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workstation.domain.tally import Period
from workstation.services import handover, units
from workstation.services.base import Actor
from workstation.services.handover import UnitTally
from workstation.store.database import Database

from .context import AppContext
from .list_table import list_table
from .widgets import Column, Label, ListModel
from .worker import LatestQuery

CENTRE = Qt.AlignmentFlag.AlignHCenter
COUNTS = (("转办", "handed"), ("退回", "returned"), ("已提交草稿", "submitted"), ("按期", "on_time"),
          ("超过内部期限", "late"), ("办理中", "going"))


def load_unit_tally(db: Database, viewer: Actor, start: date, end: date) -> list[UnitTally] | None:
    """On the worker: None in an office without units (the tab is then not shown)."""
    if not viewer.in_unit and not units.has_units(db):
        return None
    return handover.unit_tally(db, viewer, start, end)


class UnitTallyPage(QWidget):
    """The table by unit and a line of totals; ``available`` says whether the tab should show."""

    available = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[UnitTally] | None = None
        self.query = LatestQuery(ctx.tasks, self)
        self.model = ListModel([
            Column("承办单位", lambda t: t.unit),
            *(Column(title, lambda t, k=key: str(getattr(t, k)), CENTRE) for title, key in COUNTS),
        ], parent=self)
        self.table = list_table(self.model, (220, *(100,) * (len(COUNTS) - 1)))
        self.title = Label()
        self.title.setObjectName("sectionTitle")
        self.totals = Label()
        self.totals.setObjectName("hint")
        self.totals.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

    def load(self, period: Period) -> None:
        db, viewer = self.ctx.background_db, self.ctx.actor
        self.query.run(lambda _p: load_unit_tally(db, viewer, period.start, period.end),
                       lambda rows: self._show(period, rows))

    def _show(self, period: Period, rows: list[UnitTally] | None) -> None:
        self.rows = rows
        self.available.emit(rows is not None)
        if rows is None:
            return
        self.model.set_rows(rows)
        self.title.setText(f"{period.label}各承办单位转办办理情况(表外统计,按转办日期计入本期)")
        sums = {key: sum(getattr(t, key) for t in rows) for _title, key in COUNTS}
        self.totals.setText("合计:" + ",".join(f"{title} {sums[key]} 件" for title, key in COUNTS)
                            + "。按期:在内部办理期限前提交答复草稿。" if rows else f"{period.label}没有转办。")
