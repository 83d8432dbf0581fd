"""The main window: 工作台, 台账 and 节假日 side by side, and the ways into everything else.

With ``auto_backup`` (an SQLite register, not the demo) it backs the register up
once a day (checked after the start and every hour) and on closing; the window
closes when the closing backup is done, or when the user chooses to close
without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services import backup as backup_service
from workstation.services.audit import AUDIT_ROLES
from workstation.services.backup import BackupInfo
from workstation.services.base import office_settings

from .backup_dialog import BackupDialog, Restored, ask, tell, when
from .context import AppContext, Change
from .dashboard_view import DashboardView
from .holidays_view import HolidaysView
from .import_dialog import ImportDialog, may_import
from .password_dialog import ChangePasswordDialog
from .register_view import RegisterView
from .widgets import Label, fit_resize, plain_tip

if TYPE_CHECKING:  # imported when first opened: the case window and the intake bring the printing along
    from .case_view import CaseView
    from .intake_dialog import IntakeDialog
    from .settings_dialog import SettingsDialog

PAGES = (("dashboard", "工作台", "Ctrl+1"), ("register", "台账", "Ctrl+2"), ("holidays", "节假日", "Ctrl+3"),
         ("audit", "审计", "Ctrl+4"), ("tally", "统计", "Ctrl+5"))
# Pages only some roles see (the audit trail holds personal data and every user's actions).
PAGE_ROLES: dict[str, tuple[Role, ...]] = {"audit": AUDIT_ROLES}
FIRST_BACKUP_CHECK_MS = 1500  # after the first screen has loaded
BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly: a window left open for days still gets its daily backup


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, auto_backup: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.auto_backup = auto_backup and ctx.db.path is not None
        self.exit_backup = "todo" if self.auto_backup else "none"  # todo, running, done, none
        self.restored: Restored | None = None
        self.switching = False  # 切换用户: the window closes and the program asks who works next
        self.case_windows: dict[int, CaseView] = {}
        self.intake: IntakeDialog | None = None
        self.spare_intake: IntakeDialog | None = None  # the last one closed, hidden, to open again
        self.spare_case: CaseView | None = None  # likewise a case window
        self.settings_dialog: SettingsDialog | None = None
        self.backup_dialog: BackupDialog | None = None
        self.import_dialog: ImportDialog | None = None
        self.pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {
            "dashboard": self._make_dashboard, "register": self._make_register, "holidays": self._make_holidays,
            "audit": self._make_audit, "tally": self._make_tally,
        }
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(112)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for key, label, shortcut in PAGES:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{label}({shortcut})")
            self.nav.addItem(item)
            item.setHidden(not self.may_see(key))
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.user_label = Label()
        self.statusBar().addWidget(self.user_label)
        self.place_label = Label(f"数据库:{ctx.location}")
        self.place_label.setObjectName("hint")
        self.backup_label = Label()
        self.backup_label.setObjectName("hint")
        self.statusBar().addPermanentWidget(self.backup_label)
        self.statusBar().addPermanentWidget(self.place_label)
        self.backup_timer = QTimer(self)
        self.backup_timer.timeout.connect(self.backup_if_due)
        if self.auto_backup:
            self.backup_timer.start(FIRST_BACKUP_CHECK_MS)
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row][0]))
        ctx.changed.connect(self._show_title)
        self._show_title()
        self.show_page("dashboard")
        fit_resize(self, 1366, 768)
        ctx.remembered.restore_geometry(self, "main")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        work = bar.addMenu("工作(&W)")
        self.new_action = QAction("登记新申请…", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.open_intake)
        self.new_action.setVisible(not self.ctx.actor.in_unit)  # a unit's requests come handed over by the office
        self.new_action.setEnabled(not self.ctx.actor.in_unit)
        work.addAction(self.new_action)
        self.import_action = QAction("导入台账…", self)  # only the roles the import service allows see it
        self.import_action.triggered.connect(self.open_import)
        self.import_action.setVisible(may_import(self.ctx))
        self.import_action.setEnabled(may_import(self.ctx))
        work.addAction(self.import_action)
        work.addSeparator()
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        work.addAction(quit_action)
        view = bar.addMenu("查看(&V)")
        for key, label, shortcut in PAGES:
            action = QAction(label, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            action.setVisible(self.may_see(key))
            action.setEnabled(self.may_see(key))
            view.addAction(action)
        refresh = QAction("刷新", self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(lambda: self.ctx.data_changed())
        view.addAction(refresh)
        tools = bar.addMenu("工具(&T)")
        settings = QAction("设置…", self)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(self.open_settings)
        tools.addAction(settings)
        self.backup_action = QAction("备份与恢复…", self)
        self.backup_action.triggered.connect(self.open_backup)
        tools.addAction(self.backup_action)
        account = bar.addMenu("用户(&U)")
        self.switch_action = QAction("切换用户…", self)
        self.switch_action.setShortcut(QKeySequence("Ctrl+L"))
        self.switch_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # from a case window too
        self.switch_action.triggered.connect(self.switch_user)
        account.addAction(self.switch_action)
        self.password_action = QAction("修改密码…", self)
        self.password_action.triggered.connect(self.change_password)
        self.password_action.setEnabled(self.ctx.actor.id is not None)
        account.addAction(self.password_action)
        help_menu = bar.addMenu("帮助(&H)")
        about = QAction("关于", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _show_title(self) -> None:
        name = office_settings(self.ctx.db).office_name
        self.setWindowTitle("信息公开申请工作台" + (f" — {name}" if name else ""))
        self.user_label.setText(f"当前用户:{self.ctx.user.display_name}({self.ctx.role_text()})")

    # -- pages -------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """A page, built the first time it is shown (keeps start-up short)."""
        if key not in self.pages:
            widget = self._factories[key]()
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        row = next(i for i, p in enumerate(PAGES) if p[0] == key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        return widget

    @property
    def dashboard(self) -> DashboardView:
        widget = self.page("dashboard")
        assert isinstance(widget, DashboardView)
        return widget

    @property
    def register(self) -> RegisterView:
        widget = self.page("register")
        assert isinstance(widget, RegisterView)
        return widget

    @property
    def holidays(self) -> HolidaysView:
        widget = self.page("holidays")
        assert isinstance(widget, HolidaysView)
        return widget

    def _make_dashboard(self) -> QWidget:
        view = DashboardView(self.ctx)
        view.open_case.connect(self.open_case)
        view.new_request.connect(self.open_intake)
        view.show_register.connect(self.show_register)
        view.show_holidays.connect(self.show_holidays)
        return view

    def _make_register(self) -> QWidget:
        view = RegisterView(self.ctx)
        view.open_case.connect(self.open_case)
        return view

    def _make_holidays(self) -> QWidget:
        return HolidaysView(self.ctx)

    def _make_audit(self) -> QWidget:
        from .audit_view import AuditView

        return AuditView(self.ctx)

    def _make_tally(self) -> QWidget:
        # imported on first use: start-up does not pay for the tally page
        from .tally_view import TallyView

        view = TallyView(self.ctx)
        view.open_case.connect(self.open_case)
        return view

    def may_see(self, key: str) -> bool:
        return key not in PAGE_ROLES or self.ctx.has(*PAGE_ROLES[key])

    def show_register(self, view: str = "all") -> None:
        self.show_page("register")
        self.register.set_view(view)

    def show_holidays(self, year: int) -> None:
        self.show_page("holidays")
        self.holidays.set_year(year)

    # -- windows and dialogs ------------------------------------------------------------
    def open_intake(self) -> IntakeDialog:
        if self.intake is not None:
            self.intake.raise_()
            self.intake.activateWindow()
            return self.intake
        dialog, self.spare_intake = self.spare_intake, None
        if dialog is not None:
            dialog.start_again()
        else:
            from .intake_dialog import IntakeDialog

            dialog = IntakeDialog(self.ctx, self)
            dialog.registered.connect(lambda _done: self.ctx.data_changed(change=Change(frozenset())))  # a new row
            dialog.open_case.connect(self.open_case)
            dialog.finished.connect(self._intake_closed)
        self.intake = dialog
        dialog.open()
        return dialog

    def _intake_closed(self) -> None:
        """A closed intake is kept for the next one (a clerk opens it dozens of times a day and building its
        form is most of the wait) unless something of it is still under way or still shown."""
        dialog, self.intake = self.intake, None
        if dialog is None:
            return
        if dialog.reusable():
            self.spare_intake = dialog
        else:
            dialog.deleteLater()

    def open_case(self, case_id: int) -> CaseView:
        window = self.case_windows.get(case_id)
        if window is not None:
            window.raise_()
            window.activateWindow()
            return window
        window, self.spare_case = self.spare_case, None
        if window is not None:
            window.show_case(case_id)
        else:
            from .case_view import CaseView

            window = CaseView(self.ctx, case_id, self)
            window.closed.connect(lambda w=window: self._case_closed(w))
        self.case_windows[case_id] = window
        window.show()
        return window

    def _case_closed(self, window: CaseView) -> None:
        """A closed case window is kept, hidden, for the next case opened (building one is most of the wait of
        opening a case) unless something of it is still open or under way; one kept is enough."""
        if self.case_windows.get(window.case_id) is window:
            del self.case_windows[window.case_id]
        if self.spare_case is None and window.reusable():
            self.spare_case = window
        elif window is not self.spare_case:
            window.deleteLater()

    def open_settings(self) -> SettingsDialog:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self.ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def open_backup(self) -> BackupDialog:
        dialog = BackupDialog(self.ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.backed_up.connect(self._show_backup)
        dialog.restore_starting.connect(self._close_for_restore)
        dialog.restored.connect(self._restored)
        self.backup_dialog = dialog
        dialog.open()
        return dialog

    # -- backups ----------------------------------------------------------------------
    def backup_if_due(self) -> None:
        """The daily backup, on the worker; the status bar says when the newest backup was made."""
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        db = self.ctx.background_db
        self.ctx.tasks.run(lambda _progress: backup_service.backup_if_due(db), on_done=self._daily_done,
                           on_error=self._backup_failed)

    def _daily_done(self, info: BackupInfo | None) -> None:
        if info is not None:
            self._show_backup(info)
        elif not self.backup_label.text():
            newest = next(iter(backup_service.trusted_backups(backup_service.default_backup_dir(self.ctx.db))), None)
            if newest is not None:
                self.backup_label.setText(f"最近备份:{when(datetime.fromtimestamp(newest.stat().st_mtime))}")

    def _show_backup(self, info: BackupInfo) -> None:
        self.backup_label.setStyleSheet("")
        self.backup_label.setText(f"最近备份:{when(info.created)}")
        self.backup_label.setToolTip(plain_tip(str(info.path)))

    def _backup_failed(self, exc: UserError) -> None:
        self.backup_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.backup_label.setText("自动备份失败,请打开“工具 → 备份与恢复”查看")
        self.backup_label.setToolTip(plain_tip(exc.message))

    def _close_for_restore(self) -> None:
        """Before a restore replaces the register: nothing of ours may still read or write it."""
        self.backup_timer.stop()
        self.ctx.remembered.save_geometry(self, "main")
        for window in list(self.case_windows.values()):
            window.close()
        if self.intake is not None:
            self.intake.reject()

    def _restored(self, restored: Restored) -> None:
        self.restored = restored
        info = restored.info
        safety = f"\n\n恢复前的数据库已保存为:\n{restored.safety}" if restored.safety else ""
        tell(self, "恢复完成", f"已从备份 {info.path.name} 恢复({when(info.created)} 的数据,"
                               f"{info.rows['request']} 件申请)。{safety}\n\n"
                               "点“确定”后程序将重新打开数据库,请重新登录。")
        self.close()

    def _start_exit_backup(self) -> None:
        self.exit_backup = "running"
        self.backup_timer.stop()
        self.ctx.remembered.save_geometry(self, "main")
        for window in list(self.case_windows.values()):
            window.close()
        db = self.ctx.background_db
        self.ctx.tasks.run(lambda _progress: backup_service.backup_if_changed(db), on_done=self._exit_backed_up,
                           on_error=self._exit_backup_failed, label="正在备份数据库,完成后程序将关闭……",
                           parent=self)

    def _exit_backed_up(self, _info: BackupInfo | None) -> None:
        self.exit_backup = "done"
        self.close()

    def _exit_backup_failed(self, exc: UserError) -> None:
        self._backup_failed(exc)
        if ask(self, "退出前未能备份", f"退出前的自动备份没有完成:\n{exc.message}\n\n仍然退出吗?"
               "(也可以返回,稍后在“工具 → 备份与恢复”中再备份)", "仍然退出", "返回"):
            self.exit_backup = "done"
            self.close()
        else:
            self.exit_backup = "todo"
            self.backup_timer.start(BACKUP_CHECK_MS)

    def switch_user(self) -> None:
        """Hand the window to the next person (clerk → head → reviewer) without quitting; open work is kept
        by each window's own question (an intake with typed data asks before it closes)."""
        if self.intake is not None:
            self.intake.reject()  # asks first when something is typed
            if self.intake is not None:
                return  # the clerk chose to go on typing
        self.switching = True
        self.close()

    def change_password(self) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(self.ctx.db, self.ctx.actor, parent=self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("密码已修改。", 5000))
        dialog.finished.connect(dialog.deleteLater)
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(self, "关于", "信息公开申请工作台\n\n依《中华人民共和国政府信息公开条例》(2019年修订)"
                                      "办理政府信息公开申请:登记、期限、补正、延期、审核、答复与统计。")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.restored is None and not self.switching and self.exit_backup in ("todo", "running"):
            event.ignore()
            if self.exit_backup == "todo":
                self._start_exit_backup()
            return
        self.backup_timer.stop()
        self.ctx.remembered.save_geometry(self, "main")
        for window in list(self.case_windows.values()):
            window.close()
        self.ctx.tasks.wait()
        super().closeEvent(event)
