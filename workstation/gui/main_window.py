"""The main window: 工作台, 台账 and 节假日 side by side, and the ways into everything else."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from workstation.services.base import get_settings

from .case_view import CaseView
from .context import AppContext
from .dashboard_view import DashboardView
from .holidays_view import HolidaysView
from .intake_dialog import IntakeDialog
from .register_view import RegisterView
from .settings_dialog import SettingsDialog

PAGES = (("dashboard", "工作台", "Ctrl+1"), ("register", "台账", "Ctrl+2"), ("holidays", "节假日", "Ctrl+3"))


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.case_windows: dict[int, CaseView] = {}
        self.intake: IntakeDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {
            "dashboard": self._make_dashboard, "register": self._make_register, "holidays": self._make_holidays,
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
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.user_label = QLabel()
        self.statusBar().addWidget(self.user_label)
        self.place_label = QLabel(f"数据库:{ctx.location}")
        self.place_label.setObjectName("hint")
        self.statusBar().addPermanentWidget(self.place_label)
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row][0]))
        ctx.changed.connect(self._show_title)
        self._show_title()
        self.show_page("dashboard")
        self.resize(1366, 768)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        work = bar.addMenu("工作(&W)")
        self.new_action = QAction("登记新申请…", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.triggered.connect(self.open_intake)
        work.addAction(self.new_action)
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
        help_menu = bar.addMenu("帮助(&H)")
        about = QAction("关于", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _show_title(self) -> None:
        name = get_settings(self.ctx.db)["office.name"]
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
        dialog = IntakeDialog(self.ctx, self)
        dialog.registered.connect(lambda _done: self.ctx.data_changed())
        dialog.open_case.connect(self.open_case)
        dialog.finished.connect(self._intake_closed)
        self.intake = dialog
        dialog.open()
        return dialog

    def _intake_closed(self) -> None:
        if self.intake is not None:
            self.intake.deleteLater()
        self.intake = None

    def open_case(self, case_id: int) -> CaseView:
        window = self.case_windows.get(case_id)
        if window is not None:
            window.raise_()
            window.activateWindow()
            return window
        window = CaseView(self.ctx, case_id, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda _obj=None, i=case_id: self.case_windows.pop(i, None))
        self.case_windows[case_id] = window
        window.show()
        return window

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _about(self) -> None:
        QMessageBox.about(self, "关于", "信息公开申请工作台\n\n依《中华人民共和国政府信息公开条例》(2019年修订)"
                                      "办理政府信息公开申请:登记、期限、补正、延期、审核、答复与统计。")

    def closeEvent(self, event: QCloseEvent) -> None:
        for window in list(self.case_windows.values()):
            window.close()
        self.ctx.tasks.wait()
        super().closeEvent(event)
