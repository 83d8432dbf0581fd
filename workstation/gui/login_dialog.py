"""登录: who is working at this window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from workstation.domain.errors import UserError
from workstation.services import users
from workstation.services.base import office_settings
from workstation.store.database import Database

from .widgets import Form, Label


class LoginDialog(QDialog):
    """Asks for login name and password; a refusal (wrong password, too many tries) stays on screen."""

    def __init__(self, db: Database, *, login: str = "", message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: users.UserInfo | None = None
        self.setWindowTitle("信息公开申请工作台 — 登录")
        office = office_settings(db).office_name or "信息公开申请工作台"
        title = Label(office)
        title.setObjectName("dialogTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.form = Form()
        self.login = QLineEdit(login)
        self.login.setMaxLength(50)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("login", "登录名", self.login)
        self.form.add("password", "密码", self.password)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        if message:
            self.form.general.setText(message)
            self.form.general.show()
        (self.password if login else self.login).setFocus()

    @property
    def error(self) -> QLabel:
        return self.form.general

    def accept(self) -> None:
        try:
            self.user = users.authenticate(self.db, self.login.text(), self.password.text())
        except UserError as exc:
            self.form.show(UserError(exc.message))  # login or password: never say which one was wrong
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()
