"""The case window's 转办 section: the request's hand-overs to the units and the steps on them.

Shown only when the office has units (or the request was handed over before they were stopped). The office's
users hand over and answer each unit's draft; a unit's user signs for, sends back and submits its draft.
What each button may do comes with the case page (services.case_page), read on the worker.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from workstation.domain.handover import HANDOVER_STEPS
from workstation.services import handover_sheets
from workstation.services.case_page import CasePage
from workstation.services.handover import HandoverInfo

from .context import AppContext
from .dialogs.base import ServiceDialog
from .handover_dialogs import (
    AcceptDraftDialog,
    DraftDialog,
    HandOverDialog,
    ReturnDialog,
    SendBackDraftDialog,
    SignForDialog,
    WithdrawHandoverDialog,
    draft_text,
)
from .list_table import list_table
from .sheet_preview import preview_sheet
from .widgets import OVERDUE_BACK, OVERDUE_TEXT, Column, Label, ListModel, iso

OFFICE_BUTTONS = (("hand_over", "转办…"), ("accept_draft", "采纳草稿…"), ("send_back_draft", "退回草稿…"),
                  ("withdraw_handover", "收回…"))
UNIT_BUTTONS = (("sign_for", "签收…"), ("return", "退回…"), ("submit_draft", "提交答复草稿…"))
PER_HANDOVER = ("accept_draft", "send_back_draft", "withdraw_handover")
CHOOSE_ONE = "请先在上面的列表中选择一项转办"


def reasons(h: HandoverInfo) -> str:
    """The notes on a hand-over a clerk should read: the office's note, why it came back."""
    parts = []
    if h.note:
        parts.append(f"转办说明:{h.note}")
    if h.return_reason:
        parts.append(f"退回理由:{h.return_reason}")
    if h.sent_back_reason:
        parts.append(f"草稿退回意见:{h.sent_back_reason}")
    return ";".join(parts)


def _draft_cell(h: HandoverInfo) -> str:
    if not h.draft:
        return ""
    text = " ".join(str(h.draft.get("text", "")).split())
    return f"{h.draft.get('result', '')}:{text[:40]}"


def _tip(h: HandoverInfo) -> str:
    return "\n".join(t for t in (draft_text(h), reasons(h)) if t)


class HandoverPanel(QGroupBox):
    """转办: the table of hand-overs and the buttons of the viewer's place (office or unit)."""

    done = Signal(str)  # a step was saved: the sentence to show

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("转办", parent)
        self.ctx = ctx
        self.page: CasePage | None = None
        self.dialog: ServiceDialog | None = None
        self.in_unit = ctx.actor.in_unit
        self.model = ListModel([
            Column("承办单位", lambda h: h.unit),
            Column("状态", lambda h: h.status_label, Qt.AlignmentFlag.AlignHCenter),
            Column("转办日期", lambda h: iso(h.handed_on), Qt.AlignmentFlag.AlignHCenter),
            Column("内部期限", lambda h: iso(h.internal_due) if h.internal_due else "—", Qt.AlignmentFlag.AlignHCenter),
            Column("答复草稿", _draft_cell),
            Column("说明", reasons),
        ], colour=self._colour, tooltip=_tip, parent=self)
        self.table = list_table(self.model, (130, 80, 90, 90, 170), rows=3)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = Label()
        self.empty.setObjectName("hint")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in UNIT_BUTTONS if self.in_unit else OFFICE_BUTTONS:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.setEnabled(False)  # until the page is read
            button.clicked.connect(lambda _checked=False, k=key: self.start(k))
            button.setVisible(ctx.has(*HANDOVER_STEPS[key].roles))  # as the review buttons: the role's only
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.sheet_button = QPushButton("打印转办单…")
        self.sheet_button.setAutoDefault(False)
        self.sheet_button.setToolTip("所选转办的转办单(内部流转):预览、打印或另存为PDF")
        self.sheet_button.setEnabled(False)
        self.sheet_button.clicked.connect(self.print_sheet)
        row.addWidget(self.sheet_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        self.hide()

    def show_page(self, page: CasePage) -> None:
        """Fill the section from the page read on the worker; hidden in an office without units."""
        self.page = page
        self.setVisible(page.shows_handovers)
        if not page.shows_handovers:
            return
        selected = self.selected()
        self.model.set_rows(page.handovers)
        rows = [h.id for h in page.handovers]
        if page.handovers:
            self.table.selectRow(rows.index(selected.id) if selected and selected.id in rows else len(rows) - 1)
        if page.handovers:
            self.empty.hide()
        else:
            self.empty.setText("尚未转办;办公室自行办理的申请无需转办。" if not self.in_unit else "")
            self.empty.setVisible(not self.in_unit)
        self._update_buttons()

    def selected(self) -> HandoverInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_object(rows[0].row()) if rows else None

    def _mine(self) -> HandoverInfo | None:
        """A unit's user: its unit's hand-over still going (the newest)."""
        going = [h for h in self.page.handovers if h.status.active] if self.page else []
        return going[-1] if going else None

    def _update_buttons(self) -> None:
        if self.page is None:
            return
        chosen = self.selected()
        self.sheet_button.setEnabled(chosen is not None)
        for key, button in self.buttons.items():
            if key in PER_HANDOVER:
                tip = (self.page.draft_actions.get(chosen.id, {}).get(key, CHOOSE_ONE) if chosen else CHOOSE_ONE)
            else:
                tip = self.page.handover_actions.get(key, "")
            if key == "hand_over" and not tip and not self.page.units:
                tip = "没有可转办的承办单位"
            button.setEnabled(not tip)
            button.setToolTip(tip)

    @staticmethod
    def _colour(h: HandoverInfo) -> tuple[QColor, QColor] | None:
        return (OVERDUE_TEXT, OVERDUE_BACK) if h.on_time is False else None  # the draft came late

    def start(self, key: str) -> None:
        """Open the step's dialog (not blocking); on success the case window shows its sentence and reads again."""
        page = self.page
        if page is None:
            return
        case, chosen = page.case, self.selected()
        makers: dict[str, Callable[[], ServiceDialog]] = {
            "hand_over": lambda: HandOverDialog(self.ctx, case, page.units, page.handover_due,
                                                {h.unit_id: h.status_label for h in page.handovers if h.status.active},
                                                self),
            "sign_for": lambda: SignForDialog(self.ctx, case, self._mine(), self),
            "return": lambda: ReturnDialog(self.ctx, case, self),
            "submit_draft": lambda: DraftDialog(self.ctx, case, self._mine(), self),
        }
        if chosen is not None:
            makers |= {
                "accept_draft": lambda: AcceptDraftDialog(self.ctx, case, chosen, self),
                "send_back_draft": lambda: SendBackDraftDialog(self.ctx, case, chosen, self),
                "withdraw_handover": lambda: WithdrawHandoverDialog(self.ctx, case, chosen, self),
            }
        if key not in makers:
            return
        dialog = makers[key]()
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def print_sheet(self) -> None:
        """The 转办单 of the selected hand-over, rendered on the worker, then previewed."""
        chosen = self.selected()
        if chosen is None:
            return
        viewer, today = self.ctx.actor, self.ctx.today()
        number = self.page.case.number if self.page else ""
        preview_sheet(self.ctx, self, lambda db: handover_sheets.handover_sheet(db, viewer, chosen.id, today=today),
                      "转办单", f"转办单 {number} {chosen.unit}")

    def _saved(self, dialog: ServiceDialog) -> None:
        self.dialog = None
        self.done.emit(dialog.message)

