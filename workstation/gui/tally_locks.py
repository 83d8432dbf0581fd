"""锁定记录 on the tally screen: the periods a head or administrator locked once their tables were
reported or published, with the figures locked; a double click shows the period."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from workstation.domain.tally import Period
from workstation.services.tally import LockInfo

from .widgets import Column, ListModel


def local_time(utc_text: str) -> str:
    """A lock's time (stored as UTC) as the clerk's clock shows it."""
    try:
        moment = datetime.strptime(utc_text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone()
    except ValueError:
        return utc_text
    return moment.strftime("%Y-%m-%d %H:%M")


def _figure(lock: LockInfo, row: str) -> str:
    value = lock.figures.get("table3", {}).get(row, {}).get("total")
    return "" if value is None else str(value)


LOCK_COLUMNS = (
    Column("统计期间", lambda lk: Period(lk.start, lk.end).label),
    Column("起止日期", lambda lk: f"{lk.start.isoformat()} 至 {lk.end.isoformat()}", Qt.AlignmentFlag.AlignHCenter),
    Column("锁定时间", lambda lk: local_time(lk.locked_at), Qt.AlignmentFlag.AlignHCenter),
    Column("新收", lambda lk: _figure(lk, "new"), Qt.AlignmentFlag.AlignHCenter),
    Column("办结", lambda lk: _figure(lk, "total"), Qt.AlignmentFlag.AlignHCenter),
    Column("结转下期", lambda lk: _figure(lk, "carried_out"), Qt.AlignmentFlag.AlignHCenter),
)


class LocksPage(QWidget):
    """The list of locked periods; ``period_chosen`` when the clerk double-clicks one."""

    period_chosen = Signal(object)  # Period

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ListModel(LOCK_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        metrics = self.table.fontMetrics()
        for i, sample in enumerate(("2026年1月1日至2026年12月31日", "2026-00-00 至 2026-00-00", "2026-00-00 00:00",
                                    "000000", "000000", "结转下期00")):
            self.table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 28)
        self.table.doubleClicked.connect(self._chosen)
        hint = QLabel("已报送或公开的期间由负责人或管理员锁定。锁定后,会改变该期间数字的登记、办结等操作将被拒绝,"
                      "只能以“更正”的方式登记并说明理由。双击一行查看该期间。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.no_locks = QLabel("尚未锁定任何统计期间。")
        self.no_locks.setObjectName("countLabel")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(hint)
        box.addWidget(self.no_locks)
        box.addWidget(self.table, 1)

    def set_locks(self, locks: list[LockInfo]) -> None:
        self.model.set_rows(locks)
        self.no_locks.setVisible(not locks)

    def _chosen(self, index: QModelIndex) -> None:
        lock: LockInfo = self.model.row_object(index.row())
        self.period_chosen.emit(Period(lock.start, lock.end))
