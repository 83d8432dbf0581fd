"""Starting the desktop program: open the register, the first run or the login, then the main window.

``workstation --demo`` opens a throwaway register filled with sample requests and
signs in as the demo clerk. Two environment variables serve the benchmark
(workstation/bench.py) and the start tests: WORKSTATION_EXIT_AFTER_SHOWN=1 quits as soon
as the first window (the first-run dialog, the login or the main window) is shown and
idle, printing ``BENCH shown_s=…`` (seconds since the process started), then whether it
is exposed, the platform and the window's title as ``BENCH visible=1`` … lines to stderr,
and exits with 0; WORKSTATION_BENCH_SCROLL=1 scrolls the register to
its end and prints ``BENCH rss_mb=…``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from workstation.domain.errors import UserError
from workstation.logs import bug_sentence, log_bug, setup_logging
from workstation.paths import resource_path
from workstation.services import users
from workstation.services.users import UserInfo
from workstation.store.database import Database, known_error
from workstation.store.quick_check import QuickCheck

from .context import AppContext
from .first_run_dialog import FirstRunDialog
from .login_dialog import LoginDialog
from .password_dialog import ChangePasswordDialog
from .qt_words import MissingQtWords
from .widgets import plain_message
from .worker import TaskRunner

if TYPE_CHECKING:
    from .main_window import MainWindow

_IMPORTED_AT = time.perf_counter()
DEMO_CASES = 300
CJK_FAMILIES = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"]


def seconds_since_start() -> float:
    """Seconds since this process started (Linux: from /proc), else since this module was imported."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED_AT


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("信息公开申请工作台")
    app.setOrganizationName("xxgk")
    speak_chinese(app)
    apply_look(app)
    return app


def speak_chinese(app: QApplication) -> None:
    """Qt's own dialogs and the date pop-up in Chinese, whatever the system's locale (LANG=C.UTF-8 too).

    Qt's translations of its standard buttons and dialogs (qtbase_zh_CN.qm) ship with PySide6 and with
    the bundle; the application locale is zh_CN so that month and weekday names are Chinese.
    """
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)  # parented: lives as long as the application
        if translator.load(name, folder):
            app.installTranslator(translator)
    app.installTranslator(MissingQtWords(app))  # asked first: the few words Qt's translation lacks


def apply_look(app: QApplication) -> None:
    """A CJK-capable font at a size readable all day, and the style sheet."""
    font = QFont(app.font())
    font.setFamilies([font.family(), *CJK_FAMILIES])
    font.setPointSizeF(10.5)
    app.setFont(font)
    app.setStyle("Fusion")
    style = resource_path("style.qss")
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))


def handle_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the program: an error nobody caught still reaches the user.

    A clerk's or the disk's error (a locked or damaged register) is its Chinese sentence; anything
    else is our bug: a dialog that says so, and its traceback, scrubbed, in the log.
    """
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    from sqlalchemy.exc import DBAPIError

    known = exc if isinstance(exc, UserError) else (
        known_error(exc, None) if isinstance(exc, DBAPIError | sqlite3.Error) else None)
    parent = QApplication.activeWindow()
    if known is not None:
        QMessageBox.warning(parent, "无法完成", plain_message(known.message))
        return
    if tb is not None and exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    QMessageBox.critical(parent, "程序内部错误", bug_sentence(exc, log_bug(exc, "界面")))


def install_error_hook() -> Callable:
    sys.excepthook = handle_uncaught
    return sys.excepthook


def register_path(args: argparse.Namespace) -> Path | None:
    """The register file the program opens, if it is one (not a server)."""
    from sqlalchemy.engine import make_url

    from workstation.store.database import default_db_path

    url = getattr(args, "db_url", None)
    if not url:
        return Path(args.db if getattr(args, "db", None) else default_db_path()).expanduser()
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - Database.open_url says what is wrong with it
        return None
    return Path(parsed.database).expanduser() if parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None, "", ":memory:") else None


def start_quick_check(args: argparse.Namespace) -> QuickCheck | None:
    """Begin SQLite's quick check of an existing register file at once, so that it runs while the program
    starts (Qt, the main window's modules); open_database waits for it before anything is written."""
    from workstation.store import quick_check

    begun = getattr(args, "quick_check", None)  # cli.main begins it before this module loads
    if isinstance(begun, QuickCheck):
        return begun
    path = register_path(args)
    return quick_check.begin(path) if path is not None else None


def open_database(args: argparse.Namespace, check: QuickCheck | None = None) -> Database:
    """Open the register; with a quick check begun, wait for it (a damaged file is refused here, as before)."""
    if getattr(args, "db_url", None):
        db = Database.open_url(args.db_url) if check is None else Database.open_path(check.path, check=check)
    else:
        db = Database.open_path(register_path(args) or Path(), check=check)
    try:
        db.await_check()
    except BaseException:
        db.close()
        raise
    return db


def wait_for(tasks: TaskRunner, fn: Callable, label: str) -> object:
    """Run ``fn`` on the worker with a progress dialog, keeping the GUI alive until it is done."""
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def done(result: object) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: UserError) -> None:
        outcome["error"] = exc
        loop.quit()

    tasks.run(fn, on_done=done, on_error=failed, label=label, cancellable=False)
    loop.exec()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("result")


def sign_in(db: Database, args: argparse.Namespace, *, again: bool = False) -> UserInfo | None:
    """First run, --login with WORKSTATION_PASSWORD, or the login dialog; None when the user gives up.

    ``again``: after 切换用户 or a restore the dialog asks afresh (no --login, no password from the
    environment). A user whose password an admin reset chooses a new one before working."""
    if not users.has_users(db):
        first = FirstRunDialog(db)
        exit_after_shown(first)
        return first.user if first.exec() else None
    login = "" if again else getattr(args, "login", None) or ""
    message = ""
    password = None if again else os.environ.get("WORKSTATION_PASSWORD")
    while True:
        user: UserInfo | None = None
        if login and password is not None:
            try:
                user = users.authenticate(db, login, password)
            except UserError as exc:
                message = exc.message
            password = None
        if user is None:
            dialog = LoginDialog(db, login=login, message=message)
            exit_after_shown(dialog)
            user = dialog.user if dialog.exec() else None
        if user is None or not user.must_change:
            return user
        change = ChangePasswordDialog(db, user.actor(), forced=True)
        if change.exec():
            return dataclasses.replace(user, must_change=False)
        login, message = user.login, "请设置新密码后再开始工作。"


# Once the first screen is up and idle, the worker loads the CJK fonts (about 0.3 s), so that the
# first receipt of the day prints as quickly as the others: first after WARM_UP_MS, then at the first moment
# the worker has had nothing to do for WARM_UP_QUIET_S (a clerk at work does not wait behind the fonts).
WARM_UP_MS = 3000
WARM_UP_QUIET_S = 1.0
WARM_UP_RETRY_MS = 500


def run_gui(args: argparse.Namespace) -> int:
    """The program's life: open, sign in, the main window; after a restore, reopen and sign in again."""
    demo = bool(getattr(args, "demo", False))
    check = None if demo else start_quick_check(args)
    from .main_window import MainWindow  # while the check reads the file

    app = make_application()
    setup_logging()
    install_error_hook()
    tasks = TaskRunner()
    with tempfile.TemporaryDirectory(prefix="workstation-demo-") as scratch:
        try:
            if demo:
                db = Database.open_path(Path(scratch) / "demo.sqlite3")
                user = open_demo(db, tasks)
            else:
                db = open_database(args, check)
                if db.notices:
                    QMessageBox.information(None, "数据库文件", plain_message("\n".join(db.notices)))
                user = sign_in(db, args)
                if user is None and _exit_after_shown():
                    return 0
        except UserError as exc:
            QMessageBox.critical(None, "无法打开数据库", plain_message(exc.message))
            return 2
        try:
            while user is not None:
                # the throwaway demo register is not worth a backup
                window = MainWindow(AppContext(db, user, tasks=tasks), auto_backup=not demo)
                window.show()
                install_bench_hooks(window)
                QTimer.singleShot(WARM_UP_MS, window, lambda w=window, d=db: warm_up_when_idle(w, tasks, d))
                code = app.exec()
                if window.restored is None and not window.switching:
                    return code
                window.deleteLater()
                if window.restored is not None:
                    db.close()
                    db = Database.open_path(window.restored.db_path)  # migrates an older backup
                user = sign_in(db, args, again=True)
            return 1
        except UserError as exc:
            QMessageBox.critical(None, "无法打开恢复后的数据库", plain_message(exc.message))
            return 2
        finally:
            tasks.wait()
            db.close()


def warm_up_when_idle(window: QWidget, tasks: TaskRunner, db: Database) -> None:
    """Start the warm-up once the worker has been idle a while; until then look again every half second."""
    if tasks.quiet_for() < WARM_UP_QUIET_S:
        QTimer.singleShot(WARM_UP_RETRY_MS, window, lambda: warm_up_when_idle(window, tasks, db))
        return
    tasks.run(lambda _p: warm_up(db))


def warm_up(db: Database) -> None:
    """On the worker, once the first screen is up: the printing modules and the CJK fonts."""
    from workstation.services import documents

    from . import case_view, intake_dialog  # noqa: F401 - loaded now, not when the first case opens

    documents.warm_up(db)


def open_demo(db: Database, tasks: TaskRunner) -> UserInfo:
    """Fill a fresh register with sample requests (on the worker) and sign in as the demo clerk."""
    from workstation.services.demo import DEMO_LOGINS, fill_demo

    worker_db = Database(db.engine, path=db.path)
    wait_for(tasks, lambda progress: fill_demo(worker_db, cases=DEMO_CASES, progress=progress.report),
             "正在生成演示数据……")
    login, password = DEMO_LOGINS[0]
    return users.authenticate(db, login, password)


def install_bench_hooks(window: MainWindow) -> None:
    if os.environ.get("WORKSTATION_BENCH_WALK") == "1":
        from .bench_walk import run_walk

        run_walk(window)
    elif os.environ.get("WORKSTATION_BENCH_SCROLL") == "1":
        QTimer.singleShot(0, lambda: scroll_register_to_end(window))
    elif _exit_after_shown():
        QTimer.singleShot(0, lambda: report_shown(window))


def _exit_after_shown() -> bool:
    return os.environ.get("WORKSTATION_EXIT_AFTER_SHOWN") == "1"


def exit_after_shown(dialog: QDialog) -> None:
    """With the hook set, a dialog the program opens first reports itself once shown and closes."""
    if _exit_after_shown():
        QTimer.singleShot(0, lambda: report_shown(dialog))


def report_shown(window: QWidget) -> None:
    QApplication.processEvents()
    shown = window.isVisible() and window.windowHandle() is not None and window.windowHandle().isExposed()
    sys.stderr.write(f"BENCH shown_s={seconds_since_start():.3f}\nBENCH shown_cpu_s={time.process_time():.3f}\n"
                     f"BENCH visible={int(shown)}\n"
                     f"BENCH platform={QApplication.platformName()}\nBENCH window={window.windowTitle()}\n")
    sys.stderr.flush()
    if isinstance(window, QDialog):
        window.reject()
    else:
        window.close()
        QApplication.quit()


def scroll_register_to_end(window: MainWindow) -> None:
    """Open the register and scroll through it to the last row, as a clerk dragging the scroll bar."""
    window.show_register()
    view = window.register

    def scroll() -> None:
        bar = view.table.verticalScrollBar()
        steps = 50
        for i in range(1, steps + 1):
            bar.setValue(bar.maximum() * i // steps)
            QApplication.processEvents()
        sys.stderr.write(f"BENCH rss_mb={peak_rss_mb():.1f}\n")
        sys.stderr.flush()
        window.close()
        QApplication.quit()

    if view.loading:
        view.loaded.connect(lambda _rows: QTimer.singleShot(0, scroll))
    else:
        QTimer.singleShot(0, scroll)


def peak_rss_mb() -> float:
    """The process's peak resident memory in MB (-1 where the platform does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return -1.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
