"""报送与汇总: send this office's 报送包 (统计 → 报送…) and, at the county, import packages and see the matrix of
offices × periods, the consolidated tables per column group with drill-down to each office, and the open
requests across offices (督办)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import QtWidgets as Qw
from PySide6.QtWidgets import QMessageBox, QTableWidgetItem

from workstation.domain import exchange
from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    ROW_KEYS,
    TALLY_COLUMNS,
    Period,
    column_label,
    row_label,
)
from workstation.gui import file_dialogs
from workstation.gui.context import AppContext
from workstation.gui.period_picker import PeriodPicker
from workstation.services import report_exchange as rx

MATRIX_COLOURS = {"已报": "#e6f4ea", "更正": "#fff4d6", "未报": "#fde7e7"}


def periods_around(period: Period) -> list[Period]:
    """The matrix's columns: the months of a month's year, the quarters of a quarter's year, else the period."""
    y = period.start.year
    if period == Period.month(y, period.start.month):
        return [Period.month(y, m) for m in range(1, 13)]
    if any(period == Period.quarter(y, q) for q in range(1, 5)):
        return [Period.quarter(y, q) for q in range(1, 5)]
    return [period]


def _short(period: Period) -> str:
    label = period.label
    return label[5:] if label.startswith(f"{period.start.year}年") and len(label) > 5 else label


class ReportWindow(Qw.QDialog):
    def __init__(self, ctx: AppContext, period: Period | None = None, parent: Qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("报送与汇总")
        self.view: rx.CountyView | None = None
        self.note = ""  # what the last import did, kept above the summary
        layout = Qw.QVBoxLayout(self)
        row = Qw.QHBoxLayout()
        self.picker = PeriodPicker(ctx.today(), self)
        if period is not None:
            self.picker.set_period(period)
        self.picker.changed.connect(self.reload)
        row.addWidget(self.picker)
        self.send_button = Qw.QPushButton("报送…")
        self.send_button.setToolTip("写出本机关本期的报送包(JSON,另附 XLSX),交县级汇总")
        self.send_button.clicked.connect(self.send)
        self.import_button = Qw.QPushButton("导入报送包…")
        self.import_button.clicked.connect(self.import_folder)
        self.import_button.setVisible(ctx.has(*rx.IMPORT_ROLES))
        self.offices_button = Qw.QPushButton("报送单位名单…")
        self.offices_button.setToolTip("从 CSV 导入县级的报送单位名单(每行:统一社会信用代码,名称,类别)")
        self.offices_button.clicked.connect(self.import_offices)
        self.offices_button.setVisible(ctx.has(Role.ADMIN))
        self.export_button = Qw.QPushButton("导出汇总表…")
        self.export_button.clicked.connect(self.export)
        for b in (self.send_button, self.import_button, self.offices_button, self.export_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = Qw.QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.tabs = Qw.QTabWidget()
        self.matrix_table = Qw.QTableWidget()
        self.tabs.addTab(self.matrix_table, "报送情况")
        sums = Qw.QWidget()
        sums_layout = Qw.QVBoxLayout(sums)
        pick = Qw.QHBoxLayout()
        pick.addWidget(Qw.QLabel("汇总范围"))
        self.group = Qw.QComboBox()
        self.group.addItems([exchange.TOTAL, *exchange.GROUPS])
        self.group.currentIndexChanged.connect(self._show_sums)
        pick.addWidget(self.group)
        self.identity = Qw.QLabel()
        pick.addWidget(self.identity, 1)
        sums_layout.addLayout(pick)
        self.sums_table = Qw.QTableWidget()
        self.sums_table.cellDoubleClicked.connect(self._drill)
        sums_layout.addWidget(self.sums_table, 1)
        sums_layout.addWidget(Qw.QLabel("表四 行政复议、行政诉讼情况"))
        self.appeals_table = Qw.QTableWidget()
        self.appeals_table.cellDoubleClicked.connect(self._drill_appeals)
        sums_layout.addWidget(self.appeals_table)
        sums_layout.addWidget(Qw.QLabel("双击一个数字,可看各单位的数字。"))
        self.tabs.addTab(sums, "汇总表(表三、表四)")
        self.open_table = Qw.QTableWidget()
        self.tabs.addTab(self.open_table, "督办(各单位未办结申请)")
        layout.addWidget(self.tabs)
        self.resize(1200, 700)
        self.reload()

    # -- loading ----------------------------------------------------------------------------------------------
    def period(self) -> Period | None:
        """The period picked, or None (and the reason on the status line) when it makes no sense."""
        try:
            return self.picker.chosen_period()
        except UserError as exc:
            self.status.setText(str(exc))
            return None

    def reload(self) -> None:
        period = self.period()
        if period is None:
            return
        db = self.ctx.background_db

        def job(_progress: Any) -> tuple[rx.Matrix, rx.CountyView, list[dict[str, Any]]]:
            return (rx.matrix(db, periods_around(period)), rx.county_view(db, period), rx.open_across(db, period))

        self.ctx.tasks.run(job, on_done=self._loaded, on_error=lambda exc: self.status.setText(str(exc)),
                           label="正在汇总……", parent=self)

    def _loaded(self, loaded: tuple[rx.Matrix, rx.CountyView, list[dict[str, Any]]]) -> None:
        matrix, view, opened = loaded
        self.view = view
        c = view.consolidation
        self.status.setText(self.note + f"{c.period.label}:已汇总 {len(c.parts)} 个单位,未报 {len(view.not_reported)} 个"
                            + (f"({'、'.join(o.name for o in view.not_reported[:5])}"
                               f"{'等' if len(view.not_reported) > 5 else ''})" if view.not_reported else ""))
        self._show_matrix(matrix)
        self._show_sums()
        self._show_open(opened)

    def _show_matrix(self, m: rx.Matrix) -> None:
        from PySide6.QtGui import QColor

        t = self.matrix_table
        t.clear()
        t.setRowCount(len(m.offices))
        t.setColumnCount(len(m.periods) + 1)
        t.setHorizontalHeaderLabels(["类别", *(_short(p) for p in m.periods)])
        t.setVerticalHeaderLabels([o.name for o in m.offices])
        for r, office in enumerate(m.offices):
            t.setItem(r, 0, QTableWidgetItem(office.kind))
            for c, period in enumerate(m.periods, 1):
                state = m.cells[(office.code, period)]
                item = QTableWidgetItem(state)
                item.setBackground(QColor(MATRIX_COLOURS[state]))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()

    def _show_sums(self) -> None:
        if self.view is None:
            return
        group = self.group.currentText()
        c = self.view.consolidation
        t3 = c.groups[group][0]
        t = self.sums_table
        t.clear()
        t.setRowCount(len(ROW_KEYS))
        t.setColumnCount(len(TALLY_COLUMNS))
        t.setHorizontalHeaderLabels([column_label(k) for k in TALLY_COLUMNS])
        t.setVerticalHeaderLabels([row_label(k, c.period) for k in ROW_KEYS])
        for r, row in enumerate(ROW_KEYS):
            for col, key in enumerate(TALLY_COLUMNS):
                t.setItem(r, col, QTableWidgetItem(str(t3[row][key])))
        t4 = c.groups[group][1]
        a = self.appeals_table
        a.clear()
        a.setRowCount(len(APPEAL_KINDS))
        a.setColumnCount(len(APPEAL_COLUMNS))
        a.setHorizontalHeaderLabels(list(APPEAL_COLUMNS.values()))
        a.setVerticalHeaderLabels(list(APPEAL_KINDS.values()))
        for r, kind in enumerate(APPEAL_KINDS):
            for col, key in enumerate(APPEAL_COLUMNS):
                a.setItem(r, col, QTableWidgetItem(str(t4[kind][key])))
        a.horizontalHeader().setSectionResizeMode(Qw.QHeaderView.ResizeMode.Stretch)
        a.verticalHeader().setSectionResizeMode(Qw.QHeaderView.ResizeMode.ResizeToContents)
        a.setFixedHeight(a.horizontalHeader().height() + sum(a.rowHeight(r) for r in range(a.rowCount()))
                         + 2 * a.frameWidth())
        problems = c.problems[group]
        self.identity.setText("勾稽关系:平衡" if not problems else "勾稽关系:不平衡," + problems[0])
        self.identity.setStyleSheet("" if not problems else "color: #b3261e;")

    def offices_behind(self, row: int, col: int) -> list[tuple[str, int]]:
        """Each office's figure in one cell of the consolidation shown (the drill-down)."""
        assert self.view is not None
        group = self.group.currentText()
        row_key, col_key = ROW_KEYS[row], TALLY_COLUMNS[col]
        return [(p.name, p.table3[row_key][col_key]) for p in self.view.consolidation.parts
                if group == exchange.TOTAL or exchange.KINDS[p.kind] == group]

    def appeals_behind(self, row: int, col: int) -> list[tuple[str, int]]:
        """Each office's figure in one cell of table 四 of the consolidation shown."""
        assert self.view is not None
        group = self.group.currentText()
        kind, key = list(APPEAL_KINDS)[row], list(APPEAL_COLUMNS)[col]
        return [(p.name, p.table4[kind][key]) for p in self.view.consolidation.parts
                if group == exchange.TOTAL or exchange.KINDS[p.kind] == group]

    def _drill_appeals(self, row: int, col: int) -> None:
        if self.view is None:
            return
        lines = [f"{name}:{n}" for name, n in self.appeals_behind(row, col) if n]
        title = f"{list(APPEAL_KINDS.values())[row]} · {list(APPEAL_COLUMNS.values())[col]}"
        QMessageBox.information(self, title, "\n".join(lines) or "各单位均为 0。")

    def _drill(self, row: int, col: int) -> None:
        if self.view is None:
            return
        lines = [f"{name}:{n}" for name, n in self.offices_behind(row, col) if n]
        title = f"{row_label(ROW_KEYS[row])} · {column_label(TALLY_COLUMNS[col])}"
        QMessageBox.information(self, title, "\n".join(lines) or "各单位均为 0。")

    def _show_open(self, rows: list[dict[str, Any]]) -> None:
        t = self.open_table
        t.clear()
        t.setRowCount(len(rows))
        t.setColumnCount(4)
        t.setHorizontalHeaderLabels(["单位", "受理编号", "收到日期", "答复期限"])
        for r, item in enumerate(rows):
            for c, value in enumerate((item["office"], item["number"], item["received"], item.get("due") or "—")):
                t.setItem(r, c, QTableWidgetItem(str(value)))
        t.resizeColumnsToContents()

    # -- actions ----------------------------------------------------------------------------------------------
    def send(self) -> None:
        period = self.period()
        folder = file_dialogs.existing_directory(self, "报送包保存到") if period is not None else ""
        if period is not None and folder:
            self.send_to(period, Path(folder))

    def send_to(self, period: Period, folder: Path) -> None:
        db = self.ctx.background_db

        def job(_progress: Any) -> tuple[list[Path], bool]:
            made = rx.export_package(db, period)
            return rx.save_package(db, made, f"{folder}/"), made.locked

        def done(result: tuple[list[Path], bool]) -> None:
            paths, locked = result
            self.status.setText(f"已写出报送包:{paths[0].name}"
                                + ("(该期间已锁定,报送的是锁定时的数字)" if locked else ""))

        self.ctx.tasks.run(job, on_done=done, on_error=lambda exc: self.status.setText(str(exc)),
                           label="正在写出报送包……", parent=self)

    def import_folder(self) -> None:
        folder = file_dialogs.existing_directory(self, "选择报送包所在的文件夹")
        if folder:
            self.import_from(Path(folder))

    def import_from(self, folder: Path) -> None:
        db, actor = self.ctx.background_db, self.ctx.actor

        def job(_progress: Any) -> rx.ImportReport:
            return rx.import_folder(db, actor, folder)

        self.ctx.tasks.run(job, on_done=self._imported, on_error=lambda exc: self.status.setText(str(exc)),
                           label="正在导入报送包……", parent=self)

    def _imported(self, report: rx.ImportReport) -> None:
        text = (f"导入 {len(report.imported)} 份,更正替换 {len(report.replaced)} 份,"
                f"重复未变 {len(report.unchanged)} 份,拒收 {len(report.refused)} 份")
        if report.refused:
            QMessageBox.warning(self, "有报送包被拒收", text + "\n\n" + "\n".join(report.refused[:20]))
        self.note = text + "。"
        self.status.setText(text)
        self.reload()

    def import_offices(self) -> None:
        name = file_dialogs.open_file_name(self, "导入报送单位名单", "", "CSV 文件 (*.csv *.txt)")
        if name:
            self.import_offices_from(Path(name))

    def import_offices_from(self, path: Path) -> None:
        db, actor = self.ctx.background_db, self.ctx.actor

        def job(_progress: Any) -> int:
            return len(rx.import_office_list(db, actor, path))

        def done(count: int) -> None:
            self.note = f"报送单位名单已更新:{count} 个单位。"
            self.reload()

        self.ctx.tasks.run(job, on_done=done, on_error=lambda exc: self.status.setText(str(exc)),
                           label="正在导入报送单位名单……", parent=self)

    def export(self) -> None:
        if self.view is None:
            return
        name = file_dialogs.save_file_name(self, "导出汇总表", f"{self.view.consolidation.period.label}汇总表.xlsx",
                                           "Excel 工作簿 (*.xlsx);;PDF (*.pdf)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        from workstation.reports import consolidation, write_file
        from workstation.services.base import office_settings

        view, db = self.view, self.ctx.background_db
        fmt = "pdf" if path.suffix.lower() == ".pdf" else "xlsx"

        def job(_progress: Any) -> Path:
            write_file(path, consolidation.render(office_settings(db).office_name, view, fmt))
            return path

        self.ctx.tasks.run(job, on_done=lambda p: self.status.setText(f"已写出 {p}"),
                           on_error=lambda exc: self.status.setText(str(exc)), label="正在导出汇总表……", parent=self)
