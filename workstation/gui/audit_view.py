"""审计: the office's whole history (who did what, when), filtered, and the check of the hash chain."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.services import audit, cases
from workstation.services.audit import AuditFilter, AuditRow, ChainReport
from workstation.services.base import Actor
from workstation.services.cases import ACTION_LABELS, TimelineEntry

from .context import AppContext
from .timeline_text import describe
from .widgets import Label, PageCache, date_edit, error_label, plain_tip, show_error, to_date
from .worker import LatestQuery

PAGE = 200
MAX_PAGES = 20
NO_DATE = date(2000, 1, 1)  # the date fields' "不限"
# Events that belong to no case (the case timeline never shows them).
OFFICE_ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "settings_changed": "修改设置",
    "user_created": "新建用户",
    "user_roles_changed": "修改用户角色",
    "password_changed": "修改本人密码",
    "password_reset": "重置密码",
    "holidays_imported": "导入节假日安排",
    "calendar_override": "调整工作日",
    "period_locked": "锁定统计期",
    "ledger_imported": "导入台账",
    "unit_created": "新建承办单位",
    "unit_changed": "修改承办单位",
    "user_unit_changed": "设置用户所属单位",
}
AUDIT_LABELS = {**ACTION_LABELS, **OFFICE_ACTIONS}
COLUMNS = ("序号", "时间", "操作人", "事项", "受理编号", "内容")


def action_label(action: str) -> str:
    return AUDIT_LABELS.get(action, action)


def _entry(row: AuditRow) -> TimelineEntry:
    return TimelineEntry(row.seq, "", row.actor, row.action, action_label(row.action), row.effective_on,
                         row.before, row.after, row.note)


def _cell(row: AuditRow, column: int) -> str:
    if column == 0:
        return str(row.seq)
    if column == 1:
        return row.at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if column == 2:
        return row.actor
    if column == 3:
        return action_label(row.action)
    if column == 4:
        return row.case_number
    return describe(_entry(row))


class AuditModel(QAbstractTableModel):
    """A window over the filtered events, newest first: the count is known, pages are read when shown."""

    def __init__(self, db: Any, viewer: Actor, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = AuditFilter()
        self._count = 0
        self._pages: PageCache[AuditRow] = PageCache(
            lambda page_no: audit.list_events(self._db, where=self._filter, offset=page_no * PAGE, limit=PAGE, viewer=viewer),
            PAGE, MAX_PAGES)

    @property
    def fetches(self) -> int:
        return self._pages.fetches

    def set_window(self, where: AuditFilter, count: int) -> None:
        self.beginResetModel()
        self._filter, self._count = where, count
        self._pages.clear()
        self.endResetModel()

    def audit_row(self, row: int) -> AuditRow:
        return self._pages.row(row)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(self.audit_row(index.row()), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == len(COLUMNS) - 1:
            return plain_tip(describe(_entry(self.audit_row(index.row()))))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            centred = index.column() in (0, 1)
            flag = Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
            return int(flag | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class AuditView(QWidget):
    """Filters (user, dates, action, case number) over the paged history; the chain check runs in the worker."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = LatestQuery(ctx.tasks, self, label="正在读取审计记录……")
        self.loading = False
        self.model = AuditModel(ctx.db, ctx.actor, self)

        self.actor_filter = QComboBox()
        self.action_filter = QComboBox()
        for combo in (self.actor_filter, self.action_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.date_from = date_edit(NO_DATE, minimum=NO_DATE, special="不限")
        self.date_to = date_edit(NO_DATE, minimum=NO_DATE, special="不限")
        self.case_filter = QLineEdit()
        self.case_filter.setPlaceholderText("受理编号(完整),回车筛选")
        self.case_filter.setClearButtonEnabled(True)
        self.clear_button = QPushButton("清除筛选")
        self.verify_button = QPushButton("校验审计链")
        self.verify_button.setToolTip("逐条重新计算哈希,检查审计记录有没有被改动、插入或删除")
        self.count_label = Label()
        self.count_label.setObjectName("countLabel")
        self.chain_label = Label()
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_label.hide()
        self.error = error_label()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for i, sample in enumerate(("000000", "2026-00-00 00:00:00", "王某某某某", "收到补正(重新起算)",
                                    "城政依申〔2026〕第0000号")):
            self.table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 24)

        row1 = QHBoxLayout()
        for caption, widget in (("操作人", self.actor_filter), ("事项", self.action_filter),
                                ("日期 从", self.date_from), ("至", self.date_to), ("受理编号", self.case_filter)):
            row1.addWidget(Label(caption))
            row1.addWidget(widget, 1 if widget is self.case_filter else 0)
        row1.addWidget(self.clear_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.count_label)
        row2.addStretch(1)
        row2.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.chain_label)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

        self.actor_filter.addItem("全部", None)
        self.action_filter.addItem("全部", None)
        for combo in (self.actor_filter, self.action_filter):
            combo.currentIndexChanged.connect(self.reload)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.reload)
        self.case_filter.returnPressed.connect(self.reload)
        self.case_filter.textChanged.connect(lambda text: self.reload() if not text else None)
        self.clear_button.clicked.connect(self.clear_filters)
        self.verify_button.clicked.connect(self.verify)
        ctx.changed.connect(self.reload)
        self.reload()

    # -- filters ------------------------------------------------------------------
    def _fill_choices(self, actors: list[str], actions: list[str]) -> None:
        """Who and what the trail holds; the current choices are kept when the lists grow."""
        for combo, values, label in ((self.actor_filter, actors, str), (self.action_filter, actions, action_label)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("全部", None)
            for value in sorted(values, key=label):
                combo.addItem(label(value), value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def clear_filters(self) -> None:
        widgets = (self.actor_filter, self.action_filter, self.date_from, self.date_to, self.case_filter)
        for w in widgets:
            w.blockSignals(True)
        self.actor_filter.setCurrentIndex(0)
        self.action_filter.setCurrentIndex(0)
        for edit in (self.date_from, self.date_to):
            edit.setDate(edit.minimumDate())
        self.case_filter.clear()
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def _dates(self) -> tuple[date | None, date | None]:
        start, end = to_date(self.date_from.date()), to_date(self.date_to.date())
        return (None if start == NO_DATE else start), (None if end == NO_DATE else end)

    # -- loading ------------------------------------------------------------------
    def reload(self) -> None:
        """Count the matching events in the background; a newer query makes an older answer stale."""
        start, end = self._dates()
        actor, action = self.actor_filter.currentData(), self.action_filter.currentData()
        number = self.case_filter.text().strip()
        db = self.ctx.background_db
        self.loading = True
        self.count_label.setText("正在读取……")

        def query(_progress: object) -> tuple[AuditFilter, int, list[str], list[str]]:
            request_id = cases.find_by_number(db, number).id if number else None
            where = AuditFilter(actor=actor, action=action, start=start, end=end, request_id=request_id)
            count, newest = audit.count_events(db, where)
            return (AuditFilter(actor, action, start, end, request_id, newest), count, audit.event_actors(db),
                    audit.event_actions(db))

        self.query.run(query, lambda result: self._loaded(*result), on_error=self._failed)

    def _loaded(self, where: AuditFilter, count: int, actors: list[str], actions: list[str]) -> None:
        self.loading = False
        show_error(self.error, "")
        self._fill_choices(actors, actions)
        self.model.set_window(where, count)
        self.count_label.setText(f"共 {count} 条记录")

    def _failed(self, exc: UserError) -> None:
        self.loading = False
        self.model.set_window(AuditFilter(), 0)
        self.count_label.setText("")
        show_error(self.error, exc.message)

    # -- the chain ----------------------------------------------------------------
    def verify(self) -> None:
        db = self.ctx.background_db
        self.verify_button.setEnabled(False)
        self.chain_label.hide()
        self.ctx.tasks.run(lambda _p: audit.verify_chain(db), on_done=self._verified,
                           on_error=self._verify_failed, label="正在校验审计链……", parent=self)

    def _verified(self, report: ChainReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            text, colour = report.text(), "#1e4620"
        else:
            lines = "\n".join(f"· {p}" for p in report.problems[:50])
            more = f"\n……另有 {len(report.problems) - 50} 处" if len(report.problems) > 50 else ""
            text = (f"审计记录校验失败:共 {report.events} 条记录,发现 {len(report.problems)} 处问题。"
                    f"请立即报告负责人,并保留数据库文件。\n{lines}{more}")
            colour = "#b3261e"
        self.chain_label.setText(text)
        self.chain_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.chain_label.show()

    def _verify_failed(self, exc: UserError) -> None:
        self.verify_button.setEnabled(True)
        show_error(self.error, exc.message)
