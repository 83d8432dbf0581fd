"""督办: record a reminder to a unit, about one of its requests or all it is late with (services.handover.remind)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QVBoxLayout, QWidget

from workstation.domain.errors import UserError
from workstation.services import handover
from workstation.services.handover import Reminder, UnitBoard

from .context import AppContext
from .dialog_buttons import ok_cancel
from .dialogs.base import text_field
from .widgets import Form

ALL = "(该单位全部需督办的事项)"


class RemindDialog(QDialog):
    """The unit, the request (or all), what to do by when; saved on the worker, refused beside its field."""

    def __init__(self, ctx: AppContext, boards: list[UnitBoard], unit_id: int, case_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.boards = boards
        self.made: Reminder | None = None
        self.saving = False
        self.setWindowTitle("督办")
        self.form = Form()
        self.unit = self.form.add("unit", "承办单位", QComboBox())
        for b in boards:
            self.unit.addItem(b.unit, b.unit_id)
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit_id)))
        self.case = self.form.add("case", "督办事项", QComboBox())
        self._fill_cases()
        self.case.setCurrentIndex(max(0, self.case.findData(case_id)))
        self.unit.currentIndexChanged.connect(lambda _i: self._fill_cases())
        self.note = self.form.add("note", "督办内容", text_field("例如:请于内部办理期限前提交答复草稿"))
        self.print_box = QCheckBox("同时打印督办通知")
        self.form.add("print", "", self.print_box)
        buttons, self.ok_button = ok_cancel(self, "督办")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _fill_cases(self) -> None:
        self.case.clear()
        self.case.addItem(ALL, None)
        board = next((b for b in self.boards if b.unit_id == self.unit.currentData()), None)
        for chase in board.chases if board else []:
            self.case.addItem(chase.handover.number, chase.handover.request_id)

    def accept(self) -> None:
        if self.saving:
            return
        self.form.clear()
        db, actor, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()
        unit_id, case_id, note = self.unit.currentData(), self.case.currentData(), self.note.toPlainText()
        self._set_saving(True)
        self.ctx.tasks.run(lambda _p: handover.remind(db, actor, unit_id, note, case_id=case_id, today=today),
                           on_done=self._saved, on_error=self._refused, parent=self)

    def reject(self) -> None:
        if not self.saving:
            super().reject()

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.ok_button.setEnabled(not saving)

    def _saved(self, made: Reminder) -> None:
        self._set_saving(False)
        self.made = made
        super().accept()

    def _refused(self, exc: UserError) -> None:
        self._set_saving(False)
        self.form.show(exc)
