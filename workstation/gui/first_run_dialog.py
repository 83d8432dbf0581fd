"""首次使用: the office's own data and its first administrator."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.services import office
from workstation.services.cases import format_number
from workstation.services.users import UserInfo
from workstation.settings import SETTINGS
from workstation.store.database import Database

from .fitting import pin_minimum_height
from .widgets import Form, Label

OFFICE_KEYS = ("office.name", "office.address", "office.phone", "numbers.request_prefix", "numbers.document_prefix",
               "office.review_body")
HINTS = {
    "office.name": "如:示范县城关镇人民政府",
    "numbers.request_prefix": "受理编号的前缀,如“城政依申”",
    "numbers.document_prefix": "本机关发出的告知书、函件文号的代字,如“城政信复”",
    "office.review_body": "答复告知书中写明的行政复议机关;乡镇为县级人民政府",
}
MINIMUM_WIDTH = 820


class FirstRunDialog(QDialog):
    """The first start on an empty register: creates the office settings and the administrator."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: UserInfo | None = None
        self.setWindowTitle("首次使用 — 设置本机关")
        intro = QLabel("欢迎使用信息公开申请工作台。请先填写本机关的信息,并设置管理员账号。"
                       "这些信息以后可以在“设置”中修改。")
        intro.setWordWrap(True)
        office_box = QGroupBox("本机关")
        self.office_form = Form()
        self.edits: dict[str, QLineEdit] = {}
        for key in OFFICE_KEYS:
            edit = QLineEdit(str(SETTINGS[key].default))
            self.edits[key] = edit
            self.office_form.add(key, SETTINGS[key].label, edit, hint=HINTS.get(key, ""))
        self.preview = Label()
        self.preview.setObjectName("hint")
        self.preview.setWordWrap(True)  # two numbers in one sentence: wider than the form at 125 %
        # the row's whole width, as the hints above it (a wrapped label alone asks for a narrow column)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.office_form.layout.addRow("", self.preview)
        for key in ("numbers.request_prefix", "numbers.document_prefix"):
            self.edits[key].textChanged.connect(self._show_preview)
        office_box.setLayout(self.office_form.layout)
        admin_box = QGroupBox("管理员")
        self.admin_form = Form(share=self.office_form)
        self.login = QLineEdit("admin")
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_form.add("login", "登录名", self.login)
        self.admin_form.add("display_name", "姓名", self.name)
        self.admin_form.add("password", "密码", self.password, hint="至少6位")
        self.admin_form.add("repeat", "再次输入密码", self.repeat)
        admin_box.setLayout(self.admin_form.layout)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # side by side: one above the other is taller than a 1366x768 screen at 125 % leaves (614)
        boxes = QHBoxLayout()
        boxes.addWidget(office_box, 3)
        boxes.addWidget(admin_box, 2, alignment=Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(boxes)
        layout.addWidget(self.office_form.general)
        layout.addStretch(1)
        layout.addWidget(buttons, alignment=Qt.AlignmentFlag.AlignRight)
        self._show_preview()
        self.setMinimumWidth(MINIMUM_WIDTH)
        pin_minimum_height(self, MINIMUM_WIDTH)  # the wrapped hints whole
        self.edits["office.name"].setFocus()

    def _show_preview(self) -> None:
        year = date.today().year
        number = format_number(str(SETTINGS["numbers.request_pattern"].default),
                               self.edits["numbers.request_prefix"].text().strip(), year, 1)
        notice = format_number(str(SETTINGS["numbers.document_pattern"].default),
                               self.edits["numbers.document_prefix"].text().strip(), year, 1)
        self.preview.setText(f"第一件申请的受理编号将是:{number}\n第一份告知书的文号将是:{notice}")

    def error(self, name: str) -> QLabel:
        return self.office_form.error(name)

    def accept(self) -> None:
        self.office_form.clear()
        values = {key: edit.text() for key, edit in self.edits.items()}
        if self.password.text() != self.repeat.text():
            self.office_form.show(UserError("两次输入的密码不一致", field="repeat"))
            pin_minimum_height(self)
            return
        try:
            self.user = office.setup_office(self.db, values, self.login.text(), self.name.text(),
                                            self.password.text())
        except UserError as exc:
            self.office_form.show(exc)
            pin_minimum_height(self)
            return
        super().accept()
