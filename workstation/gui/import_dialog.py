"""导入台账: bring an office's spreadsheet register (XLSX or CSV) into the register, all or nothing.

The clerk picks the file, 检查 runs the import as a dry run, 导入 writes it;
both run on the worker with a progress dialog that can cancel (a cancel
writes nothing: the service rolls the whole import back). A ledger with bad
rows writes nothing and lists every bad row (行, 列, 原因), which the clerk
can save as CSV to work through in Excel.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.ledger import REQUIRED, RowProblem
from workstation.domain.text_decoding import LABELS, EncodingUnclear
from workstation.services import backup
from workstation.services.ledger import LEDGER_ROLES, ImportReport, LedgerRejected, import_ledger

from . import file_dialogs
from .context import AppContext
from .widgets import Column, ListModel, error_label, fit_resize, show_error
from .worker import Progress

FILE_FILTER = "台账文件 (*.xlsx *.csv *.txt);;Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv);;所有文件 (*)"
PROBLEM_HEADERS = ("行", "列", "原因")
ROW_HEIGHT = 26

BANNERS = {
    "ok": "background: #e6f4ea; color: #1e4620; border: 1px solid #a8dab5;",
    "bad": "background: #fdecea; color: #8c1d18; border: 1px solid #f4b4ae; font-weight: bold;",
    "plain": "background: #f1f3f4; color: #3c4043; border: 1px solid #dadce0;",
}


class ImportCancelled(UserError):
    """The clerk pressed 取消 in the progress dialog; the service wrote nothing."""

    def __init__(self, dry_run: bool) -> None:
        super().__init__("已取消检查。" if dry_run else "已取消导入,未写入任何数据。")


def may_import(ctx: AppContext) -> bool:
    return ctx.has(*LEDGER_ROLES)


def write_problem_csv(path: Path, problems: Sequence[RowProblem]) -> None:
    """The bad-row list as CSV (UTF-8 with BOM, so that Excel shows the Chinese)."""
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(PROBLEM_HEADERS)
            out.writerows((p.line, p.column, p.reason) for p in problems)
    except OSError as exc:
        raise UserError(f"未能保存到 {path}:{exc.strerror or exc}。请换一个文件夹或文件名再试。") from None


def _typed_path(text: str) -> str:
    """What the clerk typed or pasted; Windows' "复制文件地址" wraps the path in quotes."""
    return text.strip().strip('"').strip()


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportReport, after a real import that added requests

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.pre_import_backup: Path | None = None
        self.report: ImportReport | None = None
        self.problems: tuple[RowProblem, ...] = ()
        self._progress: Progress | None = None
        self.encodings: dict[Path, str] = {}  # the clerk's answer for a CSV whose encoding was unclear
        self._dry_run = True
        self.setWindowTitle("导入台账")
        layout = QVBoxLayout(self)
        title = QLabel("导入台账")
        title.setObjectName("dialogTitle")
        layout.addWidget(title)
        intro = QLabel(
            f"把原来用 Excel 登记的台账(.xlsx 或 CSV)导入登记簿。第一行应为列名:{'、'.join(REQUIRED)}必须有,"
            "递交方式、证件号码、联系电话、通讯地址、申请内容、办理结果、答复日期、延期、备注可以有;"
            "其他列作为备注保留。")
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)
        layout.addWidget(self._file_box())
        layout.addWidget(self._result_box(), 1)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_resize(self, 880, 640)
        self._show_idle()
        self._set_busy(False)
        if not may_import(ctx):
            show_error(self.error, "只有承办人或负责人可以导入台账。")

    # -- building -------------------------------------------------------------------
    def _file_box(self) -> QWidget:
        box = QGroupBox("台账文件")
        layout = QVBoxLayout(box)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("台账文件的位置,例如 D:\\台账\\2025年依申请公开台账.xlsx")
        self.path_edit.setClearButtonEnabled(True)
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.check_button = QPushButton("检查")
        self.check_button.setToolTip("逐行检查台账,只报告结果,不写入任何数据")
        self.import_button = QPushButton("导入")
        self.import_button.setToolTip("先检查每一行,全部无误才写入登记簿")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.do_import)
        how = QLabel("先点“检查”:只检查,不写入。“导入”同样先检查每一行,有任何一行有问题就什么也不写入;"
                     "同一份台账再导入一次,已导入的申请不会重复登记。")
        how.setWordWrap(True)
        how.setObjectName("hint")
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.import_button)
        actions.addWidget(how, 1)
        layout.addLayout(actions)
        self.error = error_label()
        layout.addWidget(self.error)
        self.path_edit.textEdited.connect(lambda _text: self._show_idle())
        self.path_edit.returnPressed.connect(self.check)
        return box

    def _result_box(self) -> QWidget:
        box = QGroupBox("结果")
        layout = QVBoxLayout(box)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(self.headline)
        self.counts = QWidget()
        grid = QGridLayout(self.counts)
        grid.setContentsMargins(4, 4, 4, 8)
        grid.setHorizontalSpacing(28)
        self.count_numbers: dict[str, QLabel] = {}
        self.count_captions: dict[str, QLabel] = {}
        for column, key in enumerate(("new", "skipped", "open", "rows")):
            number = QLabel("0")
            number.setObjectName("bigNumber")
            caption = QLabel()
            caption.setObjectName("hint")
            grid.addWidget(number, 0, column, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(caption, 1, column, Qt.AlignmentFlag.AlignLeft)
            self.count_numbers[key] = number
            self.count_captions[key] = caption
        grid.setColumnStretch(4, 1)
        layout.addWidget(self.counts)
        self.after_hint = QLabel()
        self.after_hint.setObjectName("hint")
        self.after_hint.setWordWrap(True)
        layout.addWidget(self.after_hint)
        self.table_title = QLabel()
        self.table_title.setObjectName("sectionTitle")
        self.table_title.setWordWrap(True)
        layout.addWidget(self.table_title)
        self.model = ListModel([
            Column("行", lambda p: str(p.line), Qt.AlignmentFlag.AlignRight),
            Column("列", lambda p: p.column),
            Column("原因", lambda p: p.reason),
        ], tooltip=lambda p: p.text(), parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        # fixed sizes: a ledger may bring 10,000 bad rows and nothing may measure them all
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(0, metrics.horizontalAdvance("第100000行") + 16)
        self.table.setColumnWidth(1, metrics.horizontalAdvance("申请人类型") + 32)
        layout.addWidget(self.table, 1)
        self.save_button = QPushButton("保存问题清单(CSV)…")
        self.save_button.setToolTip("保存为 CSV 文件,可在 Excel 中打开,对照着改正台账")
        self.save_button.clicked.connect(self.save_problems)
        self.save_info = QLabel()
        self.save_info.setObjectName("hint")
        self.save_info.setWordWrap(True)
        self.save_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.save_info, 1)
        layout.addLayout(row)
        self.save_error = error_label()
        layout.addWidget(self.save_error)
        layout.addStretch(0)  # takes the room while there is no table, so the banner keeps its height
        return box

    # -- showing --------------------------------------------------------------------
    def _banner(self, text: str, kind: str) -> None:
        self.headline.setText(text)
        self.headline.setStyleSheet(f"QLabel {{ {BANNERS[kind]} border-radius: 4px; padding: 8px; }}")

    def _set_counts(self, values: dict[str, tuple[int, str]]) -> None:
        for key, number in self.count_numbers.items():
            count, caption = values[key]
            number.setText(str(count))
            self.count_captions[key].setText(caption)
        self.counts.show()

    def _set_problems(self, problems: Sequence[RowProblem], title: str, what: str = "问题清单") -> None:
        self.problems = tuple(problems)
        self.save_button.setText(f"保存{what}(CSV)…")
        self.model.set_rows(self.problems)
        self.table.scrollToTop()
        shown = bool(self.problems)
        self.table_title.setText(title)
        for w in (self.table_title, self.table, self.save_button, self.save_info):
            w.setVisible(shown)
        self.save_info.clear()
        show_error(self.save_error, "")

    def _show_idle(self) -> None:
        self.report = None
        self._banner("选择台账文件后点“检查”,这里会显示可以导入多少件、多少件已在登记簿中;"
                     "有问题的行会逐行列出。", "plain")
        self.counts.hide()
        self.after_hint.hide()
        self._set_problems((), "")
        if may_import(self.ctx):
            show_error(self.error, "")

    def _show_report(self, report: ImportReport, cancel_too_late: bool) -> None:
        self.report = report
        name = report.name
        if report.dry_run:
            if report.imported:
                text = (f"检查通过:{name} 可以导入 {report.imported} 件申请"
                        + (f",另有 {report.skipped} 件登记簿中已有,导入时跳过" if report.skipped else "")
                        + "。本次只做了检查,未写入任何数据;确认无误后点“导入”。")
            elif report.skipped:
                text = f"检查通过:{name} 中的 {report.skipped} 件申请都已在登记簿中,没有需要导入的。未写入任何数据。"
            else:
                text = f"检查通过:{name} 中没有可导入的申请。未写入任何数据。"
            captions = ("可以导入(件)", "已在登记簿中,将跳过(件)", "可导入中未办结(件)")
        else:
            if report.imported:
                text = (f"已导入 {report.imported} 件申请"
                        + (f",跳过 {report.skipped} 件(登记簿中已有)" if report.skipped else "")
                        + f"。来自 {name},已记入审计记录。")
                if cancel_too_late:
                    text = "点“取消”时导入已经完成:" + text
            else:
                text = (f"没有新增任何申请:{name} 中的 {report.skipped} 件申请都已在登记簿中(以前导入过),"
                        "本次未写入任何数据。")
            captions = ("已导入(件)", "已在登记簿中,已跳过(件)", "导入的未办结(件)")
        self._banner(text, "ok")
        self.after_hint.setVisible(not report.dry_run and report.imported > 0)
        saved = (f"导入前程序已自动备份登记簿({self.pre_import_backup.name}),"
                 if self.pre_import_backup is not None else "")
        self.after_hint.setText(f"导入的申请已列入“台账”和“工作台”。{saved}如发现导入有误,"
                                "可在“工具 → 备份与恢复”中从导入前的备份恢复。")
        self._set_counts({"new": (report.imported, captions[0]), "skipped": (report.skipped, captions[1]),
                          "open": (report.still_open, captions[2]), "rows": (report.rows, "台账数据行")})
        done = "将按原样导入" if report.dry_run else "已按原样导入"
        self._set_problems(report.notes, f"请留意(不影响导入,共 {len(report.notes)} 处,{done}并在备注中注明):",
                           "提示清单")

    def _show_rejected(self, exc: LedgerRejected) -> None:
        self.report = None
        self._banner(f"台账 {exc.name} 有 {exc.bad_rows} 行有问题(共 {len(exc.problems)} 处),未导入任何数据。"
                     "请按下表改正台账后重新检查;可以把问题清单保存下来,在 Excel 中对照修改。", "bad")
        self.counts.hide()
        self.after_hint.hide()
        self._set_problems(exc.problems, f"有问题的行(共 {len(exc.problems)} 处):")

    # -- choosing -------------------------------------------------------------------
    def path(self) -> Path | None:
        text = _typed_path(self.path_edit.text())
        return Path(text).expanduser() if text else None

    def choose_file(self) -> None:
        current = self.path()
        start = str(current if current is not None else "")
        name = file_dialogs.open_file_name(self, "选择台账文件", start, FILE_FILTER)
        if name:
            self.path_edit.setText(name)
            self._show_idle()

    # -- checking and importing -----------------------------------------------------
    def check(self) -> None:
        self._start(dry_run=True)

    def do_import(self) -> None:
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        if self.busy or not may_import(self.ctx):
            return
        path = self.path()
        self._show_idle()
        if path is None:
            show_error(self.error, "请先选择台账文件:点“选择文件…”,或在上面填写文件的位置。")
            self.path_edit.setFocus()
            return
        db, actor, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()
        encoding = self.encodings.get(path)
        self._dry_run = dry_run

        def job(progress: Progress) -> ImportReport:
            def heard(done: int, total: int) -> None:
                if progress.cancelled:
                    raise ImportCancelled(dry_run)
                progress.report(done, total)

            heard(0, 0)
            if not dry_run and db.path is not None:
                # a copy of the register as it was, verified, to go back to if the ledger was the wrong one;
                # a retried import of a refused ledger does not rotate older backups away
                made = backup.backup_if_changed(db)
                self.pre_import_backup = made.path if made else backup.trusted_backups(backup.default_backup_dir(db))[0]
            return import_ledger(db, actor, path, dry_run=dry_run, today=today, progress=heard, encoding=encoding)

        self._set_busy(True)
        label = "正在检查台账……" if dry_run else "正在导入台账(全部无误才写入)……"
        task = self.ctx.tasks.run(job, on_done=self._finished, on_error=self._failed, label=label, parent=self,
                                  cancellable=True)
        self._progress = task.progress

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        allowed = may_import(self.ctx)
        for w in (self.check_button, self.import_button):
            w.setEnabled(allowed and not busy)
        for w in (self.choose_button, self.path_edit, self.close_button, self.save_button):
            w.setEnabled(not busy)

    def _finished(self, report: ImportReport) -> None:
        cancelled = self._progress is not None and self._progress.cancelled
        self._set_busy(False)
        if cancelled and report.dry_run:
            self._banner("已取消检查。", "plain")
            return
        self._show_report(report, cancel_too_late=cancelled)
        if not report.dry_run and report.imported:
            self.ctx.data_changed()
            self.imported.emit(report)

    def _failed(self, exc: UserError) -> None:
        self._set_busy(False)
        if isinstance(exc, LedgerRejected):
            self._show_rejected(exc)
        elif isinstance(exc, ImportCancelled):
            self._banner(exc.message, "plain")
        elif isinstance(exc, EncodingUnclear) and self._ask_encoding(exc):
            self._start(dry_run=self._dry_run)
        else:
            self._banner(f"未能导入,未写入任何数据:\n{exc.message}", "bad")

    def _ask_encoding(self, exc: EncodingUnclear) -> bool:
        """Which encoding the CSV is in, asked rather than guessed; False when the clerk cancels."""
        path = self.path()
        box = QMessageBox(QMessageBox.Icon.Question, "选择文件的编码", f"{exc.message}\n\n这个文件是哪种编码?",
                          QMessageBox.StandardButton.NoButton, self)
        choices = {box.addButton(LABELS[key], QMessageBox.ButtonRole.AcceptRole): key for key in LABELS}
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        chosen = choices.get(box.clickedButton())
        if chosen is None or path is None:
            return False
        self.encodings[path] = chosen
        return True

    # -- the bad-row list -----------------------------------------------------------
    def save_problems(self) -> None:
        if not self.problems or self.busy:
            return
        ledger = self.path()
        folder = ledger.parent if ledger is not None else Path.home()
        stem = ledger.stem if ledger is not None else "台账"
        name = file_dialogs.save_file_name(self, "保存问题清单", str(folder / f"{stem}-问题清单.csv"),
                                           "CSV 文件 (*.csv)")
        if not name:
            return
        target = Path(name)
        if target.suffix.lower() != ".csv":
            target = target.with_name(target.name + ".csv")
        problems = self.problems
        self.save_info.clear()
        show_error(self.save_error, "")
        self._set_busy(True)
        self.ctx.tasks.run(lambda _p: write_problem_csv(target, problems),
                           on_done=lambda _none: self._saved(target), on_error=self._save_failed,
                           label="正在保存问题清单……", parent=self)

    def _saved(self, target: Path) -> None:
        self._set_busy(False)
        self.save_info.setText(f"已保存 {len(self.problems)} 处问题到 {target}")

    def _save_failed(self, exc: UserError) -> None:
        self._set_busy(False)
        show_error(self.save_error, exc.message)

    def reject(self) -> None:
        if self.busy:  # the worker still reads or writes: cancel in the progress dialog
            return
        super().reject()
