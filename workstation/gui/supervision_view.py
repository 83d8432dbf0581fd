"""督办 on the dashboard: for the office, per unit what to chase and a reminder to record; for a unit's user,
its own list (待签收, 办理中, 草稿已提交 with the internal deadlines) and the reminders it received.

Read on the worker with the dashboard; an office without units sees nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.handover import FLAG_LABELS, Flag, HandoverStatus
from workstation.domain.status import Role
from workstation.services import handover, handover_sheets, units
from workstation.services.base import Actor
from workstation.services.handover import Chase, HandoverInfo, Reminder, UnitBoard
from workstation.store.database import Database

from .context import AppContext, Change
from .list_table import fit_columns_to_titles, list_table
from .remind_dialog import RemindDialog
from .widgets import (
    OVERDUE_BACK,
    OVERDUE_TEXT,
    SOON_BACK,
    SOON_TEXT,
    Column,
    Label,
    ListModel,
    enter_shortcut,
    iso,
)
from .worker import LatestQuery

# the board's columns: short names, the whole rule in the hint under the table
FLAG_SHORT = {Flag.NOT_SIGNED: "逾期未签收", Flag.INTERNAL_SOON: "内部期限将到", Flag.INTERNAL_PAST: "已过内部期限",
              Flag.LEGAL_SOON: "法定期限临近"}
REMIND_TIP = "向所选承办单位督办(可针对一件申请):记入办理记录,该单位的工作台可见"
RULES = ";".join(f"{FLAG_SHORT[f]}:{FLAG_LABELS[f]}" for f in Flag)


@dataclass(frozen=True)
class Supervision:
    """What the panel shows: the office's boards, or a unit's own list; the reminders either way."""

    boards: list[UnitBoard]
    work: list[HandoverInfo]
    reminders: list[Reminder]


def load_supervision(db: Database, viewer: Actor, today: date) -> Supervision | None:
    """On the worker: None in an office without units (the dashboard then shows nothing of them)."""
    if viewer.in_unit:
        return Supervision([], handover.unit_work(db, viewer, today=today), handover.reminders(db, viewer))
    if not units.has_units(db):
        return None
    return Supervision(handover.supervision(db, viewer, today=today), [], handover.reminders(db, viewer))


def _internal(h: HandoverInfo) -> str:
    return iso(h.internal_due) if h.internal_due else "—"


class SupervisionPanel(QGroupBox):
    """The office's 督办 boards, or the unit's list: hidden until the worker says units exist."""

    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.in_unit = ctx.actor.in_unit
        super().__init__(f"{ctx.user.unit_name}:转办事项与督办" if self.in_unit else "督办:各承办单位", parent)
        self.ctx = ctx
        self.data: Supervision | None = None
        self.dialog: RemindDialog | None = None
        self.query = LatestQuery(ctx.tasks, self)
        self.info = Label("" if self.in_unit else RULES)
        self.info.setObjectName("hint")
        self.info.setWordWrap(True)
        self.said = Label()  # what the last 督办 recorded
        self.said.setObjectName("infoBanner")
        self.said.hide()
        layout = QVBoxLayout(self)
        if self.in_unit:
            layout.addWidget(self._build_unit(), 1)
        else:
            layout.addWidget(self._build_office(), 1)
        layout.addWidget(self.info)
        layout.addWidget(self.said)
        self.hide()

    # -- the office: boards per unit and the requests to chase --------------------------------
    def _build_office(self) -> QWidget:
        self.board_model = ListModel([
            Column("承办单位", lambda b: b.unit),
            Column("转办中", lambda b: str(b.handed), Qt.AlignmentFlag.AlignHCenter),
            *(Column(FLAG_SHORT[f], lambda b, f=f: str(b.counts[f]), Qt.AlignmentFlag.AlignHCenter) for f in Flag),
            Column("已督办", lambda b: str(b.reminders), Qt.AlignmentFlag.AlignHCenter),
        ], colour=self._board_colour, tooltip=lambda _b: RULES, parent=self)
        self.boards = list_table(self.board_model, (130,))
        fit_columns_to_titles(self.boards)
        self.boards.selectionModel().selectionChanged.connect(lambda *_: self._show_chases())
        self.chase_model = ListModel([
            Column("受理编号", lambda c: c.handover.number),
            Column("状态", lambda c: c.handover.status_label, Qt.AlignmentFlag.AlignHCenter),
            Column("内部期限", lambda c: _internal(c.handover), Qt.AlignmentFlag.AlignHCenter),
            Column("法定期限", lambda c: iso(c.handover.legal_due), Qt.AlignmentFlag.AlignHCenter),
            Column("督办事由", lambda c: "、".join(FLAG_SHORT[f] for f in c.flags)),
        ], colour=self._chase_colour, parent=self)
        self.chases = list_table(self.chase_model, (190, 64, 86, 86))
        self.chases.doubleClicked.connect(lambda index: self._open(self.chase_model, index))
        enter_shortcut(self.chases, lambda: self._open(self.chase_model, self.chases.currentIndex()))
        self.remind_button = QPushButton("督办…")
        self.remind_button.setAutoDefault(False)
        self.remind_button.clicked.connect(self.remind)
        self.remind_button.setEnabled(False)
        self.chase_title = Label()
        head = QHBoxLayout()
        head.addWidget(self.chase_title, 1)
        head.addWidget(self.remind_button)
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(head)
        box.addWidget(self.chases, 1)
        return self._split(self.boards, lower)

    @staticmethod
    def _split(left: QWidget, right: QWidget) -> QSplitter:
        """Side by side: the dashboard's own list keeps its height above."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([640, 580])
        return splitter

    @staticmethod
    def _board_colour(b: UnitBoard) -> tuple[QColor, QColor] | None:
        if b.counts[Flag.INTERNAL_PAST] or b.counts[Flag.NOT_SIGNED]:
            return OVERDUE_TEXT, OVERDUE_BACK
        if b.counts[Flag.INTERNAL_SOON] or b.counts[Flag.LEGAL_SOON]:
            return SOON_TEXT, SOON_BACK
        return None

    @staticmethod
    def _chase_colour(c: Chase) -> tuple[QColor, QColor] | None:
        late = {Flag.INTERNAL_PAST, Flag.NOT_SIGNED} & set(c.flags)
        return (OVERDUE_TEXT, OVERDUE_BACK) if late else (SOON_TEXT, SOON_BACK)

    def selected_board(self) -> UnitBoard | None:
        rows = self.boards.selectionModel().selectedRows()
        return self.board_model.row_object(rows[0].row()) if rows else None

    def _show_chases(self) -> None:
        board = self.selected_board()
        chases = board.chases if board else []
        self.chase_model.set_rows(chases)
        self.chase_title.setText(f"{board.unit}:需要督办 {len(chases)} 件(回车或双击打开)" if board
                                 else "请在上表选择一个承办单位")
        can = self.ctx.has(Role.CLERK, Role.HEAD)
        self.remind_button.setEnabled(board is not None and can)
        self.remind_button.setToolTip(REMIND_TIP if can else "需要承办人或负责人角色")

    # -- a unit's user: its list and the reminders it received -------------------------------------
    def _build_unit(self) -> QWidget:
        self.work_model = ListModel([
            Column("受理编号", lambda h: h.number),
            Column("状态", lambda h: h.status_label, Qt.AlignmentFlag.AlignHCenter),
            Column("转办日期", lambda h: iso(h.handed_on), Qt.AlignmentFlag.AlignHCenter),
            Column("内部期限", _internal, Qt.AlignmentFlag.AlignHCenter),
            Column("法定期限", lambda h: iso(h.legal_due), Qt.AlignmentFlag.AlignHCenter),
            Column("说明", lambda h: h.sent_back_reason and f"草稿退回意见:{h.sent_back_reason}" or h.note),
        ], parent=self)
        self.work = list_table(self.work_model, (196, 84, 86, 86, 86))
        self.work.doubleClicked.connect(lambda index: self._open(self.work_model, index))
        enter_shortcut(self.work, lambda: self._open(self.work_model, self.work.currentIndex()))
        self.reminder_model = ListModel([
            Column("督办日期", lambda r: iso(r.on), Qt.AlignmentFlag.AlignHCenter),
            Column("受理编号", lambda r: r.number or "(全部逾期事项)"),
            Column("督办内容", lambda r: r.note),
        ], tooltip=lambda r: r.note, parent=self)
        self.reminder_table = list_table(self.reminder_model, (90, 180))
        self.reminder_table.setToolTip("双击打开督办通知,可打印或另存为PDF")
        self.reminder_table.doubleClicked.connect(
            lambda index: self.print_notice(self.reminder_model.row_object(index.row())))
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        title = Label("收到的督办(双击打开督办通知)")
        title.setObjectName("sectionTitle")
        box.addWidget(title)
        box.addWidget(self.reminder_table, 1)
        return self._split(self.work, lower)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read on the worker with the dashboard (a newer read makes an older answer stale)."""
        db, viewer, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()
        self.query.run(lambda _p: load_supervision(db, viewer, today), self.show_data)

    def show_data(self, data: Supervision | None) -> None:
        self.data = data
        self.setVisible(data is not None)
        if data is None:
            return
        if self.in_unit:
            self.work_model.set_rows(data.work)
            self.reminder_model.set_rows(data.reminders)
            waiting = sum(1 for h in data.work if h.status == HandoverStatus.HANDED)
            self.info.setText(f"本单位转办事项 {len(data.work)} 件,其中待签收 {waiting} 件;"
                              "请在内部期限前提交答复草稿。回车或双击打开申请。")
            return
        chosen = self.selected_board()
        self.board_model.set_rows(data.boards)
        ids = [b.unit_id for b in data.boards]
        if ids:
            self.boards.selectRow(ids.index(chosen.unit_id) if chosen and chosen.unit_id in ids else 0)
        self._show_chases()

    def _open(self, model: ListModel, index: QModelIndex) -> None:
        if index.isValid():
            item = model.row_object(index.row())
            self.open_case.emit(item.handover.request_id if isinstance(item, Chase) else item.request_id)

    # -- 督办 ------------------------------------------------------------------------------
    def remind(self) -> None:
        board = self.selected_board()
        if board is None or self.data is None:
            return
        rows = self.chases.selectionModel().selectedRows()
        chosen = self.chase_model.row_object(rows[0].row()).handover.request_id if rows else None
        dialog = RemindDialog(self.ctx, self.data.boards, board.unit_id, chosen, self)
        dialog.accepted.connect(lambda: self._reminded(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _reminded(self, dialog: RemindDialog) -> None:
        self.dialog = None
        reminder = dialog.made
        if reminder is None:
            return
        about = f"(申请 {reminder.number})" if reminder.number else ""
        self.said.setText(f"已向{reminder.unit}督办{about}。")
        self.said.show()
        cases = frozenset({reminder.request_id}) if reminder.request_id else frozenset()
        self.ctx.data_changed(change=Change(cases, register=True))
        if dialog.print_box.isChecked():
            self.print_notice(reminder)

    def print_notice(self, reminder: Reminder) -> None:
        """The 督办通知 of a recorded reminder, rendered on the worker, then previewed."""
        from .sheet_preview import preview_sheet  # the printing modules load when first needed

        viewer, today = self.ctx.actor, self.ctx.today()
        preview_sheet(self.ctx, self, lambda db: handover_sheets.supervision_notice(db, viewer, reminder.id, today=today),
                      "督办通知", f"督办通知 {reminder.unit}")
