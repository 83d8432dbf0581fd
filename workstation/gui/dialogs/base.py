"""What the case view's small dialogs share: a form, one service call, the refusal beside its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.services.cases import CaseSummary
from workstation.store.database import Database

from ..context import AppContext
from ..fitting import keep_wrapped_lines_whole
from ..widgets import Form, Label, MultiLineEdit, to_date

Job = Callable[[Database], Any]  # one service call with the form's values captured, run on the worker


class ServiceDialog(QDialog):
    """Subclasses add their fields in ``build()`` and hand their one service call over in ``job()``.

    ``job`` reads the form on the GUI thread and returns the call; the worker
    runs it on its own database handle while the Save button waits, and its
    answer becomes, through ``succeeded``, the sentence the case view shows
    afterwards. A UserError (from ``job`` or from the service) keeps the
    dialog open with what was typed and the message under the field it names
    (or at the bottom when it names none); a field named "override_reason"
    appears only when the service asks for a reason to go on.
    """

    title = ""
    ok_text = "确定"
    intro = ""
    scrolls = False  # True: the form scrolls (a long one: the reply)

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case = case
        self.message = ""
        self.saving = False
        self.setWindowTitle(f"{self.title} — {case.number}")
        self.form = Form()
        layout = QVBoxLayout(self)
        heading = Label(f"{case.number}  {case.applicant_name}")
        heading.setObjectName("sectionTitle")
        layout.addWidget(heading)
        if self.intro:
            intro = Label(self.intro)
            intro.setWordWrap(True)
            intro.setObjectName("hint")
            layout.addWidget(intro)
        self.build()
        if self.scrolls:  # a long form scrolls inside a screen of 768 pixels at 125 % rather than squeeze
            body = QWidget()
            body.setLayout(self.form.layout)
            area = QScrollArea()
            area.setWidget(body)
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            layout.addWidget(area, 1)
        else:
            layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button.setDefault(True)
        for box in self.findChildren(MultiLineEdit):  # Ctrl+Enter saves from a box where Enter is a new line
            box.submitted.connect(self.accept)
        if "override_reason" in self.form.fields:
            self.form.set_visible("override_reason", False)
        self.setMinimumWidth(max(460, self.minimumWidth()))  # build() may ask for more
        if not self.testAttribute(Qt.WidgetAttribute.WA_Resized):
            # hints and refusals wrap: the minimum height counts their lines (a large dialog that sized itself
            # in build(), the review with its scrolling checklist, keeps the size it chose)
            keep_wrapped_lines_whole(self)

    def build(self) -> None:
        raise NotImplementedError

    def job(self) -> Job:
        raise NotImplementedError

    def dated_job(self, service: Callable[..., Any], sentence: Callable[[Any], str]) -> Job:
        """The common shape: ``service(db, actor, case_id, on, note=, today=)`` with the form's ``on`` and
        ``note`` fields; ``sentence`` words its answer."""
        on, note = to_date(self.form.fields["on"].widget.date()), self.form.fields["note"].widget.toPlainText()
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        return lambda db: sentence(service(db, actor, case_id, on, note=note, today=today))

    def succeeded(self, result: Any) -> str:
        """On the GUI thread, after the service call: the sentence to show (by default what the job returned)."""
        return str(result)

    def add_override_reason(self, label: str = "理由") -> QLineEdit:
        edit = QLineEdit()
        self.form.add("override_reason", label, edit)
        return edit

    def error(self, name: str) -> QLabel:
        return self.form.error(name)

    @property
    def general_error(self) -> QLabel:
        return self.form.general

    def accept(self) -> None:
        if self.saving:  # Ctrl+Enter again while the worker writes
            return
        self.form.clear()
        try:
            call = self.job()
        except UserError as exc:
            self.refused(exc)
            return
        db = self.ctx.background_db
        self._set_saving(True)
        self.ctx.tasks.run(lambda _p: call(db), on_done=self._saved, on_error=self._failed, parent=self)

    def reject(self) -> None:
        if not self.saving:  # the write under way decides whether the dialog closes
            super().reject()

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.ok_button.setEnabled(not saving)

    def _saved(self, result: Any) -> None:
        self._set_saving(False)
        self.message = self.succeeded(result)
        super().accept()

    def _failed(self, exc: UserError) -> None:
        self._set_saving(False)
        self.refused(exc)

    def refused(self, exc: UserError) -> None:
        """Show a refusal beside its field; the form keeps what was typed."""
        if exc.field == "override_reason" and "override_reason" in self.form.fields:
            self.form.set_visible("override_reason", True)
        self.form.show(exc)


def text_field(placeholder: str = "", height: int = 70) -> MultiLineEdit:
    edit = MultiLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit
