"""节假日: the working-day calendar by year, and importing the State Council's notice for a year.

The notice is parsed and shown day by day before anything is saved; after the
import, the open requests whose due date moved are listed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.calendar import Source
from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.domain.text_decoding import decode_text
from workstation.services import calendar as calendar_service
from workstation.services.clock import MovedDue
from workstation.services.gui_queries import year_calendar

from .context import AppContext
from .widgets import Column, ListModel, cn_weekday, error_label, iso, show_error

if TYPE_CHECKING:
    from workstation.domain.holiday_notice import ParsedNotice
from . import file_dialogs
from .year_grid import KIND_LABELS, SOURCE_LABELS, YearGrid, swatch

SOURCE_TEXT = {
    Source.OFFICIAL: "官方数据(程序内置的国务院办公厅安排)",
    Source.IMPORTED: "已导入国务院办公厅通知",
    Source.PROVISIONAL: "预估:尚无官方安排,按法定节日和周末推算。答复期限经过这一年的,均标注“预估”",
}
MAX_NOTICE_BYTES = 1_000_000


def read_notice_file(path: Path) -> str:
    """A notice saved from gov.cn: UTF-8 or GB18030 text (a damaged UTF-8 file is refused, not guessed)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取 {path.name}:{exc.strerror}") from None
    if len(raw) > MAX_NOTICE_BYTES:
        raise UserError(f"{path.name} 太大,不像是节假日安排通知;请选择通知的文本文件")
    return decode_text(raw, path.name, hint="请另存为 UTF-8 文本,或直接复制通知全文粘贴")


class HolidaysView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parsed: ParsedNotice | None = None
        self.moved: list[MovedDue] = []

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(ctx.today().year)
        self.year.setSuffix(" 年")
        prev_button = QPushButton("◀ 上一年")
        next_button = QPushButton("下一年 ▶")
        prev_button.clicked.connect(lambda: self.year.setValue(self.year.value() - 1))
        next_button.clicked.connect(lambda: self.year.setValue(self.year.value() + 1))
        self.year_source = QLabel()
        self.year_source.setWordWrap(True)
        self.grid = YearGrid()
        self.grid.today = ctx.today()
        head = QHBoxLayout()
        head.addWidget(prev_button)
        head.addWidget(self.year)
        head.addWidget(next_button)
        head.addWidget(self.year_source, 1)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addLayout(head)
        left_box.addWidget(self.grid, 1)
        left_box.addWidget(self._legend())

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self._build_import())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([800, 520])
        layout = QVBoxLayout(self)
        title = QLabel("节假日安排")
        title.setObjectName("screenTitle")
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        self.year.valueChanged.connect(self.show_year)
        ctx.changed.connect(self.show_year)
        self.show_year()

    def _legend(self) -> QWidget:
        box = QFrame()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        kinds = [(swatch(kind), label) for kind, label in KIND_LABELS.items()]
        sources = [(swatch("work", s), SOURCE_LABELS[s]) for s in (Source.IMPORTED, Source.PROVISIONAL, Source.MANUAL)]
        for title, items, note in (("日期:", kinds, ""), ("来源:", sources, "蓝框为今天;没有标记的为程序内置的官方数据")):
            row = QHBoxLayout()
            row.addWidget(QLabel(title))
            for pixmap, label in items:
                sample = QLabel()
                sample.setPixmap(pixmap)
                row.addWidget(sample)
                row.addWidget(QLabel(label))
                row.addSpacing(10)
            if note:
                hint = QLabel(note)
                hint.setObjectName("hint")
                row.addWidget(hint)
            row.addStretch(1)
            column.addLayout(row)
        return box

    def _build_import(self) -> QWidget:
        box = QGroupBox("导入国务院办公厅节假日安排通知")
        intro = QLabel("每年10月至12月,国务院办公厅发布下一年的《关于20××年部分节假日安排的通知》。"
                       "请从中国政府网复制通知全文粘贴到下面(或打开保存的文本文件),先预览,核对无误后导入。")
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("国务院办公厅关于20××年部分节假日安排的通知\n\n一、元旦:1月1日(周×)放假……")
        self.text.setTabChangesFocus(True)
        self.open_button = QPushButton("打开文件…")
        self.preview_button = QPushButton("预览")
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_file)
        self.preview_button.clicked.connect(self.preview)
        self.import_button.clicked.connect(self.import_notice)
        self.text.textChanged.connect(self._text_changed)
        if not self.ctx.has(Role.ADMIN, Role.HEAD, Role.CLERK):
            self.import_button.setToolTip("需要承办人、负责人或管理员角色")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.import_button)
        self.error = error_label()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.preview_list = QListWidget()
        self.preview_list.hide()
        self.moved_title = QLabel()
        self.moved_title.setWordWrap(True)
        self.moved_title.setObjectName("sectionTitle")
        self.moved_model = ListModel([
            Column("受理编号", lambda m: m.number),
            Column("申请人", lambda m: m.applicant),
            Column("原答复期限", lambda m: iso(m.old_due), Qt.AlignmentFlag.AlignHCenter),
            Column("新答复期限", lambda m: iso(m.new_due) + ("(预估)" if m.provisional else ""),
                   Qt.AlignmentFlag.AlignHCenter),
        ], parent=self)
        self.moved_table = QTableView()
        self.moved_table.setModel(self.moved_model)
        self.moved_table.verticalHeader().hide()
        self.moved_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.moved_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.moved_title.hide()
        self.moved_table.hide()
        layout = QVBoxLayout(box)
        layout.addWidget(intro)
        layout.addWidget(self.text, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview_list, 2)
        layout.addWidget(self.moved_title)
        layout.addWidget(self.moved_table, 2)
        layout.addStretch(0)
        return box

    # -- the year -----------------------------------------------------------------
    def show_year(self) -> None:
        year = self.year.value()
        cal = year_calendar(self.ctx.db, year)
        self.grid.set_days(year, cal.days)
        text = SOURCE_TEXT[cal.source]
        if cal.source is Source.IMPORTED and cal.imported_on:
            text += f"({cal.imported_on} 导入)"
        self.year_source.setText(f"{year}年:{text}")
        self.year_source.setStyleSheet("color: #8a5300; font-weight: bold;" if cal.source is Source.PROVISIONAL
                                       else "")

    def set_year(self, year: int) -> None:
        self.year.setValue(year)

    # -- the notice -----------------------------------------------------------------
    def _open_file(self) -> None:
        name = file_dialogs.open_file_name(self, "打开节假日安排通知", "", "文本文件 (*.txt);;所有文件 (*)")
        if not name:
            return
        try:
            self.text.setPlainText(read_notice_file(Path(name)))
        except UserError as exc:
            show_error(self.error, exc.message)
            return
        self.preview()

    def _text_changed(self) -> None:
        self.parsed = None
        self.import_button.setEnabled(False)
        self.preview_list.hide()
        self.summary.clear()

    def preview(self) -> None:
        """Parse the pasted text and list the days it sets; nothing is saved yet."""
        # the notice's patterns compile when first needed, not at start-up
        from workstation.domain.holiday_notice import parse_notice

        show_error(self.error, "")
        self.preview_list.clear()
        try:
            notice = parse_notice(self.text.toPlainText())
        except UserError as exc:
            show_error(self.error, exc.message)
            return
        self.parsed = notice
        for d, name in sorted(notice.off.items()):
            self.preview_list.addItem(f"{d.isoformat()} {cn_weekday(d)}  放假  {name}")
        for d, name in sorted(notice.work.items()):
            self.preview_list.addItem(f"{d.isoformat()} {cn_weekday(d)}  上班  ({name}调休)")
        self.preview_list.sortItems()
        self.preview_list.show()
        self.summary.setText(f"将导入{notice.year}年:放假 {len(notice.off)} 天,调休上班 {len(notice.work)} 天。"
                             "请与通知原文核对后点“导入”。")
        self.import_button.setEnabled(self.ctx.has(Role.ADMIN, Role.HEAD, Role.CLERK))
        self.set_year(notice.year)

    def import_notice(self) -> None:
        if self.parsed is None:
            return
        text, db, actor, today = self.text.toPlainText(), self.ctx.background_db, self.ctx.actor, self.ctx.today()
        self.import_button.setEnabled(False)
        self.ctx.tasks.run(lambda _p: calendar_service.import_notice(db, actor, text, today=today),
                           on_done=self._imported, on_error=lambda exc: show_error(self.error, exc.message),
                           label="正在导入节假日安排并重新计算答复期限……", parent=self)

    def _imported(self, result: tuple[int, list[MovedDue]]) -> None:
        year, moved = result
        self.moved = moved
        self.moved_model.set_rows(moved)
        changed = [m for m in moved if m.old_due != m.new_due]
        self.moved_title.setText(
            f"已导入{year}年节假日安排。{len(changed)} 件未办结申请的答复期限有变化"
            + (f",另有 {len(moved) - len(changed)} 件不再是预估" if len(moved) > len(changed) else "")
            + (":" if moved else "。"))
        self.moved_title.show()
        self.moved_table.setVisible(bool(moved))
        self.summary.setText(f"{year}年的节假日安排已保存(导入时间 {date.today().isoformat()})。")
        self.ctx.data_changed()
