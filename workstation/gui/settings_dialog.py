"""设置: the office's data, number patterns, day counts, users and roles, and where the register lives.

Each page is a small declaration (title, setting keys, a note) registered in
``PAGES``; the widgets follow each setting's declared type (workstation.settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.numbers import example_number
from workstation.domain.status import Role
from workstation.services import office, users
from workstation.services.base import get_settings
from workstation.settings import SETTINGS

from .context import AppContext
from .password_dialog import ResetPasswordDialog
from .units_dialog import UnitsDialog
from .user_dialog import UserDialog, role_boxes
from .widgets import Column, Form, ListModel, error_label, fit_resize, show_error


@dataclass(frozen=True)
class Page:
    title: str
    keys: tuple[str, ...]
    note: str = ""


PAGES: tuple[Page, ...] = (
    Page("机关信息", ("office.name", "office.address", "office.phone", "office.postcode", "office.seal_text",
                      "office.review_body", "office.court", "fee.payment", "office.credit_code", "office.kind"),
         "行政复议机关和管辖法院写入答复告知书的救济途径;乡镇人民政府的复议机关为县级人民政府。"
         "统一社会信用代码和机关类别写入报送县级汇总的报送包;县政府本级的台账直接计入汇总的“本级”。"
         "缴纳方式印在收费通知上(如:到本机关财务室缴纳,或缴入非税收入账户及账号)。"),
    Page("编号格式", ("numbers.request_prefix", "numbers.request_pattern", "numbers.document_prefix",
                      "numbers.document_pattern"),
         "格式中可用 {prefix} 前缀、{year} 年份、{seq} 序号,必须含年份和序号;{seq:04d} 表示序号补足4位"
         "(最多12位)。"
         "已发出的编号不会改变。"),
    Page("期限天数", ("days.reply", "days.extension", "days.correction_notice", "days.correction_period",
                      "days.third_party", "days.fee", "days.postal", "days.due_soon"),
         "条例规定:答复20个工作日,延期最长20个工作日,补正告知7个工作日,第三方意见15个工作日。"
         "只有本地规定不同时才需修改;修改后新计算的期限按新天数。"),
    Page("打印", ("printing.printer", "printing.receipt_direct"),
         "打印机名称与系统中的打印队列名称一致(如“HP_LaserJet”)。在 Linux(统信、麒麟)上,文书以PDF原样送入"
         "打印队列,由打印机按自身分辨率输出;没有打印队列的系统上,逐页按打印机分辨率绘制后打印。"),
    Page("审核、文书与备份", ("review.allow_self_signoff", "review.extra_checklist", "documents.template_dir",
                              "documents.font_paths", "backup.dir", "backup.keep"),
         "备份文件夹留空时,使用数据库所在文件夹中的“备份”文件夹。"
         "立即备份、查看已有备份和从备份恢复,请用菜单“工具 → 备份与恢复…”。"),
)


def _editor(key: str, value: Any) -> QWidget:
    d = SETTINGS[key]
    if d.type is bool:
        box = QCheckBox()
        box.setChecked(bool(value))
        return box
    if d.type is int:
        spin = QSpinBox()
        spin.setRange(d.minimum if d.minimum is not None else 0, d.maximum if d.maximum is not None else 100000)
        spin.setValue(int(value))
        return spin
    return QLineEdit(str(value))


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    assert isinstance(widget, QLineEdit)
    return widget.text()


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin = ctx.has(Role.ADMIN)
        self.saving = False
        self.setWindowTitle("设置")
        self.loaded = get_settings(ctx.db)
        self.editors: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        self.form: Form | None = None
        for page in PAGES:
            self.tabs.addTab(self._settings_page(page), page.title)
        self.tabs.addTab(self._users_page(), "用户与角色")
        self.tabs.addTab(self._database_page(), "数据库")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button.setEnabled(self.admin)
        if not self.admin:
            self.save_button.setToolTip("只有管理员可以修改设置")
        layout = QVBoxLayout(self)
        if not self.admin:
            note = QLabel("只有管理员可以修改设置;您可以查看。")
            note.setObjectName("warning")
            layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.save_button.setDefault(True)
        fit_resize(self, 760, 560)

    @property
    def general_error(self) -> QLabel:
        assert self.form is not None
        return self.form.general

    def error(self, key: str) -> QLabel:
        assert self.form is not None
        return self.form.error(key)

    # -- pages ----------------------------------------------------------------------
    def _settings_page(self, page: Page) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        form = Form(share=self.form) if self.form else Form()
        self.form = self.form or form
        for key in page.keys:
            editor = _editor(key, self.loaded[key])
            editor.setEnabled(self.admin)
            self.editors[key] = editor
            form.add(key, SETTINGS[key].label, editor)
        if "numbers.request_pattern" in page.keys:
            self.number_example = QLabel()
            self.number_example.setObjectName("hint")
            form.layout.addRow("示例:", self.number_example)
            for key in page.keys:
                editor = self.editors[key]
                assert isinstance(editor, QLineEdit)
                editor.textChanged.connect(self._show_examples)
            self._show_examples()
        layout.addLayout(form.layout)
        if page.note:
            note = QLabel(page.note)
            note.setObjectName("hint")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addStretch(1)
        return widget

    def _show_examples(self) -> None:
        year = self.ctx.today().year
        lines = []
        for what, prefix, pattern in (("受理编号", "numbers.request_prefix", "numbers.request_pattern"),
                                      ("文号", "numbers.document_prefix", "numbers.document_pattern")):
            example = example_number(_value(self.editors[pattern]), _value(self.editors[prefix]), year, 12)
            lines.append(f"{what}:{example if example is not None else '(格式无效)'}")
        self.number_example.setText("\n".join(lines))

    def _users_page(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        self.users_model = ListModel([
            Column("登录名", lambda u: u.login),
            Column("姓名", lambda u: u.display_name),
            Column("角色", lambda u: "、".join(r.label for r in Role if r in u.roles)),
            Column("状态", lambda u: ("正常" if u.active else "已停用") + ("(须改密码)" if u.must_change else "")),
            Column("所属单位", lambda u: u.unit_name or "办公室"),
        ], parent=self)
        self.users_table = QTableView()
        self.users_table.setModel(self.users_model)
        self.users_table.verticalHeader().hide()
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        holder, self.role_boxes = role_boxes()
        self.active_box = QCheckBox("可以登录")
        self.save_roles = QPushButton("保存角色")
        self.add_user = QPushButton("添加用户…")
        self.reset_button = QPushButton("重置密码…")
        self.reset_button.setToolTip("用户忘记密码或被锁定时:设置临时密码,本人下次登录时须改为自己的密码")
        self.users_error = error_label()
        self.users_info = QLabel()
        self.users_info.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(QLabel("所选用户的角色:"))
        row.addWidget(holder, 1)
        row.addWidget(self.active_box)
        row.addWidget(self.save_roles)
        layout.addWidget(self.users_table, 1)
        layout.addLayout(row)
        layout.addWidget(self.users_error)
        layout.addWidget(self.users_info)
        user_buttons = QHBoxLayout()
        user_buttons.addWidget(self.add_user)
        user_buttons.addWidget(self.reset_button)
        user_buttons.addStretch(1)
        self.units_button = QPushButton("承办单位…")
        self.units_button.setToolTip("县级机关的科室、县直部门、乡镇和站所,以及每个用户属于办公室还是哪个单位")
        self.units_button.clicked.connect(self.open_units)
        user_buttons.addWidget(self.units_button)
        layout.addLayout(user_buttons)
        if not self.admin:
            note = QLabel("只有管理员可以添加用户、修改角色和重置密码。")
            note.setObjectName("hint")
            layout.addWidget(note)
        for w in (*self.role_boxes.values(), self.active_box, self.save_roles, self.add_user, self.reset_button):
            w.setEnabled(self.admin)
        self.users_table.selectionModel().selectionChanged.connect(self._user_selected)
        self.save_roles.clicked.connect(self._save_roles)
        self.add_user.clicked.connect(self._add_user)
        self.reset_button.clicked.connect(self._reset_password)
        self._load_users()
        return widget

    def _database_page(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        place = QLineEdit(self.ctx.location)
        place.setReadOnly(True)
        note = QLabel("数据库位置在启动时决定,不能在这里修改。要使用另一个数据库文件,请以"
                      "“workstation --db 文件路径”启动;县级机关多个窗口共用一个 PostgreSQL 数据库时,以"
                      "“workstation --db-url postgresql+psycopg://用户@服务器/数据库”启动。"
                      "备份与恢复请用菜单“工具 → 备份与恢复…”。")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(QLabel("当前数据库:"))
        layout.addWidget(place)
        layout.addWidget(note)
        layout.addStretch(1)
        return widget

    # -- users ------------------------------------------------------------------------
    def _load_users(self) -> None:
        self.users_model.set_rows(users.list_users(self.ctx.db))

    def _selected_user(self) -> users.UserInfo | None:
        rows = self.users_table.selectionModel().selectedRows()
        return self.users_model.row_object(rows[0].row()) if rows else None

    def select_user(self, login: str) -> None:
        for row in range(self.users_model.rowCount()):
            if self.users_model.row_object(row).login == login:
                self.users_table.selectRow(row)

    def _user_selected(self) -> None:
        user = self._selected_user()
        show_error(self.users_error, "")
        for role, box in self.role_boxes.items():
            box.setChecked(bool(user and role in user.roles))
        self.active_box.setChecked(bool(user and user.active))

    def _save_roles(self) -> None:
        user = self._selected_user()
        if user is None:
            show_error(self.users_error, "请先在上面的列表中选择一个用户")
            return
        roles = {role for role, box in self.role_boxes.items() if box.isChecked()}
        try:
            changed = users.set_roles(self.ctx.db, self.ctx.actor, user.id, roles, self.active_box.isChecked())
        except UserError as exc:
            show_error(self.users_error, exc.message)
            return
        self._load_users()
        self.select_user(changed.login)
        self.users_info.setText(f"已保存{changed.display_name}的角色。")

    def _add_user(self) -> None:
        dialog = UserDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._user_added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.user_dialog = dialog
        dialog.open()

    def open_units(self) -> UnitsDialog:
        dialog = UnitsDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self._load_users())
        dialog.finished.connect(dialog.deleteLater)
        self.units_dialog = dialog
        dialog.open()
        return dialog

    def _reset_password(self) -> None:
        user = self._selected_user()
        if user is None:
            show_error(self.users_error, "请先在上面的列表中选择一个用户")
            return
        dialog = ResetPasswordDialog(self.ctx.db, self.ctx.actor, user, self)
        dialog.accepted.connect(lambda: self._password_reset(user))
        dialog.finished.connect(dialog.deleteLater)
        self.password_dialog = dialog
        dialog.open()

    def _password_reset(self, user: users.UserInfo) -> None:
        self._load_users()
        self.select_user(user.login)
        self.users_info.setText(f"已为{user.display_name}设置临时密码;本人下次登录时须改为自己的密码。")

    def _user_added(self, dialog: UserDialog) -> None:
        self._load_users()
        if dialog.created:
            self.select_user(dialog.created.login)
            self.users_info.setText(f"已添加用户{dialog.created.display_name}({dialog.created.login})。")

    # -- saving -------------------------------------------------------------------------
    def changed_values(self) -> dict[str, Any]:
        return {key: _value(w) for key, w in self.editors.items() if _value(w) != self.loaded[key]}

    def accept(self) -> None:
        """Save what changed on the worker; the dialog stays open, Save disabled, until it answers."""
        assert self.form is not None
        if self.saving:
            return
        self.form.clear()
        values = self.changed_values()
        if not values:
            super().accept()
            return
        db, actor = self.ctx.background_db, self.ctx.actor
        self._set_saving(True)
        self.ctx.tasks.run(lambda _p: office.save_settings(db, actor, values), on_done=self._saved,
                           on_error=self._refused, parent=self)

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(self.admin and not saving)

    def _saved(self, _result: object) -> None:
        self._set_saving(False)
        self.ctx.data_changed("settings")
        super().accept()

    def _refused(self, exc: UserError) -> None:
        assert self.form is not None
        self._set_saving(False)
        self.form.show(exc)
        self._show_tab_of(exc)

    def reject(self) -> None:
        if not self.saving:  # the save under way decides whether the dialog closes
            super().reject()

    def _show_tab_of(self, exc: UserError) -> None:
        keys = list(getattr(exc, "errors", {})) or [exc.field or ""]
        for i, page in enumerate(PAGES):
            if keys[0] in page.keys:
                self.tabs.setCurrentIndex(i)
                return
