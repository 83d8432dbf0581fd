"""台账: every request, filtered and sorted by the database, shown a page at a time."""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QPoint, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProxyStyle,
    QPushButton,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.results import APPLICANT_KINDS, GROUP_SHORT, RESULT_GROUPS, RESULTS
from workstation.files import safe_file_stem
from workstation.services import queries, register_export
from workstation.services.base import office_settings
from workstation.services.cases import CaseSummary
from workstation.services.gui_queries import due_soon_limit
from workstation.services.privacy import may_reveal_ids
from workstation.services.queries import CaseFilter
from workstation.services.register_export import ID_COLUMN

from . import file_dialogs
from .context import AppContext, Change
from .register_model import COLUMNS, PAGE, SAMPLES, RegisterModel
from .widgets import Label, date_edit, down_to, enter_shortcut, error_label, show_error, to_date
from .worker import LatestQuery, Progress

SEARCH_DELAY_MS = 300


class ExcelSortArrows(QProxyStyle):
    """Sort arrows as a clerk knows them from Excel and the file manager: ▲ ascending, ▼ descending (Qt draws
    them the other way round). Set on the register's header only."""

    FLIP = {QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
            QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp}

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,  # noqa: N802
                      widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = self.FLIP.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)
NO_DATE = date(2000, 1, 1)  # the date fields' "不限"

# The header's layout is kept per set of columns: a version that adds or renames a column starts from its defaults.
HEADER_KEY = f"register/header/{zlib.crc32('|'.join(c.title for c in COLUMNS).encode()):08x}"


class RegisterView(QWidget):
    """Filters over a lazily paged table; double-click (or Enter) opens a case."""

    open_case = Signal(int)
    loaded = Signal(int)  # rows shown after a (re)load

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = LatestQuery(ctx.tasks, self, label="正在读取台账……")
        self._sort = ("received", True)
        self.loading = False
        self.model = RegisterModel(lambda ids: queries.fetch_cases(ctx.db, ids, viewer=ctx.actor), self)
        self.model.sort_requested.connect(self._sort_by)

        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索受理编号、申请人、所需信息(Ctrl+F)")
        self.search.setToolTip("输入后稍停即开始搜索。右键点击表头可以显示或隐藏列。")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(queries.MAX_SEARCH)
        self.view_filter = QComboBox()
        for key, label in queries.VIEWS.items():
            self.view_filter.addItem(label, key)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("全部申请人", None)
        for kind in APPLICANT_KINDS:
            self.kind_filter.addItem(kind.label, kind.key)
        self.result_filter = QComboBox()
        self.result_filter.addItem("全部办理结果", None)
        for group in RESULT_GROUPS:
            self.result_filter.addItem(GROUP_SHORT[group], group)
            for r in RESULTS:
                if r.group == group and r.row is not None:
                    self.result_filter.addItem("    " + r.row, r.key)
        for combo in (self.view_filter, self.kind_filter, self.result_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.result_filter.setMinimumContentsLength(12)
        self.received_from = date_edit(NO_DATE, minimum=NO_DATE, special="不限")
        self.received_to = date_edit(NO_DATE, minimum=NO_DATE, special="不限")
        self.clear_button = QPushButton("清除筛选")
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("把筛选出的全部申请(不只是这一页)按现在显示的列导出为 Excel 台账")
        self.exporting = False
        self.count_label = Label()
        self.count_label.setObjectName("countLabel")
        self.error = error_label()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        metrics = self.table.fontMetrics()
        for i, sample in enumerate(SAMPLES):
            self.table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 18)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnHidden(i, not column.shown)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.header_style = ExcelSortArrows()  # kept: a widget does not own the style it is given
        header.setStyle(self.header_style)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.table.doubleClicked.connect(self._activated)
        enter_shortcut(self.table, self._open_current)
        down_to(self.search, self._to_rows)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)

        row1 = QHBoxLayout()
        row1.addWidget(self.search, 1)
        row1.addWidget(Label("状态"))
        row1.addWidget(self.view_filter)
        row1.addWidget(Label("申请人类型"))
        row1.addWidget(self.kind_filter)
        row1.addWidget(Label("办理结果"))
        row1.addWidget(self.result_filter)
        row2 = QHBoxLayout()
        row2.addWidget(Label("收到日期 从"))
        row2.addWidget(self.received_from)
        row2.addWidget(Label("至"))
        row2.addWidget(self.received_to)
        row2.addWidget(self.clear_button)
        row2.addWidget(self.export_button)
        row2.addStretch(1)
        row2.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.view_filter, self.kind_filter, self.result_filter):
            combo.currentIndexChanged.connect(self.reload)
        for edit in (self.received_from, self.received_to):
            edit.dateChanged.connect(self.reload)
        self.clear_button.clicked.connect(lambda: self.clear_filters())
        self.export_button.clicked.connect(self.export)
        ctx.changed.connect(self._changed)
        self._restore_layout()
        for signal in (header.sectionResized, header.sectionMoved):
            signal.connect(lambda *_: self._save_layout())
        self.reload()

    # -- remembered layout (columns, widths, sort), per user ---------------------------
    def _to_rows(self) -> None:
        """Down from the search box: on to the rows, the first one chosen if none was."""
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(0)

    def _restore_layout(self) -> None:
        header = self.table.horizontalHeader()
        saved = self.ctx.remembered.get(HEADER_KEY)
        if not isinstance(saved, QByteArray) or not header.restoreState(saved):
            return
        key = COLUMNS[header.sortIndicatorSection()].sort_key if 0 <= header.sortIndicatorSection() < len(
            COLUMNS) else None
        if key:
            self._sort = (key, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)

    def _save_layout(self) -> None:
        self.ctx.remembered.put(HEADER_KEY, self.table.horizontalHeader().saveState())

    # -- filters ------------------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        start, end = to_date(self.received_from.date()), to_date(self.received_to.date())
        return CaseFilter(
            view=self.view_filter.currentData(),
            received_from=None if start == NO_DATE else start,
            received_to=None if end == NO_DATE else end,
            applicant_kind=self.kind_filter.currentData(),
            result_key=self.result_filter.currentData(),
            search=self.search.text(),
        )

    def set_view(self, view: str) -> None:
        """Show one of the dashboard's lists (e.g. "overdue") with the other filters cleared."""
        self.clear_filters(reload=False)
        self.view_filter.setCurrentIndex(self.view_filter.findData(view))
        self.reload()

    def clear_filters(self, reload: bool = True) -> None:
        widgets = (self.search, self.view_filter, self.kind_filter, self.result_filter, self.received_from,
                   self.received_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for combo in (self.view_filter, self.kind_filter, self.result_filter):
            combo.setCurrentIndex(0)
        for edit in (self.received_from, self.received_to):
            edit.setDate(edit.minimumDate())
        for w in widgets:
            w.blockSignals(False)
        self._debounce.stop()
        if reload:
            self.reload()

    # -- loading ------------------------------------------------------------------
    def _changed(self, change: Change) -> None:
        if change.register:
            self.reload()

    def reload(self) -> None:
        """Query the ids in the background; a newer query makes an older answer stale."""
        self._debounce.stop()
        f = self.current_filter()
        key, descending = self._sort
        db, today, viewer = self.ctx.background_db, self.ctx.today(), self.ctx.actor
        self.loading = True
        self.count_label.setText("正在读取……")

        def query(_progress: object) -> tuple[list[int], date, date, list[CaseSummary]]:
            ids = queries.list_case_ids(db, f, sort=key, descending=descending, today=today, viewer=viewer)
            first = queries.fetch_cases(db, ids[:PAGE], viewer=viewer)  # shown at once: read here, not on the GUI thread
            return ids, today, due_soon_limit(db, today), first

        self.query.run(query, lambda result: self._loaded(*result), on_error=self._failed)

    def _loaded(self, ids: list[int], today: date, soon: date, first: list[CaseSummary] | None = None) -> None:
        show_error(self.error, "")
        selected = self.selected_case_id()
        self.model.set_ids(ids, today, soon, first)
        self.loading = False
        self.count_label.setText(f"共 {len(ids)} 件")
        if selected is not None and (row := self.model.row_of(selected)) >= 0:
            self.table.selectRow(row)
        self.loaded.emit(len(ids))

    # -- export -------------------------------------------------------------------
    def shown_columns(self) -> list[str]:
        """The titles of the columns on screen, in their on-screen order."""
        header = self.table.horizontalHeader()
        order = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return [COLUMNS[i].title for i in order if not self.table.isColumnHidden(i)]

    def ask_reveal(self, columns: list[str]) -> bool | None:
        """Whether to export full ID numbers (only asked of roles that may); None: cancelled."""
        if ID_COLUMN not in columns or not may_reveal_ids(self.ctx.actor):
            return False
        box = QMessageBox(QMessageBox.Icon.Question, "导出台账",
                          "导出的台账含申请人的个人信息。证件号码如何导出?\n完整导出的文件请妥善保管,"
                          "导出记录会留在审计记录中。", parent=self)
        masked = box.addButton("隐去中间部分(推荐)", QMessageBox.ButtonRole.AcceptRole)
        whole = box.addButton("完整导出", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(masked)
        box.exec()
        clicked = box.clickedButton()
        return None if clicked not in (masked, whole) else clicked is whole

    def export_path(self) -> Path | None:
        office = office_settings(self.ctx.db).office_name
        name = safe_file_stem(f"{office}政府信息公开申请登记台账{self.ctx.today():%Y%m%d}")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen = file_dialogs.save_file_name(self, "导出台账", str(Path(folder) / f"{name}.xlsx"),
                                             "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx")

    def export(self) -> None:
        """Ask how and where, then write every filtered row on the worker, with progress."""
        if self.exporting or self.loading:
            return
        if self.model.rowCount() == 0:
            show_error(self.error, "没有符合筛选条件的申请,无需导出。")
            return
        columns = self.shown_columns()
        reveal = self.ask_reveal(columns)
        if reveal is None:
            return
        path = self.export_path()
        if path is None:
            return
        self.start_export(path, columns, reveal)

    def start_export(self, path: Path, columns: list[str], reveal: bool) -> None:
        db, actor, f, today = self.ctx.background_db, self.ctx.actor, self.current_filter(), self.ctx.today()
        key, descending = self._sort

        def job(progress: Progress) -> register_export.RegisterExport:
            return register_export.export_register(db, actor, f, path, columns=columns, sort=key,
                                                   descending=descending, reveal_ids=reveal, today=today,
                                                   progress=progress.report)

        self.exporting = True
        self.export_button.setEnabled(False)
        show_error(self.error, "")
        self.ctx.tasks.run(job, on_done=self._exported, on_error=self._export_failed,
                           label="正在导出台账……", parent=self)

    def _exported(self, done: register_export.RegisterExport) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        self.count_label.setText(f"已导出 {done.rows} 件到 {done.path.name}")
        self.count_label.setToolTip(str(done.path))

    def _export_failed(self, exc: Exception) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        show_error(self.error, str(exc))

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.count_label.setText("")
        show_error(self.error, str(exc))

    def _sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        if COLUMNS[section].sort_key is None:  # keep the indicator on the column that really sorts
            header = self.table.horizontalHeader()
            column = next(i for i, c in enumerate(COLUMNS) if c.sort_key == self._sort[0])
            previous = Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            header.blockSignals(True)
            header.setSortIndicator(column, previous)
            header.blockSignals(False)
            return
        self.model.sort(section, order)

    def _sort_by(self, key: str, descending: bool) -> None:
        self._sort = (key, descending)
        self._save_layout()
        self.reload()

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for i, column in enumerate(COLUMNS):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(i))
            action.toggled.connect(lambda on, i=i: (self.table.setColumnHidden(i, not on), self._save_layout()))
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    # -- opening --------------------------------------------------------------------
    def selected_case_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.case_id(rows[0].row()) if rows else None

    def _activated(self, index: QModelIndex) -> None:
        self.open_case.emit(self.model.case_id(index.row()))

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)
