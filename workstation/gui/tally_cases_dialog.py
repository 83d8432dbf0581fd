"""统计数字背后的申请: the requests counted in one cell of table 三; double-click (or Enter) opens a case."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.results import APPLICANT_KINDS_BY_KEY
from workstation.services.cases import CaseSummary

from .widgets import Column, Label, ListModel, enter_shortcut, fit_resize, iso

CENTRE = Qt.AlignmentFlag.AlignHCenter
COLUMNS = (
    Column("受理编号", lambda c: c.number),
    Column("申请人", lambda c: c.applicant_name),
    Column("申请人类型", lambda c: APPLICANT_KINDS_BY_KEY[c.applicant_kind].label
           if c.applicant_kind in APPLICANT_KINDS_BY_KEY else c.applicant_kind),
    Column("收到日期", lambda c: iso(c.received), CENTRE),
    Column("办理结果", lambda c: c.result_label or "(办理中)"),
    Column("办结日期", lambda c: iso(c.closed_on), CENTRE),
    Column("状态", lambda c: c.status_label),
)
SAMPLES = ("城政依申〔2026〕第0000号", "某某县某某科技有限公司", "社会公益组织", "2026-00-00",
           "无法提供·没有现成信息需要另行制作", "2026-00-00")


class TallyCasesDialog(QDialog):
    """A list of the cases behind one number, not modal, so several can stay open beside the tally."""

    open_case = Signal(int)

    def __init__(self, title: str, cases: Sequence[CaseSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("统计数字对应的申请")
        self.model = ListModel(COLUMNS, tooltip=lambda c: c.content, parent=self)
        self.model.set_rows(cases)

        self.heading = heading = Label(title)
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = Label(f"共 {len(cases)} 件。双击一行(或选中后按回车)打开该申请。")
        self.count_label.setObjectName("hint")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for i, sample in enumerate(SAMPLES):
            self.table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 24)
        self.table.doubleClicked.connect(self._activated)
        enter_shortcut(self.table, self._open_current)

        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        width = sum(self.table.columnWidth(i) for i in range(len(COLUMNS))) + 80
        fit_resize(self, min(max(width, 760), 1200), 480)

    def case_ids(self) -> list[int]:
        return [self.model.row_object(r).id for r in range(self.model.rowCount())]

    def _activated(self, index: QModelIndex) -> None:
        self.open_case.emit(self.model.row_object(index.row()).id)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)
