"""添加用户: a new user of the register with their roles (admin only)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services import users

from .context import AppContext
from .dialog_buttons import ok_cancel
from .widgets import Form


def role_boxes(checked: frozenset[Role] = frozenset()) -> tuple[QWidget, dict[Role, QCheckBox]]:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    boxes = {}
    for role in Role:
        box = QCheckBox(role.label)
        box.setChecked(role in checked)
        boxes[role] = box
        row.addWidget(box)
    row.addStretch(1)
    return holder, boxes


class UserDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created: users.UserInfo | None = None
        self.setWindowTitle("添加用户")
        self.form = Form()
        self.login = self.form.add("login", "登录名", QLineEdit())
        self.name = self.form.add("display_name", "姓名", QLineEdit())
        self.password = self.form.add("password", "初始密码", QLineEdit(), hint="至少6位;用户登录后可在“用户 → 修改密码”中改为自己的密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        holder, self.roles = role_boxes(frozenset({Role.CLERK}))
        self.form.add("roles", "角色", holder)
        buttons, _ok = ok_cancel(self, "添加")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def accept(self) -> None:
        roles = {role for role, box in self.roles.items() if box.isChecked()}
        try:
            self.created = users.create_user(self.ctx.db, self.ctx.actor, self.login.text(), self.name.text(),
                                             self.password.text(), roles)
        except UserError as exc:
            self.form.show(exc)
            return
        super().accept()
