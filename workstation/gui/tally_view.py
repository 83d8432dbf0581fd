"""统计: tables 三 and 四 for a year, quarter, month or any dates, laid out as printed; the monthly
trend; exports; the requests behind each number; and the period locks (锁定) of reported periods.

The window assembles its rooms: the period picker (period_picker.py), the printed grids
(tally_grid.py), the trend charts (tally_chart.py) and the list of locks (tally_locks.py). Counting
runs on the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QStandardPaths, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    GROUP_ROWS,
    Period,
    TallyResult,
    column_label,
    row_label,
)
from workstation.files import safe_file_stem
from workstation.reports import FORMATS, Export, check_exportable
from workstation.reports.tables import TABLE3_TITLE, TABLE4_TITLE, table3_grid, table4_grid
from workstation.services import queries
from workstation.services import tally as tally_service
from workstation.services.audit import ANCHOR_SUFFIX
from workstation.services.base import Actor, get_settings
from workstation.services.cases import CaseSummary
from workstation.services.tally import LockInfo

from . import file_dialogs
from .backup_dialog import ask
from .context import AppContext
from .period_picker import PeriodPicker
from .tally_cases_dialog import COLUMNS as CASE_COLUMNS
from .tally_cases_dialog import SAMPLES as CASE_SAMPLES
from .tally_cases_dialog import TallyCasesDialog
from .tally_chart import TrendPage
from .tally_grid import GROUP_ROLE, KEY_ROLE, VALUE_ROLE, GridModel, GridTable
from .tally_locks import LocksPage, local_time
from .tally_units import UnitTallyPage
from .widgets import ListModel, enter_shortcut, error_label, show_error
from .worker import Progress

# JSON is for other systems, not a word for the clerk (issue 18 item 9)
EXPORT_BUTTONS = (("xlsx", "XLSX"), ("pdf", "PDF"), ("csv", "CSV"), ("json", "数据文件"), ("docx", "年度报告(.docx)"))
FILE_FILTERS = {
    "xlsx": "Excel 工作簿 (*.xlsx)",
    "pdf": "PDF 文件 (*.pdf)",
    "csv": "CSV 文件 (*.csv)",
    "json": "数据文件(供系统对接) (*.json)",
    "docx": "Word 文档 (*.docx)",
}
SHOWN_PROBLEMS = 50


# --- what the worker hands back ----------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    result: TallyResult
    locks: list[LockInfo]
    problem_cases: list[CaseSummary]


def load_tally(db: Any, period: Period, viewer: Actor | None = None) -> Loaded:
    """Tables 三 and 四 as the viewer may count them (a unit's user: its unit's requests)."""
    result = tally_service.tally(db, period.start, period.end, viewer=viewer)
    problem_cases = queries.fetch_cases(db, list(result.problem_ids), viewer=viewer) if result.problem_ids else []
    return Loaded(result, tally_service.locks(db), problem_cases)


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
        self._generation = 0
        self._table_stale = False

        self.picker = PeriodPicker(ctx.today())
        self.picker.changed.connect(self.reload)
        self.picker_row = QHBoxLayout()
        self.picker_row.addWidget(self.picker)
        self.picker_row.addStretch(1)
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
        self.trend_page = TrendPage(ctx)
        self.tabs.addTab(self.trend_page, "月度趋势")
        self.locks_page = LocksPage()
        self.locks_page.period_chosen.connect(self.show_period)
        self.tabs.addTab(self.locks_page, "锁定记录")
        self.units_page = UnitTallyPage(ctx)  # 按承办单位: only when the office has units
        self.tabs.addTab(self.units_page, "按承办单位")
        self.tabs.setTabVisible(self.tabs.indexOf(self.units_page), False)
        self.units_page.available.connect(lambda shown: self.tabs.setTabVisible(self.tabs.indexOf(self.units_page),
                                                                                shown))
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
    def _build_actions(self) -> None:
        self.picker_row.addWidget(QLabel("导出"))
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, caption in EXPORT_BUTTONS:
            button = QPushButton(caption)
            button.setToolTip("供系统对接的数据文件(.json)" if fmt == "json"
                              else f"导出为{FORMATS[fmt]}" + ("(仅限整年)" if fmt == "docx" else ""))
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
        self.report_button = QPushButton("报送与汇总…")
        self.report_button.setToolTip("写出本期报送包交县级汇总;县级导入各单位报送包并汇总")
        self.report_button.setAutoDefault(False)
        self.report_button.clicked.connect(self.open_report_window)
        self.picker_row.addWidget(self.report_button)

    def open_report_window(self) -> None:
        from workstation.gui.report_window import ReportWindow

        try:
            period = self.picker.chosen_period()
        except UserError:
            period = None
        self.report_window = ReportWindow(self.ctx, period, self)
        self.report_window.show()

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
    def show_period(self, period: Period) -> None:
        """Set the picker to ``period`` (as a year, quarter or month where it is one) and count it."""
        self.picker.set_period(period)
        self.tabs.setCurrentIndex(0)
        self.reload()

    # -- loading ------------------------------------------------------------------------
    def _data_changed(self) -> None:
        self.trend_page.stale = True
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
            period = self.picker.chosen_period()
        except UserError as exc:
            self._generation += 1  # an answer still on its way is for a period no longer chosen
            self.loading = False
            show_error(self.error, exc.message)
            return
        show_error(self.error, "")
        self._generation += 1
        generation = self._generation
        db, viewer = self.ctx.background_db, self.ctx.actor
        self.loading = True
        self.summary_label.setText("正在统计……")
        self.ctx.tasks.run(lambda _p: load_tally(db, period, viewer), on_done=lambda loaded: self._loaded(generation, loaded),
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
        self.picker.shown = period
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

        totals = {g: result.cell(g) for g in GROUP_ROWS}
        self.table3_model.set_grid(table3_grid(result), group_totals=totals, figures=figures)
        self._size_table3()
        self.table3.show_grid()
        self.table4_model.set_grid(table4_grid(result), figures=figures)
        self.table4.show_grid()
        self.table4.setFixedHeight(self.table4.content_height())

        self._show_problems(result, loaded.problem_cases)
        self._show_lock_state(result)
        self.locks_page.set_locks(loaded.locks)
        self.tabs.setTabText(self.tabs.indexOf(self.locks_page), f"锁定记录({len(loaded.locks)})" if loaded.locks
                             else "锁定记录")
        self.loading = False
        self.trend_page.need(period.start.year)
        self._load_trend_if_shown()
        self.units_page.load(period)
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
        when = local_time(lock.locked_at)
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
        db, viewer = self.ctx.background_db, self.ctx.actor
        self.ctx.tasks.run(
            lambda _p: tally_service.requests_behind_appeals(db, period.start, period.end, kind, column_key,
                                                             viewer=viewer),
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
        db, viewer = self.ctx.background_db, self.ctx.actor
        self.ctx.tasks.run(lambda _p: tally_service.requests_behind(db, period.start, period.end, row_key, column_key,
                                                                    viewer=viewer),
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
        name = file_dialogs.save_file_name(self, f"导出{FORMATS[fmt]}", self._suggested_path(result, fmt),
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
        if self.tabs.currentWidget() is self.trend_page and self.result is not None:
            self.trend_page.load(self.result.period.start.year)
