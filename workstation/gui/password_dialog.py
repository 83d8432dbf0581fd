"""修改密码 (a user's own, the old one required) and 重置密码 (an admin, for a user who forgot theirs)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from workstation.domain.errors import UserError
from workstation.services import users
from workstation.services.base import Actor, ValidationError
from workstation.store.database import Database

from .widgets import Form


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


class _PasswordDialog(QDialog):
    """A form of password fields, an OK and a cancel button; ``_save`` calls the service."""

    def __init__(self, title: str, ok: str, cancel: str, message: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = Form()
        self.message = QLabel(message)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it holds a user's name
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.message)
        self._layout.addLayout(self.form.layout)
        self._layout.addWidget(self.form.general)
        self._layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _pair(self) -> tuple[QLineEdit, QLineEdit]:
        """The new password and its repetition."""
        raise NotImplementedError

    def _save(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        first, again = self._pair()
        if first.text() != again.text():
            self.form.show(ValidationError({"again": "两次输入的新密码不一致,请重新输入"}))
            again.clear()
            again.setFocus()
            return
        try:
            self._save()
        except UserError as exc:
            self.form.show(exc)
            return
        super().accept()


class ChangePasswordDialog(_PasswordDialog):
    """The user's own password; ``forced`` after an admin's reset (cancelling then means not working)."""

    def __init__(self, db: Database, actor: Actor, *, forced: bool = False, parent: QWidget | None = None) -> None:
        message = ("管理员重置了您的密码。请先设置只有您自己知道的新密码,然后开始工作。" if forced
                   else f"修改 {actor.display_name} 的登录密码。")
        super().__init__("修改密码", "修改", "退出" if forced else "取消", message, parent)
        self.db = db
        self.actor = actor
        self.old = self.form.add("old", "原密码", _secret(), hint="管理员重置后,原密码即临时密码" if forced else "")
        self.new = self.form.add("new", "新密码", _secret(), hint=f"至少{users.MIN_PASSWORD}位")
        self.again = self.form.add("again", "再次输入新密码", _secret())
        self.old.setFocus()

    def _pair(self) -> tuple[QLineEdit, QLineEdit]:
        return self.new, self.again

    def _save(self) -> None:
        users.change_password(self.db, self.actor, self.old.text(), self.new.text())


class ResetPasswordDialog(_PasswordDialog):
    """An admin gives a user a temporary password; the user must change it at the next login."""

    def __init__(self, db: Database, admin: Actor, user: users.UserInfo, parent: QWidget | None = None) -> None:
        super().__init__("重置密码", "重置", "取消",
                         f"为 {user.display_name}({user.login})设置临时密码。请当面告知本人;"
                         "本人下次登录时必须改为自己的新密码。重置也会解除因多次输错密码造成的锁定。", parent)
        self.db = db
        self.admin = admin
        self.user = user
        self.password = self.form.add("password", "临时密码", _secret(), hint=f"至少{users.MIN_PASSWORD}位")
        self.again = self.form.add("again", "再次输入", _secret())
        self.password.setFocus()

    def _pair(self) -> tuple[QLineEdit, QLineEdit]:
        return self.password, self.again

    def _save(self) -> None:
        users.reset_password(self.db, self.admin, self.user.id, self.password.text())

