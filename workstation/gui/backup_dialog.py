"""备份与恢复: where backups go and how many are kept, the backups made so far, back up now, restore.

Every user may back up now; only the head or the administrator may restore,
because a restore throws away everything done since the backup; only the
administrator changes the settings. A restore closes the register, backs the
current file up, copies the backup over it and hands back a ``Restored``: the
main window then closes and the program reopens the register and asks for the
login again (the users of the restored register may differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services import backup, office
from workstation.services.backup import BackupInfo
from workstation.services.base import office_settings
from workstation.services.queries import CaseFilter, count_cases
from workstation.settings import SETTINGS

from . import file_dialogs
from .context import AppContext
from .widgets import Column, Form, ListModel, error_label, fit_resize, show_error
from .worker import Progress


@dataclass(frozen=True)
class BackupRow:
    """One file in the backup folder as the list shows it; ``problem`` says why it cannot be restored."""

    path: Path
    created: datetime
    schema_version: str | None
    requests: int | None
    problem: str = ""

    @property
    def note(self) -> str:
        if self.problem:
            return self.problem
        if backup.SAFETY_MARK in self.path.name:
            return "恢复前自动保存的原数据库"
        return ""


@dataclass(frozen=True)
class Restored:
    info: BackupInfo
    safety: Path | None
    db_path: Path


def read_backups(folder: Path, progress: Progress) -> list[BackupRow]:
    """The backups in ``folder``, newest first, each verified (on the worker: integrity checks take a while)."""
    paths = backup.list_backups(folder)
    known = backup.known_schema_versions()
    rows = []
    for done, path in enumerate(paths):
        progress.report(done, len(paths))
        try:
            info = backup.inspect_backup(path)
        except UserError as exc:
            rows.append(BackupRow(path, datetime.fromtimestamp(path.stat().st_mtime), None, None, exc.message))
            continue
        newer = "较新版本的程序做的备份,本程序不能恢复" if info.schema_version not in known else ""
        rows.append(BackupRow(path, info.created, info.schema_version, info.rows["request"], newer))
    return rows


def ask(parent: QWidget, title: str, text: str, yes: str, no: str = "取消") -> bool:
    """A question with Chinese buttons; the safe answer (``no``) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def tell(parent: QWidget, title: str, text: str, *, warning: bool = False) -> None:
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


class BackupDialog(QDialog):
    backed_up = Signal(object)  # BackupInfo
    restore_starting = Signal()
    restored = Signal(object)  # Restored

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin = ctx.has(Role.ADMIN)
        self.may_restore = ctx.has(*backup.RESTORE_ROLES)
        self.may_backup = ctx.has(*backup.BACKUP_ROLES)
        self.outcome: Restored | None = None
        self.setWindowTitle("备份与恢复")
        layout = QVBoxLayout(self)
        title = QLabel("备份与恢复")
        title.setObjectName("dialogTitle")
        layout.addWidget(title)
        if ctx.db.path is None:
            layout.addWidget(self._server_note(), 1)
        else:
            layout.addWidget(self._settings_box())
            layout.addWidget(self._list_box(), 1)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_resize(self, 820, 600)
        if ctx.db.path is not None:
            self.load()

    # -- building -------------------------------------------------------------------
    def _server_note(self) -> QWidget:
        note = QLabel(
            f"当前使用的是服务器数据库:{self.ctx.location}\n\n"
            "服务器数据库(PostgreSQL)由数据库服务器的管理员用 PostgreSQL 自带的工具备份和恢复,"
            "本程序不做备份。例如每天备份一次:\n"
            "    pg_dump -Fc -f 备份文件名.dump 数据库名\n"
            "恢复:\n"
            "    pg_restore --clean -d 数据库名 备份文件名.dump\n\n"
            "请与信息化管理员确认服务器上已经安排了定期备份,并且备份存放在另一台机器或移动硬盘上。")
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.server_note = note
        return note

    def _settings_box(self) -> QWidget:
        box = QGroupBox("自动备份")
        layout = QVBoxLayout(box)
        intro = QLabel("程序每天第一次启动时(连续开着时每天一次)和退出时自动备份,每份备份都经过完整性校验。"
                       "备份文件夹最好放在另一块硬盘或定期复制到移动硬盘。")
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)
        settings = office_settings(self.ctx.db)
        self.form = Form()
        self.folder_edit = QLineEdit(settings.backup_dir)
        assert self.ctx.db.path is not None
        self.folder_edit.setPlaceholderText(str(backup.folder_beside(self.ctx.db.path)))
        self.choose_button = QPushButton("选择…")
        self.choose_button.clicked.connect(self._choose_folder)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.choose_button)
        self.form.add("backup.dir", SETTINGS["backup.dir"].label, folder_row,
                      hint="留空则使用数据库所在文件夹中的默认备份文件夹(框中灰字所示)")
        self.form.fields["backup.dir"].label.setBuddy(self.folder_edit)
        d = SETTINGS["backup.keep"]
        self.keep = QSpinBox()
        self.keep.setRange(d.minimum or 1, d.maximum or 1000)
        self.keep.setValue(settings.backup_keep)
        self.keep.setSuffix(" 份")
        self.form.add("backup.keep", d.label, self.keep, hint="超过这个份数时,最早的备份自动删除")
        layout.addLayout(self.form.layout)
        self.save_button = QPushButton("保存备份设置")
        self.save_button.clicked.connect(self.save_settings)
        self.settings_info = QLabel()
        self.settings_info.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.settings_info, 1)
        layout.addWidget(self.form.general)
        layout.addLayout(row)
        for w in (self.folder_edit, self.choose_button, self.keep, self.save_button):
            w.setEnabled(self.admin)
        if not self.admin:
            self.settings_info.setText("只有管理员可以修改备份设置。")
        return box

    def _list_box(self) -> QWidget:
        box = QGroupBox("已有备份")
        layout = QVBoxLayout(box)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("hint")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = ListModel([
            Column("备份时间", lambda r: when(r.created)),
            Column("申请件数", lambda r: "" if r.requests is None else str(r.requests), Qt.AlignmentFlag.AlignRight),
            Column("结构版本", lambda r: r.schema_version or ""),
            Column("说明", lambda r: r.note),
            Column("文件名", lambda r: r.path.name),
        ], tooltip=lambda r: str(r.path), parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_file_button = QPushButton("从其他文件恢复…")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_other_file)
        self.backup_button.setEnabled(self.may_backup)
        if not self.may_backup:
            self.backup_button.setToolTip("只有负责人或管理员可以立即备份;程序每天和退出时会自动备份")
        for button in (self.restore_button, self.restore_file_button):
            button.setEnabled(self.may_restore)
            if not self.may_restore:
                button.setToolTip("只有负责人或管理员可以从备份恢复")
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.restore_file_button)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        if not self.may_restore:
            note = QLabel("只有负责人或管理员可以从备份恢复。")
            note.setObjectName("hint")
            layout.addWidget(note)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        return box

    # -- the list ---------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        return backup.default_backup_dir(self.ctx.db)

    def load(self) -> None:
        """Read the backup folder on the worker; the list fills when it is done."""
        folder = self.folder
        self.folder_label.setText(f"备份文件夹:{folder}")
        self.ctx.tasks.run(lambda progress: read_backups(folder, progress), on_done=self._show_rows,
                           on_error=self._show_problem, label="正在检查备份文件……", parent=self)

    def _show_rows(self, rows: list[BackupRow]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.info.setText("这个文件夹中还没有备份。点“立即备份”做第一份。")

    def _show_problem(self, exc: UserError) -> None:
        show_error(self.error, exc.message)

    def selected(self) -> BackupRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_object(rows[0].row()) if rows else None

    def select(self, path: Path) -> None:
        for row in range(self.model.rowCount()):
            if self.model.row_object(row).path == path:
                self.table.selectRow(row)

    # -- settings ---------------------------------------------------------------------
    def _choose_folder(self) -> None:
        start = self.folder_edit.text() or str(self.folder)
        name = file_dialogs.existing_directory(self, "选择备份文件夹", start)
        if name:
            self.folder_edit.setText(name)

    def save_settings(self) -> None:
        self.form.clear()
        self.settings_info.clear()
        values = {"backup.dir": self.folder_edit.text().strip(), "backup.keep": self.keep.value()}
        try:
            changed = office.save_settings(self.ctx.db, self.ctx.actor, values)
        except UserError as exc:
            self.form.show(exc)
            return
        self.ctx.data_changed("settings")
        self.settings_info.setText("已保存备份设置。" if changed else "设置没有变化。")
        self.load()

    # -- backing up -------------------------------------------------------------------
    def backup_now(self) -> None:
        self._clear_messages()
        self.backup_button.setEnabled(False)
        db, actor = self.ctx.background_db, self.ctx.actor
        self.ctx.tasks.run(lambda _progress: backup.backup(db, actor=actor), on_done=self._backed_up,
                           on_error=self._backup_failed, label="正在备份……", parent=self)

    def _backed_up(self, info: BackupInfo) -> None:
        self.backup_button.setEnabled(True)
        removed = f"按保留份数删除了 {len(info.removed)} 份最早的备份。" if info.removed else ""
        self.info.setText(f"已备份到 {info.path}(其中 {info.rows['request']} 件申请,校验通过)。{removed}")
        self.backed_up.emit(info)
        self._reload_selecting(info.path)

    def _backup_failed(self, exc: UserError) -> None:
        self.backup_button.setEnabled(True)
        show_error(self.error, exc.message)

    def _reload_selecting(self, path: Path) -> None:
        folder = self.folder

        def shown(rows: list[BackupRow]) -> None:
            self._show_rows(rows)
            self.select(path)

        self.ctx.tasks.run(lambda progress: read_backups(folder, progress), on_done=shown,
                           on_error=self._show_problem, label="正在检查备份文件……", parent=self)

    def _clear_messages(self) -> None:
        self.info.clear()
        show_error(self.error, "")

    # -- restoring --------------------------------------------------------------------
    def restore_selected(self) -> None:
        row = self.selected()
        if row is None:
            self._clear_messages()
            show_error(self.error, "请先在上面的列表中选择要恢复的备份")
            return
        self.restore_from(row.path)

    def restore_other_file(self) -> None:
        name = file_dialogs.open_file_name(self, "选择备份文件", str(self.folder),
                                           "备份文件 (*.sqlite3 *.db);;所有文件 (*)")
        if name:
            self.restore_from(Path(name))

    def restore_from(self, path: Path) -> None:
        """Check the file on the worker, ask, then restore; a file that will not do changes nothing."""
        self._clear_messages()
        db, actor, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()
        assert db.path is not None
        db_path = db.path

        def check(_progress: Progress) -> tuple[BackupInfo, int]:
            info = backup.check_restorable(path, db_path, actor=actor)
            return info, count_cases(db, CaseFilter(), today=today)

        self.ctx.tasks.run(check, on_done=self._confirm, on_error=self._show_problem,
                           label="正在检查备份文件……", parent=self)

    def _confirm(self, checked: tuple[BackupInfo, int]) -> None:
        info, current = checked
        text = (f"用这份备份替换当前数据库吗?\n\n"
                f"备份文件:{info.path.name}\n"
                f"备份时间:{when(info.created)},其中 {info.rows['request']} 件申请(当前数据库 {current} 件)\n\n"
                f"1. 先把当前数据库完整备份到:\n    {self.folder}\n    (文件名以 {backup.SAFETY_MARK[1:]} 结尾,"
                "需要时可以再从它恢复)\n"
                "2. 再用这份备份替换当前数据库。备份时间之后登记和办理的内容,恢复后将不在数据库中。\n"
                "3. 恢复后程序关闭当前窗口、重新打开数据库,请重新登录。")
        if ask(self, "从备份恢复", text, "恢复"):
            self._restore(info)

    def _restore(self, info: BackupInfo) -> None:
        db_path = self.ctx.db.path
        assert db_path is not None
        folder, actor = self.folder, self.ctx.actor
        self.restore_starting.emit()
        # the file is replaced underneath: no connection of ours may stay open
        self.ctx.tasks.wait()
        self.ctx.db.close()
        self.ctx.tasks.run(lambda _progress: backup.restore(info.path, db_path, safety_dir=folder, actor=actor),
                           on_done=lambda result: self._restored(result, db_path),
                           on_error=self._restore_failed, label="正在从备份恢复……", parent=self)

    def _restored(self, result: tuple[BackupInfo, Path | None], db_path: Path) -> None:
        info, safety = result
        self.outcome = Restored(info, safety, db_path)
        self.accept()
        self.restored.emit(self.outcome)

    def _restore_failed(self, exc: UserError) -> None:
        self.ctx.db.hold()  # the register stays open here: another window may not restore it away
        show_error(self.error, f"{exc.message}\n当前数据库没有被替换。")
        self.load()
