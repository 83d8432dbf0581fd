"""What the case view's small dialogs share: a form, one service call, the refusal beside its field."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.services.cases import CaseSummary

from ..context import AppContext
from ..widgets import Form, Label, MultiLineEdit


class ServiceDialog(QDialog):
    """Subclasses add their fields in ``build()`` and call their one service in ``perform()``.

    ``perform`` returns the sentence the case view shows afterwards. A UserError
    keeps the dialog open with the message under the field it names (or at the
    bottom when it names none); a field named "override_reason" appears only
    when the service asks for a reason to go on.
    """

    title = ""
    ok_text = "确定"
    intro = ""

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case = case
        self.message = ""
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

    def build(self) -> None:
        raise NotImplementedError

    def perform(self) -> str:
        raise NotImplementedError

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
        self.form.clear()
        try:
            self.message = self.perform()
        except UserError as exc:
            if exc.field == "override_reason" and "override_reason" in self.form.fields:
                self.form.set_visible("override_reason", True)
            self.form.show(exc)
            return
        super().accept()


def text_field(placeholder: str = "", height: int = 70) -> MultiLineEdit:
    edit = MultiLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit
