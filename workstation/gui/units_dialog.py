"""承办单位: the administrator adds, renames, re-classes and stops the office's units, and places each user in
the office itself or in one unit. Reads and writes go through the worker; a refusal shows beside its field.

An office that never adds a unit works as before: nothing of hand-overs shows anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.handover import UNIT_KINDS
from workstation.domain.status import Role
from workstation.services import units, users
from workstation.services.units import UnitInfo
from workstation.services.users import UserInfo
from workstation.store.database import Database

from .context import AppContext
from .list_table import list_table
from .widgets import Column, Form, Label, ListModel, error_label, fit_resize, show_error
from .worker import LatestQuery

OFFICE = "办公室(本机关)"


@dataclass(frozen=True)
class Places:
    units: list[UnitInfo]  # stopped ones too
    users: list[UserInfo]


def load_places(db: Database) -> Places:
    return Places(units.list_units(db, include_inactive=True), users.list_users(db))


class UnitsDialog(QDialog):
    """Two parts: the units (add, change, stop) and who works where."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin = ctx.has(Role.ADMIN)
        self.places: Places | None = None
        self.saving = False
        self.setWindowTitle("承办单位")
        self.query = LatestQuery(ctx.tasks, self)
        self.info = Label()
        self.info.setObjectName("infoBanner")
        self.info.setWordWrap(True)
        self.info.hide()
        note = Label("县级机关的科室、县直部门、乡镇和站所:办公室登记申请后转办给掌握信息的单位。"
                     "不设承办单位时,程序与单一机关相同,没有转办步骤。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self._build_units(), 1)
        layout.addWidget(self._build_users(), 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)
        if not self.admin:
            warning = Label("只有管理员可以管理承办单位;您可以查看。")
            warning.setObjectName("warning")
            layout.insertWidget(0, warning)
        for w in (self.add_button, self.change_button, self.place_button, self.name, self.kind, self.stopped,
                  self.place):
            w.setEnabled(self.admin)
        fit_resize(self, 780, 600)
        self.refresh()

    # -- the units ---------------------------------------------------------------------------
    def _build_units(self) -> QGroupBox:
        box = QGroupBox("承办单位")
        self.unit_model = ListModel([
            Column("单位名称", lambda u: u.name),
            Column("类别", lambda u: u.kind),
            Column("状态", lambda u: "正常" if u.active else "已停用"),
            Column("用户数", lambda u: str(u.users)),
        ], parent=self)
        self.unit_table = list_table(self.unit_model, (260, 110, 80))
        self.unit_table.setMinimumHeight(5 * self.unit_table.verticalHeader().defaultSectionSize())
        self.unit_table.selectionModel().selectionChanged.connect(lambda *_: self._unit_selected())
        self.form = Form()
        self.name = self.form.add("name", "单位名称", QLineEdit())
        self.name.setPlaceholderText("例如:县交通运输局、城关镇人民政府")
        self.kind = QComboBox()
        self.kind.addItems(UNIT_KINDS)
        self.stopped = QCheckBox("停用(不再转办给该单位;已有记录保留)")
        self.add_button = QPushButton("添加单位")
        self.add_button.clicked.connect(self.add_unit)
        self.change_button = QPushButton("保存修改")
        self.change_button.setToolTip("修改所选单位的名称、类别或停用")
        self.change_button.clicked.connect(self.change_unit)
        row = QHBoxLayout()  # one line, so that both lists keep their rows on a screen of 768 pixels
        row.addWidget(Label("类别"))
        for widget in (self.kind, self.stopped):
            row.addWidget(widget)
        row.addStretch(1)
        for button in (self.add_button, self.change_button):
            row.addWidget(button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.unit_table, 1)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.form.general)
        layout.addLayout(row)
        return box

    def selected_unit(self) -> UnitInfo | None:
        rows = self.unit_table.selectionModel().selectedRows()
        return self.unit_model.row_object(rows[0].row()) if rows else None

    def _unit_selected(self) -> None:
        unit = self.selected_unit()
        self.form.clear()
        if unit is not None:
            self.name.setText(unit.name)
            self.kind.setCurrentText(unit.kind)
            self.stopped.setChecked(not unit.active)

    def add_unit(self) -> None:
        actor, name, kind = self.ctx.actor, self.name.text(), self.kind.currentText()
        self._write(lambda db: units.create_unit(db, actor, name, kind),
                    lambda made: f"已添加承办单位“{made.name}”。", self.form.show)

    def change_unit(self) -> None:
        unit = self.selected_unit()
        if unit is None:
            self.form.show(UserError("请先在上面的列表中选择一个承办单位"))
            return
        actor, name, kind, active = self.ctx.actor, self.name.text(), self.kind.currentText(), not self.stopped.isChecked()
        self._write(lambda db: units.update_unit(db, actor, unit.id, name, kind, active),
                    lambda made: f"已保存承办单位“{made.name}”" + ("(已停用)。" if not made.active else "。"),
                    self.form.show)

    # -- who works where -----------------------------------------------------------------------
    def _build_users(self) -> QGroupBox:
        box = QGroupBox("用户所属单位")
        self.user_model = ListModel([
            Column("登录名", lambda u: u.login),
            Column("姓名", lambda u: u.display_name),
            Column("角色", lambda u: "、".join(r.label for r in Role if r in u.roles)),
            Column("所属单位", lambda u: u.unit_name or OFFICE),
        ], parent=self)
        self.user_table = list_table(self.user_model, (120, 120, 200))
        self.user_table.setMinimumHeight(5 * self.user_table.verticalHeader().defaultSectionSize())
        self.user_table.selectionModel().selectionChanged.connect(lambda *_: self._user_selected())
        self.place = QComboBox()
        self.place_button = QPushButton("设置所属单位")
        self.place_button.clicked.connect(self.set_place)
        self.user_error = error_label()
        row = QHBoxLayout()
        row.addWidget(Label("所选用户属于:"))
        row.addWidget(self.place, 1)
        row.addWidget(self.place_button)
        hint = Label("管理员属于办公室本身;承办单位的用户只看到、办理转办给本单位的申请。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.user_table, 1)
        layout.addLayout(row)
        layout.addWidget(self.user_error)
        layout.addWidget(hint)
        return box

    def selected_user(self) -> UserInfo | None:
        rows = self.user_table.selectionModel().selectedRows()
        return self.user_model.row_object(rows[0].row()) if rows else None

    def _user_selected(self) -> None:
        user = self.selected_user()
        show_error(self.user_error, "")
        self.place.setCurrentIndex(max(0, self.place.findData(user.unit_id if user else None)))

    def set_place(self) -> None:
        user = self.selected_user()
        if user is None:
            show_error(self.user_error, "请先在上面的列表中选择一个用户")
            return
        actor, unit_id = self.ctx.actor, self.place.currentData()
        where = self.place.currentText()
        self._write(lambda db: units.set_user_unit(db, actor, user.id, unit_id),
                    lambda _none: f"{user.display_name}现属于{where}。",
                    lambda exc: show_error(self.user_error, exc.message))

    # -- reading and writing on the worker -------------------------------------------------------
    def refresh(self) -> None:
        db = self.ctx.background_db
        self.query.run(lambda _p: load_places(db), self._loaded)

    def _loaded(self, places: Places) -> None:
        unit, user = self.selected_unit(), self.selected_user()
        self.places = places
        self.unit_model.set_rows(places.units)
        self.user_model.set_rows(places.users)
        self.place.clear()
        self.place.addItem(OFFICE, None)
        for u in places.units:
            if u.active:
                self.place.addItem(u.name, u.id)
        self._reselect(self.unit_table, [u.id for u in places.units], unit.id if unit else None)
        self._reselect(self.user_table, [u.id for u in places.users], user.id if user else None)

    @staticmethod
    def _reselect(table: Any, ids: list[int], wanted: int | None) -> None:
        if wanted in ids:
            table.selectRow(ids.index(wanted))

    def _write(self, call: Callable[[Database], Any], sentence: Callable[[Any], str],
               refused: Callable[[UserError], None]) -> None:
        if self.saving:
            return
        self.form.clear()
        show_error(self.user_error, "")
        db = self.ctx.background_db
        self.saving = True

        def done(result: Any) -> None:
            self.saving = False
            self.info.setText(sentence(result))
            self.info.show()
            self.ctx.data_changed()  # who sees what has changed: every view reads again
            self.refresh()

        def failed(exc: UserError) -> None:
            self.saving = False
            refused(exc)

        self.ctx.tasks.run(lambda _p: call(db), on_done=done, on_error=failed, parent=self)
