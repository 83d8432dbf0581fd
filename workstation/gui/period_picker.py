"""统计期间: the picker of the tally screen, a year, quarter, month or any dates (自定义期间)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from workstation.domain.tally import Period

from .widgets import date_edit, to_date, to_qdate

MODES = (("year", "年度"), ("quarter", "季度"), ("month", "月份"), ("range", "自定义期间"))
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


class PeriodPicker(QWidget):
    """The kind of period and its fields; ``changed`` when the clerk picks another period."""

    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: Period | None = None  # the period on screen: 自定义期间 starts from its dates
        self.mode = QComboBox()
        for key, label in MODES:
            self.mode.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.year.setKeyboardTracking(False)  # a typed year counts once it is complete (Enter or leaving the field)
        self.quarter = QComboBox()
        self.quarter.addItems(QUARTERS)
        self.quarter.setCurrentIndex((today.month - 1) // 3)
        self.month = QComboBox()
        self.month.addItems([f"{m}月" for m in range(1, 13)])
        self.month.setCurrentIndex(today.month - 1)
        self.date_from = date_edit(date(today.year, 1, 1))
        self.date_to = date_edit(today)
        for edit in (self.date_from, self.date_to):
            edit.setKeyboardTracking(False)
        self.to_label = QLabel("至")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("统计期间"))
        for w in (self.mode, self.year, self.quarter, self.month, self.date_from, self.to_label, self.date_to):
            row.addWidget(w)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        for signal in (self.year.valueChanged, self.quarter.currentIndexChanged, self.month.currentIndexChanged,
                       self.date_from.dateChanged, self.date_to.dateChanged):
            signal.connect(self.changed)
        self._show_mode_fields()

    def _show_mode_fields(self) -> None:
        mode = self.mode.currentData()
        self.year.setVisible(mode != "range")
        self.quarter.setVisible(mode == "quarter")
        self.month.setVisible(mode == "month")
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(mode == "range")

    def _mode_changed(self) -> None:
        if self.mode.currentData() == "range" and self.shown is not None:
            for edit, day in ((self.date_from, self.shown.start), (self.date_to, self.shown.end)):
                edit.blockSignals(True)
                edit.setDate(to_qdate(day))
                edit.blockSignals(False)
        self._show_mode_fields()
        self.changed.emit()

    def chosen_period(self) -> Period:
        """The period the picker says; a UserError if it makes no sense (e.g. the end before the start)."""
        mode, year = self.mode.currentData(), self.year.value()
        if mode == "year":
            return Period.year(year)
        if mode == "quarter":
            return Period.quarter(year, self.quarter.currentIndex() + 1)
        if mode == "month":
            return Period.month(year, self.month.currentIndex() + 1)
        return Period(to_date(self.date_from.date()), to_date(self.date_to.date()))

    def set_period(self, period: Period) -> None:
        """Show ``period`` (as a year, quarter or month where it is one) without saying ``changed``."""
        widgets = (self.mode, self.year, self.quarter, self.month, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        y = period.start.year
        mode = "range"
        if period == Period.year(y):
            mode = "year"
        elif period.start.year == period.end.year and any(period == Period.quarter(y, q) for q in range(1, 5)):
            mode = "quarter"
            self.quarter.setCurrentIndex((period.start.month - 1) // 3)
        elif period == Period.month(y, period.start.month):
            mode = "month"
            self.month.setCurrentIndex(period.start.month - 1)
        self.mode.setCurrentIndex(self.mode.findData(mode))
        self.year.setValue(y)
        self.date_from.setDate(to_qdate(period.start))
        self.date_to.setDate(to_qdate(period.end))
        for w in widgets:
            w.blockSignals(False)
        self._show_mode_fields()
