"""统计: tables 三 and 四 for a year, quarter, month or any dates, laid out as printed; the monthly
trend; exports; the requests behind each number; and the period locks (锁定) of reported periods.

The tables are the printed grids of workstation/reports/tables.py shown in a QTableView with the
same spans, so the screen and the paper never disagree. Counting runs on the worker; QtCharts is
imported only when the trend tab is first opened.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.results import RESULT_GROUPS, RESULTS, TALLY_COLUMNS
from workstation.domain.status import Role
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    GROUP_ROWS,
    ROW_KEYS,
    Period,
    TallyResult,
    column_label,
    row_label,
)
from workstation.files import safe_file_stem
from workstation.reports import FORMATS, Export, check_exportable
from workstation.reports.tables import (
    TABLE3_TITLE,
    TABLE4_TITLE,
    Cell,
    Grid,
    table3_grid,
    table4_grid,
)
from workstation.services import queries
from workstation.services import tally as tally_service
from workstation.services.audit import ANCHOR_SUFFIX
from workstation.services.base import get_settings
from workstation.services.cases import CaseSummary
from workstation.services.tally import LockInfo

from .backup_dialog import ask
from .context import AppContext
from .tally_cases_dialog import COLUMNS as CASE_COLUMNS
from .tally_cases_dialog import SAMPLES as CASE_SAMPLES
from .tally_cases_dialog import TallyCasesDialog
from .widgets import (
    MUTED_TEXT,
    SOON_BACK,
    SOON_TEXT,
    Column,
    ListModel,
    date_edit,
    enter_shortcut,
    error_label,
    show_error,
    to_date,
    to_qdate,
)
from .worker import Progress

MODES = (("year", "年度"), ("quarter", "季度"), ("month", "月份"), ("range", "自定义期间"))
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
EXPORT_BUTTONS = (("xlsx", "XLSX"), ("pdf", "PDF"), ("csv", "CSV"), ("json", "JSON"), ("docx", "年度报告(.docx)"))
FILE_FILTERS = {
    "xlsx": "Excel 工作簿 (*.xlsx)",
    "pdf": "PDF 文件 (*.pdf)",
    "csv": "CSV 文件 (*.csv)",
    "json": "JSON 文件 (*.json)",
    "docx": "Word 文档 (*.docx)",
}
SHOWN_PROBLEMS = 50
SUMMARY_ROWS = ("new", "carried_in", "total", "carried_out")
TALL_SPAN = 10  # rows a label may span and still be centred in them

# Shading on screen only (paper has none): headers, the four summary rows, and the result groups set apart.
HEADER_BACK = QColor("#eceff1")
SUMMARY_BACK = QColor("#e8f0fe")
GROUP_LABEL_BACK = QColor("#f1f3f4")
BAND_BACK = QColor("#f8f9fa")
GRID_LINE = "#9aa0a6"

# The result groups by the category they print as (予以公开 … 其他处理), with a colour each for the chart.
GROUP_NAMES = {g: next(r.category for r in RESULTS if r.group == g) for g in RESULT_GROUPS}
GROUP_COLOURS = {"disclosed": "#1e8e3e", "partly_disclosed": "#81c995", "withheld": "#d93025",
                 "unavailable": "#f9ab00", "not_processed": "#80868b", "other": "#a142f4"}
NEW_COLOUR = "#0b57d0"
CONCLUDED_COLOUR = "#e37400"

KEY_ROLE = Qt.ItemDataRole.UserRole  # (row key, column key) of a number of table 三 / (kind, column) of table 四
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the current number of a cell
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # the result group a spanning label stands for


# --- what the worker hands back ----------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    result: TallyResult
    locks: list[LockInfo]
    problem_cases: list[CaseSummary]


@dataclass(frozen=True)
class Trend:
    """New and concluded requests per month of one year, and the concluded ones by result group."""

    year: int
    months: int  # months that have begun (12 for a past year)
    new: list[int]
    concluded: list[int]
    groups: dict[str, list[int]]


def load_tally(db: Any, period: Period) -> Loaded:
    result = tally_service.tally(db, period.start, period.end)
    problem_cases = queries.fetch_cases(db, list(result.problem_ids)) if result.problem_ids else []
    return Loaded(result, tally_service.locks(db), problem_cases)


def monthly_trend(db: Any, year: int, today: date, progress: Progress) -> Trend:
    """The twelve monthly tallies of ``year`` (only months that have begun), counted as table 三 counts."""
    months = 12 if year < today.year else (today.month if year == today.year else 0)
    new, concluded = [0] * 12, [0] * 12
    groups = {g: [0] * 12 for g in RESULT_GROUPS}
    for i in range(months):
        if progress.cancelled:
            raise UserError("已取消各月统计。再次打开“月度趋势”页即重新统计。")
        period = Period.month(year, i + 1)
        result = tally_service.tally(db, period.start, period.end)
        new[i], concluded[i] = result.cell("new"), result.cell("total")
        for g in RESULT_GROUPS:
            groups[g][i] = result.cell(g)
        progress.report(i + 1, months)
    return Trend(year, months, new, concluded, groups)


# --- the printed grids as table models ------------------------------------------------------
def table3_keys(grid: Grid, period: Period) -> tuple[dict[tuple[int, int], tuple[str, str]], dict[tuple[int, int], str]]:
    """Which row and column key each number of the grid is, found by its printed row label;
    and which result group each spanning group label stands for."""
    by_label = {row_label(key, period): key for key in ROW_KEYS}
    row_labels = {c.row: str(c.value) for c in grid.cells if c.kind == "label" and c.rowspan == 1}
    numbers = {}
    for c in grid.cells:
        if c.kind == "number":
            numbers[(c.row, c.col)] = (by_label[row_labels[c.row]], TALLY_COLUMNS[c.col - grid.label_cols])
    groups = {(c.row, c.col): by_label[str(c.value)] for c in grid.cells
              if c.kind == "label" and c.rowspan > 1 and by_label.get(str(c.value)) in GROUP_ROWS}
    return numbers, groups


def table4_keys(grid: Grid) -> dict[tuple[int, int], tuple[str, str]]:
    kinds, columns = list(APPEAL_KINDS), list(APPEAL_COLUMNS)
    return {(c.row, c.col): (kinds[c.col // len(columns)], columns[c.col % len(columns)])
            for c in grid.cells if c.kind == "number"}


def locked_value(figures: dict | None, table: str, key: tuple[str, str]) -> int | None:
    if figures is None:
        return None
    value = figures.get(table, {}).get(key[0], {}).get(key[1])
    return value if isinstance(value, int) else None


class GridModel(QAbstractTableModel):
    """The cells of a printed grid; a number that differs from its locked figure reads "locked → current"."""

    def __init__(self, table: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table  # "table3" or "table4": the key of the figures in a lock
        self.grid: Grid | None = None
        self._cells: dict[tuple[int, int], Cell] = {}
        self._keys: dict[tuple[int, int], tuple[str, str]] = {}
        self._groups: dict[tuple[int, int], str] = {}
        self._group_totals: dict[str, int] = {}
        self._row_keys: dict[int, str] = {}
        self.locked: dict[tuple[int, int], int] = {}  # only the cells whose locked figure differs

    def set_grid(self, grid: Grid, keys: dict[tuple[int, int], tuple[str, str]], *,
                 groups: dict[tuple[int, int], str] | None = None, group_totals: dict[str, int] | None = None,
                 figures: dict | None = None) -> None:
        self.beginResetModel()
        self.grid = grid
        self._cells = {(c.row, c.col): c for c in grid.cells}
        self._keys = keys
        self._groups = groups or {}
        self._group_totals = group_totals or {}
        self._row_keys = {pos[0]: key[0] for pos, key in keys.items()}
        self.locked = {}
        for pos, key in keys.items():
            before = locked_value(figures, self.table, key)
            if before is not None and before != self._cells[pos].value:
                self.locked[pos] = before
        self.endResetModel()

    def cell(self, row: int, col: int) -> Cell | None:
        return self._cells.get((row, col))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.grid.rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.grid.cols

    def text(self, cell: Cell) -> str:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return f"{self.locked[pos]} → {cell.value}"
        return str(cell.value)

    def is_bold(self, cell: Cell) -> bool:
        pos = (cell.row, cell.col)
        return (cell.kind == "header" or pos in self._groups or pos in self.locked
                or self._row_keys.get(cell.row) in SUMMARY_ROWS and cell.rowspan == 1)

    def _band(self, row: int) -> bool:
        """Rows of the 2nd and 4th multi-row result groups are shaded, so neighbouring groups stand apart."""
        key = self._row_keys.get(row, "")
        group = key.split(".")[0]
        return group in GROUP_ROWS and list(GROUP_ROWS).index(group) % 2 == 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pos = (index.row(), index.column())
        cell = self._cells.get(pos)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(cell)
        if role == KEY_ROLE:
            return self._keys.get(pos)
        if role == VALUE_ROLE:
            return cell.value if cell.kind == "number" else None
        if role == GROUP_ROLE:
            return self._groups.get(pos)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = cell.kind == "label" and self.grid is not None and cell.col < self.grid.label_cols \
                and cell.rowspan == 1
            flag = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignHCenter
            # the heading of the results spans some twenty rows: on screen it sits at their top, in view
            tall = cell.rowspan > TALL_SPAN
            return int(flag | (Qt.AlignmentFlag.AlignTop if tall else Qt.AlignmentFlag.AlignVCenter))
        if role == Qt.ItemDataRole.FontRole and self.is_bold(cell):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(cell)
        if role == Qt.ItemDataRole.ForegroundRole:
            if pos in self.locked:
                return SOON_TEXT
            if cell.kind == "number" and cell.value == 0:
                return MUTED_TEXT
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        return None

    def _background(self, cell: Cell) -> QColor | None:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return SOON_BACK
        if cell.kind == "header":
            return HEADER_BACK
        if pos in self._groups:
            return GROUP_LABEL_BACK
        if cell.rowspan > 1:
            return None
        if self._row_keys.get(cell.row) in SUMMARY_ROWS:
            return SUMMARY_BACK
        return BAND_BACK if self._band(cell.row) else None

    def _tooltip(self, cell: Cell) -> str | None:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return f"已锁定(已报送或公开)的数字:{self.locked[pos]}\n当前数字:{cell.value}"
        if pos in self._groups:
            total = self._group_totals.get(self._groups[pos], 0)
            return f"{cell.value}合计 {total} 件" + ("(点击查看这些申请)" if total else "")
        if cell.kind == "number" and cell.value and self.table == "table3":
            return f"点击查看这 {cell.value} 件申请"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class GridTable(QTableView):
    """A grid with the printed spans; rows grow to their wrapped text when the columns change width."""

    PAD_X = 8
    PAD_Y = 6

    def __init__(self, model: GridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = model
        self.setModel(model)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet(f"QTableView {{ gridline-color: {GRID_LINE}; }}")
        self.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())
        # a stretched column changes width after the resize event: fit the rows once things settle
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit.start()

    def show_grid(self) -> None:
        """After the model got a new grid: spans and row heights."""
        self.clearSpans()
        grid = self.grid_model.grid
        if grid is None:
            return
        for c in grid.cells:
            if c.rowspan > 1 or c.colspan > 1:
                self.setSpan(c.row, c.col, c.rowspan, c.colspan)
        self.fit_rows()

    def _metrics(self, bold: bool) -> QFontMetrics:
        font = QFont(self.font())
        font.setBold(bold)
        return QFontMetrics(font)

    def fit_rows(self) -> None:
        grid = self.grid_model.grid
        if grid is None:
            return
        plain, bold = self._metrics(False), self._metrics(True)
        widths = [self.columnWidth(c) for c in range(grid.cols)]
        heights = [plain.height() + 2 * self.PAD_Y] * grid.rows
        tall: list[tuple[Cell, int]] = []
        for c in grid.cells:
            width = max(sum(widths[c.col:c.col + c.colspan]) - 2 * self.PAD_X, 16)
            metrics = bold if self.grid_model.is_bold(c) else plain
            text = self.grid_model.text(c)
            need = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text).height()
            need += 2 * self.PAD_Y
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], need)
            else:
                tall.append((c, need))
        for c, need in tall:
            have = sum(heights[c.row:c.row + c.rowspan])
            if need > have:
                extra = math.ceil((need - have) / c.rowspan)
                for r in range(c.row, c.row + c.rowspan):
                    heights[r] += extra
        for r, h in enumerate(heights):
            self.setRowHeight(r, h)

    def content_height(self) -> int:
        rows = self.grid_model.rowCount()
        return sum(self.rowHeight(r) for r in range(rows)) + 2 * self.frameWidth() + 2


# --- the page ----------------------------------------------------------------------------------
def _local_time(utc_text: str) -> str:
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
    Column("锁定时间", lambda lk: _local_time(lk.locked_at), Qt.AlignmentFlag.AlignHCenter),
    Column("新收", lambda lk: _figure(lk, "new"), Qt.AlignmentFlag.AlignHCenter),
    Column("办结", lambda lk: _figure(lk, "total"), Qt.AlignmentFlag.AlignHCenter),
    Column("结转下期", lambda lk: _figure(lk, "carried_out"), Qt.AlignmentFlag.AlignHCenter),
)


def _nice_axis(top: int) -> tuple[int, int]:
    """An axis maximum and tick count, in steps of 1, 2 or 5 times a power of ten, at most six steps."""
    top = max(top, 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(top / step) <= 6:
                high = math.ceil(top / step) * step
                return high, high // step + 1
        magnitude *= 10


class TallyView(QWidget):
    """Period picker, tables 三 and 四 as printed, monthly trend, exports, drill-down and locks."""

    open_case = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: TallyResult | None = None
        self.lock: LockInfo | None = None  # the lock of the period shown, if it is locked
        self.loading = False
        self.exporting = False
        self.cases_dialog: TallyCasesDialog | None = None
        self.trend: Trend | None = None
        self.flow_chart: Any = None  # QChart, built when the trend tab is first shown
        self.result_chart: Any = None
        self._generation = 0
        self._trend_generation = 0
        self._trend_stale = True
        self._table_stale = False

        self._build_picker()
        self._build_actions()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.span_label = QLabel()
        self.span_label.setObjectName("hint")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("countLabel")
        self.error = error_label()
        self.on_time_label = QLabel()  # apart from the official tables: the office's own figure
        self.on_time_label.setObjectName("hint")
        self.on_time_label.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("infoBanner")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.lock_note = QLabel()
        self.lock_note.setObjectName("infoBanner")
        self.lock_note.setWordWrap(True)
        self.lock_note.hide()
        self.lock_warning = QFrame()
        self.lock_warning.setObjectName("warningBanner")
        self.lock_warning_text = QLabel()
        self.lock_warning_text.setWordWrap(True)
        self.lock_warning_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QVBoxLayout(self.lock_warning)
        box.setContentsMargins(8, 6, 8, 6)
        box.addWidget(self.lock_warning_text)
        self.lock_warning.hide()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._build_table3_tab()
        self._build_table4_tab()
        self.trend_page = QWidget()
        self.trend_layout = QVBoxLayout(self.trend_page)
        self.trend_status = QLabel("正在统计各月数字……")
        self.trend_status.setObjectName("hint")
        self.trend_layout.addWidget(self.trend_status)
        self.tabs.addTab(self.trend_page, "月度趋势")
        self._build_locks_tab()
        self.tabs.currentChanged.connect(lambda _i: self._load_trend_if_shown())

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.span_label)
        heading.addStretch(1)
        heading.addWidget(self.summary_label)
        layout = QVBoxLayout(self)
        layout.addLayout(self.picker_row)
        layout.addLayout(heading)
        layout.addWidget(self.on_time_label)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addWidget(self.lock_note)
        layout.addWidget(self.lock_warning)
        layout.addWidget(self.tabs, 1)

        ctx.changed.connect(self._data_changed)
        self.reload()

    # -- building -------------------------------------------------------------------------
    def _build_picker(self) -> None:
        today = self.ctx.today()
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
        self.picker_row = QHBoxLayout()
        self.picker_row.addWidget(QLabel("统计期间"))
        for w in (self.mode, self.year, self.quarter, self.month, self.date_from, self.to_label, self.date_to):
            self.picker_row.addWidget(w)
        self.picker_row.addStretch(1)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.year.valueChanged.connect(self.reload)
        self.quarter.currentIndexChanged.connect(self.reload)
        self.month.currentIndexChanged.connect(self.reload)
        self.date_from.dateChanged.connect(self.reload)
        self.date_to.dateChanged.connect(self.reload)
        self._show_mode_fields()

    def _build_actions(self) -> None:
        self.picker_row.addWidget(QLabel("导出"))
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, caption in EXPORT_BUTTONS:
            button = QPushButton(caption)
            button.setToolTip(f"导出为{FORMATS[fmt]}" + ("(仅限整年)" if fmt == "docx" else ""))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            self.picker_row.addWidget(button)
        self.lock_button = QPushButton("锁定本期")
        self.lock_button.setToolTip("本期报表已报送或公开后锁定:之后会改变本期数字的操作须由负责人登记更正并说明理由")
        self.lock_button.setAutoDefault(False)
        self.lock_button.clicked.connect(self.lock_period)
        self.lock_button.setVisible(self.ctx.has(Role.HEAD, Role.ADMIN))
        self.picker_row.addSpacing(12)
        self.picker_row.addWidget(self.lock_button)

    def _build_table3_tab(self) -> None:
        self.table3_model = GridModel("table3", self)
        self.table3 = GridTable(self.table3_model)
        self.table3.clicked.connect(self._cell_clicked)
        enter_shortcut(self.table3, lambda: self._cell_clicked(self.table3.currentIndex()))
        self.problems = QWidget()
        self.problems_heading = QLabel()
        self.problems_heading.setWordWrap(True)
        self.problems_heading.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.problems_text = QPlainTextEdit()
        self.problems_text.setReadOnly(True)
        self.problem_model = ListModel(CASE_COLUMNS, tooltip=lambda c: c.content, parent=self)
        self.problem_table = QTableView()
        self.problem_table.setModel(self.problem_model)
        self.problem_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problem_table.verticalHeader().hide()
        self.problem_table.horizontalHeader().setStretchLastSection(True)
        self.problem_table.doubleClicked.connect(
            lambda index: self.open_case.emit(self.problem_model.row_object(index.row()).id))
        hint = QLabel("双击一行打开该申请,更正后本页自动重新统计。")
        hint.setObjectName("hint")
        box = QVBoxLayout(self.problems)
        box.addWidget(self.problems_heading)
        box.addWidget(self.problems_text)
        box.addWidget(hint)
        box.addWidget(self.problem_table, 1)
        self.table3_stack = QStackedWidget()
        self.table3_stack.addWidget(self.table3)
        self.table3_stack.addWidget(self.problems)
        self.table3_hint = QLabel("点击一个数字(非零)列出它所对应的申请;点击“（三）不予公开”等分类名称列出该类全部申请。"
                                  "灰色数字为零。")
        self.table3_hint.setObjectName("hint")
        self.table3_hint.setWordWrap(True)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.table3_stack, 1)
        box.addWidget(self.table3_hint)
        self.tabs.addTab(page, "表三 " + TABLE3_TITLE[2:].replace("政府信息公开", ""))

    def _build_table4_tab(self) -> None:
        self.table4_model = GridModel("table4", self)
        self.table4 = GridTable(self.table4_model)
        self.table4.clicked.connect(self._cell4_clicked)
        enter_shortcut(self.table4, lambda: self._cell4_clicked(self.table4.currentIndex()))
        header = self.table4.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("尚未审结") + 2 * GridTable.PAD_X + 4)
        self.table4_unbalanced = QLabel()
        self.table4_unbalanced.setWordWrap(True)
        self.table4_unbalanced.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.table4_unbalanced.hide()
        self.table4_hint = QLabel("每件行政复议或行政诉讼计入其结果所在的期间;期末尚无结果的计入“尚未审结”。")
        self.table4_hint.setObjectName("hint")
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.table4_unbalanced)
        box.addWidget(self.table4)
        box.addWidget(self.table4_hint)
        box.addStretch(1)
        self.tabs.addTab(page, "表四 " + TABLE4_TITLE[2:].replace("政府信息公开", ""))

    def _build_locks_tab(self) -> None:
        self.locks_model = ListModel(LOCK_COLUMNS, parent=self)
        self.locks_table = QTableView()
        self.locks_table.setModel(self.locks_model)
        self.locks_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.locks_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.locks_table.verticalHeader().hide()
        metrics = self.locks_table.fontMetrics()
        for i, sample in enumerate(("2026年1月1日至2026年12月31日", "2026-00-00 至 2026-00-00", "2026-00-00 00:00",
                                    "000000", "000000", "结转下期00")):
            self.locks_table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 28)
        self.locks_table.doubleClicked.connect(
            lambda index: self.show_period(self._lock_period(self.locks_model.row_object(index.row()))))
        hint = QLabel("已报送或公开的期间由负责人或管理员锁定。锁定后,会改变该期间数字的登记、办结等操作将被拒绝,"
                      "只能以“更正”的方式登记并说明理由。双击一行查看该期间。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.no_locks = QLabel("尚未锁定任何统计期间。")
        self.no_locks.setObjectName("countLabel")
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(hint)
        box.addWidget(self.no_locks)
        box.addWidget(self.locks_table, 1)
        self.locks_page = page
        self.tabs.addTab(page, "锁定记录")

    def _size_table3(self) -> None:
        metrics = QFontMetrics(self.table3.font())
        bold = QFont(self.table3.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        pad = 2 * GridTable.PAD_X + 6
        # headers such as 社会公益组织 wrap to two lines, as on paper; a changed figure reads "12 → 13"
        number = max(wide.horizontalAdvance("法律服务"), wide.horizontalAdvance("000 → 000")) + pad
        header = self.table3.horizontalHeader()
        self.table3.setColumnWidth(0, metrics.horizontalAdvance("三、本年度") + pad)
        self.table3.setColumnWidth(1, wide.horizontalAdvance("（三）不予公开") + pad)
        for c in range(3, 10):
            self.table3.setColumnWidth(c, number)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    # -- the period -------------------------------------------------------------------------
    def _show_mode_fields(self) -> None:
        mode = self.mode.currentData()
        self.year.setVisible(mode != "range")
        self.quarter.setVisible(mode == "quarter")
        self.month.setVisible(mode == "month")
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(mode == "range")

    def _mode_changed(self) -> None:
        if self.mode.currentData() == "range" and self.result is not None:
            for edit, day in ((self.date_from, self.result.period.start), (self.date_to, self.result.period.end)):
                edit.blockSignals(True)
                edit.setDate(to_qdate(day))
                edit.blockSignals(False)
        self._show_mode_fields()
        self.reload()

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

    def show_period(self, period: Period) -> None:
        """Set the picker to ``period`` (as a year, quarter or month where it is one) and count it."""
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
        self.tabs.setCurrentIndex(0)
        self.reload()

    @staticmethod
    def _lock_period(lock: LockInfo) -> Period:
        return Period(lock.start, lock.end)

    # -- loading ------------------------------------------------------------------------
    def _data_changed(self) -> None:
        self._trend_stale = True
        if not self.isVisible():  # counted again when the page is next shown, not behind the clerk's work
            self._table_stale = True
            return
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's)
        super().showEvent(event)
        if self._table_stale:
            self._table_stale = False
            self.reload()

    def reload(self) -> None:
        """Count the chosen period on the worker; a newer request makes an older answer stale."""
        try:
            period = self.chosen_period()
        except UserError as exc:
            self._generation += 1  # an answer still on its way is for a period no longer chosen
            self.loading = False
            show_error(self.error, exc.message)
            return
        show_error(self.error, "")
        self._generation += 1
        generation = self._generation
        db = self.ctx.background_db
        self.loading = True
        self.summary_label.setText("正在统计……")
        self.ctx.tasks.run(lambda _p: load_tally(db, period), on_done=lambda loaded: self._loaded(generation, loaded),
                           on_error=lambda exc: self._failed(generation, exc), label=f"正在统计{period.label}……",
                           parent=self)

    def _failed(self, generation: int, exc: UserError) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.summary_label.setText("")
        show_error(self.error, exc.message)

    def _loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self._generation:
            return
        result = loaded.result
        period = result.period
        self.result = result
        self.lock = next((lk for lk in loaded.locks if (lk.start, lk.end) == (period.start, period.end)), None)
        figures = self.lock.figures if self.lock is not None else None
        self.title.setText(f"{period.label}政府信息公开申请统计")
        self.span_label.setText(f"统计期间:{period.span}")
        before, after = ("上年", "下年") if period.is_year else ("上期", "下期")
        self.summary_label.setText(
            f"新收 {result.cell('new')} 件 · {before}结转 {result.cell('carried_in')} 件 · "
            f"办结 {result.cell('total')} 件 · 结转{after} {result.cell('carried_out')} 件")
        self.on_time_label.setText(f"表外统计(不属于法定统计表):{result.on_time.text()}。"
                                   "是否按期以签收、交邮或发送之日判断。")

        grid3 = table3_grid(result)
        numbers, groups = table3_keys(grid3, period)
        totals = {g: result.cell(g) for g in GROUP_ROWS}
        self.table3_model.set_grid(grid3, numbers, groups=groups, group_totals=totals, figures=figures)
        self._size_table3()
        self.table3.show_grid()
        grid4 = table4_grid(result)
        self.table4_model.set_grid(grid4, table4_keys(grid4), figures=figures)
        self.table4.show_grid()
        self.table4.setFixedHeight(self.table4.content_height())

        self._show_problems(result, loaded.problem_cases)
        self._show_lock_state(result)
        self.locks_model.set_rows(loaded.locks)
        self.no_locks.setVisible(not loaded.locks)
        self.tabs.setTabText(self.tabs.indexOf(self.locks_page), f"锁定记录({len(loaded.locks)})" if loaded.locks
                             else "锁定记录")
        self.loading = False
        if self.trend is None or self.trend.year != period.start.year:
            self._trend_stale = True
        self._load_trend_if_shown()
        self.loaded.emit()

    def _show_problems(self, result: TallyResult, cases: Sequence[CaseSummary]) -> None:
        if result.ok:
            self.table3_stack.setCurrentWidget(self.table3)
            self.table3_hint.show()
            self.table4.show()
            self.table4_hint.show()
            self.table4_unbalanced.hide()
            return
        shown = result.problems[:SHOWN_PROBLEMS]
        more = len(result.problems) - len(shown)
        self.problems_heading.setText(
            f"{result.period.label}的统计表不平衡(新收 + 上期结转 ≠ 办结 + 结转下期),不能显示、导出或锁定。"
            f"请先更正下列 {len(result.problems)} 处问题" + (f"所涉的 {len(cases)} 件申请" if cases else "") + ":")
        lines = [f"· {p}" for p in shown] + ([f"……另有 {more} 处"] if more else [])
        self.problems_text.setPlainText("\n".join(lines))
        # as tall as its lines (wrapped long ones count twice), at most ten lines; then it scrolls
        spacing = self.problems_text.fontMetrics().lineSpacing()
        shown_lines = min(sum(1 + (len(line) > 60) for line in lines), 10)
        self.problems_text.setFixedHeight(shown_lines * spacing + 2 * self.problems_text.frameWidth() + 12)
        self.problem_model.set_rows(cases)
        metrics = self.problem_table.fontMetrics()
        for i, sample in enumerate(CASE_SAMPLES):
            self.problem_table.setColumnWidth(i, metrics.horizontalAdvance(sample) + 24)
        self.problem_table.setVisible(bool(cases))
        self.table3_stack.setCurrentWidget(self.problems)
        self.table3_hint.hide()
        self.table4.hide()
        self.table4_hint.hide()
        self.table4_unbalanced.setText("本期统计表不平衡,请先在“表三”页查看并更正所列申请。")
        self.table4_unbalanced.show()

    def changed_figures(self) -> int:
        """How many numbers on screen differ from the locked (reported) figures."""
        return len(self.table3_model.locked) + len(self.table4_model.locked)

    def _show_lock_state(self, result: TallyResult) -> None:
        lock = self.lock
        self.lock_button.setEnabled(lock is None)
        self.lock_button.setText("锁定本期" if lock is None else "本期已锁定")
        self.lock_note.hide()
        self.lock_warning.hide()
        if lock is None:
            return
        when = _local_time(lock.locked_at)
        changed = self.changed_figures()
        if changed == 0 and result.to_json() == lock.figures:
            self.lock_note.setText(f"{result.period.label}已于 {when} 锁定(报表已报送或公开),当前数字与锁定时一致。")
            self.lock_note.show()
            return
        self.lock_warning_text.setText(
            f"{result.period.label}已于 {when} 锁定,报送或公开的是锁定时的数字。锁定后登记过更正,"
            f"有 {changed} 个数字与已报送的不同:标黄的格子写作“已报送 → 当前”,箭头左边是已报送(公开)的数字。"
            "导出的文件使用当前数字。")
        self.lock_warning.show()

    # -- drill-down -----------------------------------------------------------------------
    def _cell_clicked(self, index: QModelIndex) -> None:
        if not index.isValid() or self.result is None or self.loading:
            return
        key = index.data(KEY_ROLE)
        value = index.data(VALUE_ROLE)
        group = index.data(GROUP_ROLE)
        if key is not None and value:
            self.show_requests(*key)
        elif group is not None and self.result.cell(group):
            self.show_requests(group, "total")

    def _cell4_clicked(self, index: QModelIndex) -> None:
        if not index.isValid() or self.result is None or self.loading:
            return
        key = index.data(KEY_ROLE)
        if key is not None and index.data(VALUE_ROLE):
            self.show_appeal_requests(*key)

    def show_appeal_requests(self, kind: str, column_key: str) -> None:
        """List the requests whose 复议/诉讼 are behind one number of table 四."""
        result = self.result
        if result is None:
            return
        period = result.period
        title = (f"{period.label} · {APPEAL_KINDS[kind]} · {APPEAL_COLUMNS[column_key]}:"
                 f"{result.table4[kind][column_key]} 件")
        db = self.ctx.background_db
        self.ctx.tasks.run(
            lambda _p: tally_service.requests_behind_appeals(db, period.start, period.end, kind, column_key),
            on_done=lambda cases: self._show_cases(title, cases),
            on_error=lambda exc: show_error(self.error, exc.message), label="正在读取申请……", parent=self)

    def show_requests(self, row_key: str, column_key: str) -> None:
        """List the requests behind one number of table 三 (on the worker: a year's 新收 may be thousands)."""
        result = self.result
        if result is None:
            return
        period = result.period
        what = row_label(row_key, period)
        group = row_key.split(".")[0]
        if group in GROUP_ROWS and row_key != group:
            what = f"{row_label(group, period)} {what}"
        title = f"{period.label} · {what} · {column_label(column_key)}:{result.cell(row_key, column_key)} 件"
        db = self.ctx.background_db
        self.ctx.tasks.run(lambda _p: tally_service.requests_behind(db, period.start, period.end, row_key, column_key),
                           on_done=lambda cases: self._show_cases(title, cases),
                           on_error=lambda exc: show_error(self.error, exc.message), label="正在读取申请……",
                           parent=self)

    def _show_cases(self, title: str, cases: list[CaseSummary]) -> None:
        if self.cases_dialog is not None:
            self.cases_dialog.close()
        dialog = TallyCasesDialog(title, cases, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_case.connect(self.open_case)
        dialog.destroyed.connect(lambda _obj=None: self._forget_dialog(dialog))
        self.cases_dialog = dialog
        dialog.show()

    def _forget_dialog(self, dialog: TallyCasesDialog) -> None:
        if self.cases_dialog is dialog:
            self.cases_dialog = None

    # -- exports ----------------------------------------------------------------------------
    def _suggested_path(self, result: TallyResult, fmt: str) -> str:
        office = str(get_settings(self.ctx.db)["office.name"])
        what = "政府信息公开工作年度报告" if fmt == "docx" else "政府信息公开统计表"
        name = safe_file_stem(f"{office}{result.period.label}{what}")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / f"{name}.{fmt}")

    def export(self, fmt: str) -> None:
        """Ask for a file name, then render and write it on the worker."""
        result = self.result
        if result is None or self.loading or self.exporting:
            return
        show_error(self.error, "")
        self.note.hide()
        if fmt == "docx" and not result.period.is_year:
            show_error(self.error, f"年度报告只能按整年生成,{result.period.label}不是完整的年度。"
                                   "请在“统计期间”中选“年度”后再导出。")
            return
        try:
            check_exportable(result)
        except UserError as exc:
            show_error(self.error, exc.message)
            return
        name, _ = QFileDialog.getSaveFileName(self, f"导出{FORMATS[fmt]}", self._suggested_path(result, fmt),
                                              FILE_FILTERS[fmt])
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        db, actor, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()

        def job(_progress: Progress) -> Export:
            made = tally_service.export(db, result, fmt, filled_by=actor.display_name, today=today)
            tally_service.save_export(db, made, path)
            return made

        self._set_exporting(True)
        self.ctx.tasks.run(job, on_done=lambda made: self._exported(path, made, result),
                           on_error=self._export_failed, label=f"正在导出{FORMATS[fmt]}……", parent=self)

    def _set_exporting(self, busy: bool) -> None:
        self.exporting = busy
        for button in self.export_buttons.values():
            button.setEnabled(not busy)

    def _exported(self, path: Path, made: Export, result: TallyResult) -> None:
        self._set_exporting(False)
        lines = [f"已导出{result.period.label}的{FORMATS[made.fmt]}:{path}",
                 f"旁边的 {path.name}{ANCHOR_SUFFIX} 记下了此刻审计记录的链尾,请与报表一并保存,"
                 "日后可用来核对登记簿的记录没有被改写。"]
        lines += [f"注意:{w}" for w in made.warnings]
        if self.lock is not None and self.result is result and self.changed_figures():
            lines.append("注意:本期已锁定,导出的是当前数字,与已报送的数字不同。")
        self.note.setText("\n".join(lines))
        self.note.show()

    def _export_failed(self, exc: UserError) -> None:
        self._set_exporting(False)
        show_error(self.error, exc.message)

    # -- locks --------------------------------------------------------------------------------
    def lock_period(self) -> None:
        result = self.result
        if result is None or self.loading or not self.ctx.has(Role.HEAD, Role.ADMIN):
            return
        period = result.period
        if not result.ok:
            show_error(self.error, f"{period.label}的统计表不平衡,不能锁定。请先更正“表三”页所列的申请。")
            return
        if not ask(self, "锁定本期统计",
                   f"锁定{period.label}({period.span})的统计数字吗?\n\n"
                   f"新收 {result.cell('new')} 件,办结 {result.cell('total')} 件,结转 {result.cell('carried_out')} 件。\n\n"
                   "请在本期报表报送或公开后再锁定。锁定后,会改变本期数字的登记、办结等操作将被拒绝,"
                   "只能由负责人以“更正”的方式登记并说明理由;锁定不能撤销。", "锁定"):
            return
        db, actor = self.ctx.background_db, self.ctx.actor
        self.lock_button.setEnabled(False)
        self.ctx.tasks.run(lambda _p: tally_service.lock_period(db, actor, period.start, period.end),
                           on_done=self._locked, on_error=self._lock_failed, label="正在锁定……", parent=self)

    def _locked(self, lock: LockInfo) -> None:
        self.note.setText(f"已锁定{Period(lock.start, lock.end).label}的统计数字。")
        self.note.show()
        self.ctx.data_changed()

    def _lock_failed(self, exc: UserError) -> None:
        self.lock_button.setEnabled(self.lock is None)
        show_error(self.error, exc.message)

    # -- the monthly trend --------------------------------------------------------------------
    def _load_trend_if_shown(self) -> None:
        if self.tabs.currentWidget() is not self.trend_page or self.result is None or not self._trend_stale:
            return
        self._trend_stale = False
        self._trend_generation += 1
        generation = self._trend_generation
        year, today, db = self.result.period.start.year, self.ctx.today(), self.ctx.background_db
        self.trend_status.setText(f"正在统计{year}年各月数字……")
        self.trend_status.show()
        self.ctx.tasks.run(lambda progress: monthly_trend(db, year, today, progress),
                           on_done=lambda trend: self._trend_loaded(generation, trend),
                           on_error=lambda exc: self._trend_failed(generation, exc),
                           label=f"正在统计{year}年各月数字……", parent=self, cancellable=True)

    def _trend_failed(self, generation: int, exc: UserError) -> None:
        if generation == self._trend_generation:
            self._trend_stale = True
            self.trend_status.setText(exc.message)

    def _trend_loaded(self, generation: int, trend: Trend) -> None:
        if generation != self._trend_generation:
            return
        self.trend = trend
        self._build_charts()
        self._fill_charts(trend)
        if trend.months == 0:
            self.trend_status.setText(f"{trend.year}年尚未开始,没有数字。")
        elif trend.months < 12:
            self.trend_status.setText(f"{trend.year}年已过 {trend.months} 个月,之后的月份尚无数字。")
        else:
            self.trend_status.setText(f"{trend.year}年各月数字,与各月统计表一致(办结按答复或终止日期计入当月)。")

    def _build_charts(self) -> None:
        if self.flow_chart is not None:
            return
        from PySide6.QtCharts import QChart, QChartView
        from PySide6.QtGui import QPainter

        row = QHBoxLayout()
        for attr in ("flow_chart", "result_chart"):
            chart = QChart()
            chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
            chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
            chart.setMargins(chart.margins() * 0)
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.1)
            font.setBold(True)
            chart.setTitleFont(font)
            chart.legend().setFont(self.font())
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(360, 260)
            setattr(self, attr, chart)
            row.addWidget(view, 1)
        self.trend_layout.addLayout(row, 1)

    def _axes(self, chart: Any, top: int) -> tuple[Any, Any]:
        from PySide6.QtCharts import QBarCategoryAxis, QValueAxis

        for axis in chart.axes():
            chart.removeAxis(axis)
        x = QBarCategoryAxis()
        x.append([f"{m}月" for m in range(1, 13)])
        x.setLabelsFont(self.font())
        y = QValueAxis()
        high, ticks = _nice_axis(top)
        y.setRange(0, high)
        y.setTickCount(ticks)
        y.setLabelFormat("%d")
        y.setLabelsFont(self.font())
        y.setTitleText("件")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        return x, y

    def _fill_charts(self, trend: Trend) -> None:
        from PySide6.QtCharts import QBarSet, QLineSeries, QStackedBarSeries
        from PySide6.QtGui import QPen

        flow = self.flow_chart
        flow.removeAllSeries()
        flow.setTitle(f"{trend.year}年各月新收与办结申请")
        x, y = self._axes(flow, max(trend.new + trend.concluded))
        for name, values, colour in (("新收", trend.new, NEW_COLOUR), ("办结", trend.concluded, CONCLUDED_COLOUR)):
            series = QLineSeries()
            series.setName(name)
            for i in range(trend.months):
                series.append(i, values[i])
            pen = QPen(QColor(colour))
            pen.setWidth(3)
            series.setPen(pen)
            series.setPointsVisible(True)
            flow.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)

        results = self.result_chart
        results.removeAllSeries()
        results.setTitle(f"{trend.year}年各月办结申请的办理结果")
        x, y = self._axes(results, max(trend.concluded))
        stacked = QStackedBarSeries()
        stacked.setBarWidth(0.6)
        for group, values in trend.groups.items():
            bar = QBarSet(GROUP_NAMES[group])
            bar.append([float(v) for v in values])
            bar.setColor(QColor(GROUP_COLOURS[group]))
            bar.setBorderColor(QColor(GROUP_COLOURS[group]))
            stacked.append(bar)
        results.addSeries(stacked)
        stacked.attachAxis(x)
        stacked.attachAxis(y)

    def chart_series(self) -> dict[str, list[int]]:
        """The charts' data by series name (新收, 办结 and each result group), for tests and checks."""
        from PySide6.QtCharts import QLineSeries, QStackedBarSeries

        out: dict[str, list[int]] = {}
        for chart in (self.flow_chart, self.result_chart):
            if chart is None:
                continue
            for series in chart.series():
                if isinstance(series, QLineSeries):
                    out[series.name()] = [round(p.y()) for p in series.points()]
                elif isinstance(series, QStackedBarSeries):
                    for bar in series.barSets():
                        out[bar.label()] = [round(bar.at(i)) for i in range(bar.count())]
        return out

