"""`python -m workstation.gui.screenshots OUTDIR`: every main screen of a demo register as PNG.

Rendered offscreen (QT_QPA_PLATFORM=offscreen) with widget.grab(), the main
windows at 1366x768, a common office screen; dialogs at their own size.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from workstation.domain.status import Status
from workstation.services import documents, queries, review
from workstation.services.demo import DEMO_LOGINS, fill_demo
from workstation.services.users import authenticate
from workstation.store.database import Database

from .app import make_application
from .case_view import CaseView
from .context import AppContext
from .dialogs.base import ServiceDialog
from .dialogs.delivery_dialog import DeliveryDialog
from .dialogs.reply_dialog import ReplyDialog
from .dialogs.review_dialog import ReviewDialog
from .first_run_dialog import FirstRunDialog
from .intake_dialog import IntakeDialog
from .login_dialog import LoginDialog
from .main_window import PAGES, MainWindow
from .pdf_preview_dialog import PdfPreviewDialog
from .settings_dialog import SettingsDialog

SIZE = (1366, 768)
PAGE_KEYS = {page[0] for page in PAGES}
SAMPLE_NOTICE = Path(__file__).resolve().parents[2] / "tests" / "data" / "holiday-notices" / "2026.txt"


def settle(ctx: AppContext | None = None) -> None:
    """Let queued work finish and the screen repaint."""
    for _ in range(3):
        if ctx is not None:
            ctx.tasks.wait()
        QApplication.processEvents()


def wait_ms(ms: int) -> None:
    """Run the event loop for a while (for widgets that paint in the background)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


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
        from .screenshots_units import shoot_county  # it uses this module's helpers

        shoot_county(Path(tmp), out)
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
    shoot_on_the_spot(intake, out, ctx)
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
    settle(head_ctx)  # the page is read on the worker
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
    shoot_review_and_reply(db, out)
    shoot_office(db, out)


def login_as(db: Database, role: str) -> AppContext:
    login = next(p for p in DEMO_LOGINS if p[0] == role)
    return AppContext(db, authenticate(db, *login))


def shoot_review_and_reply(db: Database, out: Path) -> None:
    """One open request through 审查, 签发, 答复, 送达 and 复议, each dialog as the user who opens it."""
    clerk, reviewer, head = login_as(db, "clerk"), login_as(db, "reviewer"), login_as(db, "head")
    case_id = next(c.id for c in queries.fetch_cases(db, queries.list_case_ids(db, queries.CaseFilter(view="open")))
                   if c.status is Status.OPEN)
    view = open_case_view(clerk, case_id)
    view.start_action("review")
    dialog = view.dialog
    assert isinstance(dialog, ReviewDialog)
    dialog.resize(1000, 720)
    dialog.yes_buttons["separable"].click()
    dialog.rest_no.click()
    dialog.notes.setPlainText("第3页含第三方个人信息,遮盖后提供其余部分。")
    save(dialog, out, "14-review", clerk)
    dialog.accept()
    settle(clerk)
    view.close()

    shoot_action(reviewer, case_id, "signoff", out, "15-signoff", accept=True)

    replier = open_case_view(clerk, case_id)
    replier.start_action("reply")
    dialog = replier.dialog
    assert isinstance(dialog, ReplyDialog)
    dialog.withheld_part.setText("第3页中第三方的姓名、身份证号码和联系电话")
    dialog.withheld_ground.setCurrentIndex(dialog.withheld_ground.findData("third_party"))
    dialog.withheld_reason.setText("涉及个人隐私,权利人不同意公开")
    save(dialog, out, "16-reply", clerk)
    shoot_reply_kinds(dialog, clerk, out)
    dialog.reject()
    settle(clerk)
    review.reply(db, clerk.actor, case_id,
                 review.ReplyData("partly_disclosed", clerk.today(), withheld_part="第3页中第三方的个人信息",
                                  withheld_ground="third_party", withheld_reason="涉及个人隐私,权利人不同意公开"),
                 today=clerk.today())
    pdf = documents.issue(db, clerk.actor, case_id, "reply", today=clerk.today()).pdf
    replier.refresh()
    save(replier, out, "17-case-replied", clerk)
    preview = PdfPreviewDialog(clerk, pdf, "答复告知书", replier)
    preview.resize(900, 740)
    preview.show()
    wait_ms(1500)  # QPdfView renders its pages in the background
    save(preview, out, "18-preview-reply", clerk)
    preview.close()
    replier.close()
    shoot_repeat(db, clerk, reviewer, case_id, out)
    shoot_action(clerk, case_id, "deliver", out, "19-delivery")
    shoot_delivery(clerk, case_id, out)
    shoot_action(head, case_id, "appeal", out, "20-appeal")
    shoot_action(head, case_id, "correct_result", out, "20-correct-result")
    shoot_action(clerk, case_id, "correct_registration", out, "20-correct-registration")


def shoot_repeat(db: Database, clerk: AppContext, reviewer: AppContext, earlier_id: int, out: Path) -> None:
    """The same applicant asks again for the same: the review points it out, the reply names the earlier one."""
    from dataclasses import replace

    from workstation.services import cases

    asked = cases.intake_of(db, earlier_id, viewer=reviewer.actor)
    again = replace(asked, channel="in_person", handed_in_on=clerk.today(), signed_on=None, confirmed_on=None,
                    content="请再次提供" + asked.content.removeprefix("申请公开"),
                    id_override_reason=asked.id_override_reason or "旧证件,已核对原件")
    case_id = cases.register(db, clerk.actor, again, today=clerk.today()).case.id
    view = open_case_view(clerk, case_id)
    view.start_action("review")
    dialog = view.dialog
    assert isinstance(dialog, ReviewDialog)
    dialog.resize(1000, 720)
    dialog.yes_buttons["repeated"].click()
    dialog.rest_no.click()
    save(dialog, out, "14-review-repeat", clerk)
    dialog.accept()
    settle(clerk)
    view.close()
    review.sign_off(db, reviewer.actor, case_id, today=reviewer.today())
    replier = open_case_view(clerk, case_id)
    replier.start_action("reply")
    assert isinstance(replier.dialog, ReplyDialog)
    save(replier.dialog, out, "16-reply-repeated-picked", clerk)
    replier.dialog.reject()
    replier.close()


# The reply dialog for each result that asks for its own reasons, with sample entries (one left empty, refused).
REPLY_KINDS: dict[str, dict[str, str]] = {
    "disclosed": {"provision_time": "自收到本告知书之日起10个工作日内的工作时间"},
    "withheld.prohibited_by_law": {"prohibiting_law": "《中华人民共和国统计法》第二十五条"},
    "withheld.security_stability": {"harm": "该图纸标明取水口和防护设施的位置,公开后可能被用于破坏供水设施,危及公共安全"},
    "withheld.third_party": {"third_party_objection": "第三方书面答复不同意公开,理由是其中含有投标报价等商业秘密"},
    "withheld.query_matter": {"governing_law": "《不动产登记暂行条例》"},
    "unavailable.not_held": {"not_responsible_reason": "不动产登记资料由县不动产登记机构制作和保存",
                             "responsible_body": "示范县自然资源局"},
    "not_processed.repeated": {},
    "other.other": {"other_reason": "您的申请实为咨询政策如何适用,所要求的内容不是本机关已制作或者获取的政府信息",
                    "basis": "《中华人民共和国政府信息公开条例》第二条"},
}


def shoot_reply_kinds(dialog: ReplyDialog, ctx: AppContext, out: Path) -> None:
    for key, entries in REPLY_KINDS.items():
        dialog.result.setCurrentIndex(dialog.result.findData(key))
        dialog.not_responsible.setChecked(key == "unavailable.not_held")
        settle(ctx)  # 重复申请: the register is searched on the worker
        for name, text in entries.items():
            widget = getattr(dialog, name)
            widget.setPlainText(text) if hasattr(widget, "setPlainText") else widget.setText(text)
        dialog.reason.setText("经复核改变结论")
        dialog.form.clear()
        if key in ("disclosed", "withheld.third_party"):  # a slot left empty: the service refuses beside it
            dialog.accept()
        dialog.adjustSize()
        save(dialog, out, f"16-reply-{key.replace('.', '-')}", ctx)
    dialog.result.setCurrentIndex(dialog.result.findData("partly_disclosed"))
    dialog.form.clear()


def shoot_delivery(clerk: AppContext, case_id: int, out: Path) -> None:
    """The courier warning of the delivery dialog, then the case view's 按期/逾期 line once posted."""
    view = open_case_view(clerk, case_id)
    view.start_action("deliver")
    dialog = view.dialog
    assert isinstance(dialog, DeliveryDialog)
    dialog.method.setCurrentIndex(dialog.method.findData("post"))
    dialog.carrier.setCurrentIndex(dialog.carrier.findData("other"))
    dialog.tracking_no.setText("SF1234567890")
    dialog.accept()  # no reason typed: the refusal shows beside the field
    save(dialog, out, "19-delivery-courier", clerk)
    dialog.reject()
    settle(clerk)
    review.deliver(clerk.db, clerk.actor, case_id, "post", clerk.today(), tracking_no="1150012345678",
                   carrier="ems", today=clerk.today())
    view.refresh()
    save(view, out, "19-case-on-time", clerk)
    view.close()


def shoot_on_the_spot(intake: IntakeDialog, out: Path, ctx: AppContext) -> None:
    """当场答复 at the window: the next applicant asks for what is already published."""
    intake.reset_form()
    intake.applicant_name.setText("李秀英")
    intake.id_number.setText("11010519491231002X")
    intake.phone.setText("13900139000")
    intake.content.setPlainText("申请公开本镇2026年财政预算。")
    intake.save()
    settle(ctx)  # registered on the worker
    intake.on_the_spot_button.click()
    dialog = intake.on_the_spot_dialog
    dialog.published_at.setPlainText("示范县城关镇人民政府门户网站“财政预决算”栏目(2026年1月20日公开)")
    dialog.materials.setPlainText("城关镇2026年财政预算公开文本")
    save(dialog, out, "05-intake-on-the-spot", ctx)
    dialog.accept()
    settle(ctx)
    save(intake, out, "05-intake-on-the-spot-done", ctx)


def open_case_view(ctx: AppContext, case_id: int) -> CaseView:
    view = CaseView(ctx, case_id)
    view.resize(*SIZE)
    view.show()
    settle(ctx)  # the page is read on the worker
    return view


def shoot_action(ctx: AppContext, case_id: int, action: str, out: Path, name: str, *, accept: bool = False) -> None:
    """The case view's dialog for ``action`` as ``ctx``'s user sees it; accepted (the service runs) or cancelled."""
    view = open_case_view(ctx, case_id)
    view.start_action(action)
    assert view.dialog is not None
    save(view.dialog, out, name, ctx)
    if accept:
        view.dialog.accept()
    else:
        view.dialog.reject()
    settle(ctx)
    view.close()


def shoot_office(db: Database, out: Path) -> None:
    """The head's pages: audit, tally, backups."""
    head = login_as(db, "head")
    window = MainWindow(head)
    window.resize(*SIZE)
    window.show()
    window.show_page("audit")
    save(window, out, "21-audit", head)
    if "tally" in PAGE_KEYS:
        window.show_page("tally")
        save(window, out, "22-tally", head)
    backup_dialog = window.open_backup()
    save(backup_dialog, out, "23-backup", head)
    backup_dialog.close()
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
