"""`python -m workstation.gui.screenshots OUTDIR`: every main screen of a demo register as PNG.

Rendered offscreen (QT_QPA_PLATFORM=offscreen) with widget.grab(), the main
windows at 1366x768, a common office screen; dialogs at their own size.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from workstation.domain.status import Status
from workstation.services import queries
from workstation.services.demo import DEMO_LOGINS, fill_demo
from workstation.services.users import authenticate
from workstation.store.database import Database

from .app import make_application
from .case_view import CaseView
from .context import AppContext
from .dialogs.base import ServiceDialog
from .first_run_dialog import FirstRunDialog
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .settings_dialog import SettingsDialog

SIZE = (1366, 768)
SAMPLE_NOTICE = Path(__file__).resolve().parents[2] / "tests" / "data" / "holiday-notices" / "2026.txt"


def settle(ctx: AppContext | None = None) -> None:
    """Let queued work finish and the screen repaint."""
    for _ in range(3):
        if ctx is not None:
            ctx.tasks.wait()
        QApplication.processEvents()


def save(widget: QWidget, out: Path, name: str, ctx: AppContext | None = None) -> Path:
    settle(ctx)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"无法写入 {path}")
    print(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("用法:python -m workstation.gui.screenshots 输出文件夹\n")
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    with tempfile.TemporaryDirectory(prefix="workstation-shots-") as tmp:
        empty = Database.open_path(Path(tmp) / "empty.sqlite3")
        first = FirstRunDialog(empty)
        first.show()
        save(first, out, "00-first-run")
        first.close()
        empty.close()

        db = Database.open_path(Path(tmp) / "demo.sqlite3")
        fill_demo(db, cases=300)
        login = LoginDialog(db, login="clerk")
        login.show()
        save(login, out, "01-login")
        login.password.setText("wrong-password")
        login.accept()
        save(login, out, "01-login-refused")
        login.close()
        shoot_main(db, out)
        db.close()
    return 0


def shoot_main(db: Database, out: Path) -> None:
    clerk = authenticate(db, *DEMO_LOGINS[0])
    ctx = AppContext(db, clerk)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    save(window, out, "02-dashboard", ctx)

    intake = window.open_intake()
    save(intake, out, "03-intake-empty", ctx)
    intake.id_number.setText("110105194912310021")
    intake.phone.setText("13800138000")
    intake.content.setPlainText("申请公开本镇2025年道路硬化工程的招标文件和中标结果。")
    intake.save()
    save(intake, out, "04-intake-validation", ctx)
    intake.applicant_name.setText("王小明")
    intake.id_override_reason.setText("旧证件,已核对原件")
    intake.save()
    save(intake, out, "05-intake-registered", ctx)
    intake.accept()

    window.show_register("all")
    save(window, out, "06-register", ctx)
    window.register.search.setText("土地征收")
    window.register.reload()
    save(window, out, "07-register-search", ctx)

    case_id = pick_case(db)
    case = window.open_case(case_id)
    case.resize(*SIZE)
    save(case, out, "08-case", ctx)
    case.close()

    head_login = next(p for p in DEMO_LOGINS if p[0] == "head")
    head_ctx = AppContext(db, authenticate(db, *head_login))
    head_case = CaseView(head_ctx, queries.list_case_ids(db, queries.CaseFilter(view="overdue"))[0])
    head_case.resize(*SIZE)
    head_case.show()
    head_case.start_action("extend")
    dialog = head_case.dialog
    assert isinstance(dialog, ServiceDialog)
    dialog.accept()  # no reason typed: the refusal shows beside the field
    save(dialog, out, "09-case-extension-head", head_ctx)
    dialog.reject()
    save(head_case, out, "09-case-head", head_ctx)
    head_case.close()

    window.show_holidays(ctx.today().year + 1)
    save(window, out, "10-holidays", ctx)
    if SAMPLE_NOTICE.is_file():
        window.holidays.text.setPlainText(SAMPLE_NOTICE.read_text(encoding="utf-8"))
        window.holidays.preview()
        save(window, out, "11-holidays-preview", ctx)

    admin_login = next(p for p in DEMO_LOGINS if p[0] == "admin")
    admin_ctx = AppContext(db, authenticate(db, *admin_login))
    settings = SettingsDialog(admin_ctx, window)
    settings.show()
    save(settings, out, "12-settings", admin_ctx)
    settings.tabs.setCurrentIndex(settings.tabs.count() - 2)
    settings.select_user("clerk")
    save(settings, out, "13-settings-users", admin_ctx)
    settings.close()
    window.close()


def pick_case(db: Database) -> int:
    """An open case that has a history worth showing (a pause), else any open one."""
    for view in ("paused", "overdue", "open"):
        ids = queries.list_case_ids(db, queries.CaseFilter(view=view))
        if ids:
            return ids[0]
    ids = queries.list_case_ids(db, queries.CaseFilter())
    assert ids, "the demo register is empty"
    summaries = queries.fetch_cases(db, ids[:50])
    return next((c.id for c in summaries if c.status is not Status.CLOSED), ids[0])


if __name__ == "__main__":
    raise SystemExit(main())
