"""Printed documents on screen: the preview, printing, saving, the receipt at the window, re-printing."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import date

import pytest
from helpers.gui import QT_NOISE, Answers, press_enter, type_text, wait_idle
from helpers.reply import record_reply
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from workstation.domain.intake import IntakeData
from workstation.gui import file_dialogs, pdf_preview_dialog
from workstation.gui.case_view import CaseView
from workstation.gui.intake_dialog import IntakeDialog
from workstation.gui.pdf_preview_dialog import PdfPreviewDialog, PrintSession
from workstation.gui.printing import issue_document
from workstation.services import cases, documents

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


def make_pdf(pages: int) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for page in range(pages):
        c.setFont("Helvetica-Bold", 48)
        c.drawString(100, 700, f"Page {page + 1}")
        c.rect(80, 80, 400, 300, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


def load_pdf(data: bytes) -> tuple[QPdfDocument, QBuffer]:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    return document, buffer


def dark_share(image: QImage) -> float:
    """Share of sampled pixels that are clearly dark (ink on paper)."""
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    samples = [image.pixelColor(x, y).lightness() for y in range(0, image.height(), 4)
               for x in range(0, image.width(), 4)]
    return sum(1 for v in samples if v < 100) / len(samples)


@pytest.fixture
def ctx(staff, make_ctx):
    return make_ctx(staff["clerk"], TODAY)


@pytest.fixture(autouse=True)
def a_printer(monkeypatch):
    """A machine with one printer queue, whatever this machine has (tests/test_cups_print.py uses a real one)."""
    monkeypatch.setattr(pdf_preview_dialog, "available_printers", lambda: ["测试打印机"])


def open_preview(qtbot, ctx, data: bytes, title: str = "测试文书 政信复〔2026〕7号") -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(ctx, data, title)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_preview_shows_every_page_and_the_title(qtbot, ctx):
    dialog = open_preview(qtbot, ctx, make_pdf(2))
    assert dialog.pages_label.isVisible() and "共 2 页" in dialog.pages_label.text()
    assert dialog.view.document().pageCount() == 2
    assert "测试文书 政信复〔2026〕7号" in dialog.windowTitle()
    assert dialog.print_button.isDefault() and dialog.print_button.isEnabled()

    single = open_preview(qtbot, ctx, make_pdf(1))
    assert "共 1 页" in single.pages_label.text()


def test_a_damaged_file_is_said_so_and_cannot_be_printed(qtbot, ctx):
    dialog = open_preview(qtbot, ctx, b"%PDF-1.4 not really")
    assert dialog.error.isVisible() and "无法打开" in dialog.error.text()
    assert not dialog.print_button.isEnabled()


def test_save_as_pdf_writes_the_archived_bytes_exactly(qtbot, ctx, monkeypatch, tmp_path):
    data = make_pdf(2)
    dialog = open_preview(qtbot, ctx, data)
    asked = []

    def choose(_parent, _caption, suggested, _filter):
        asked.append(suggested)
        return str(tmp_path / "回执")

    monkeypatch.setattr(file_dialogs, "save_file_name", choose)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "回执.pdf"
    assert saved.read_bytes() == data
    assert asked and asked[0].endswith("测试文书_政信复〔2026〕7号.pdf")
    assert dialog.note.isVisible() and str(saved) in dialog.note.text()


def test_a_failed_save_says_what_to_do(qtbot, ctx, monkeypatch, tmp_path):
    dialog = open_preview(qtbot, ctx, make_pdf(1))
    target = tmp_path / "没有这个文件夹" / "回执.pdf"
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *_a: str(target))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert dialog.error.isVisible() and "未能保存" in dialog.error.text() and "换一个文件夹" in dialog.error.text()


def test_printing_paints_every_page_on_the_printer(qtbot, ctx, monkeypatch, tmp_path):
    data = make_pdf(2)
    dialog = open_preview(qtbot, ctx, data)
    out = tmp_path / "printed.pdf"
    offered = []

    def accept_to_file(print_dialog):
        printer = print_dialog.printer()
        offered.append(printer.pageLayout().pageSize().id())
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept_to_file)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    assert offered and offered[0].name == "A4"  # the printer is set to the document's paper
    assert out.stat().st_size > 0
    printed, _buffer = load_pdf(out.read_bytes())
    assert printed.pageCount() == 2
    original, _keep = load_pdf(data)
    for page in range(2):
        assert printed.pagePointSize(page).toSize() == original.pagePointSize(page).toSize()
        ink = dark_share(printed.render(page, printed.pagePointSize(page).toSize()))
        assert abs(ink - dark_share(original.render(page, original.pagePointSize(page).toSize()))) < 0.01
        assert ink > 0.1  # the filled rectangle is there, not a blank sheet
    assert "共 2 页" in dialog.note.text() and str(out) in dialog.note.text()
    assert dialog.print_button.isEnabled() and dialog.close_button.isEnabled()


# Qt itself warns when a printer cannot start; the closest qt_log_ignore mark wins, so repeat QT_NOISE's.
@pytest.mark.qt_log_ignore(*QT_NOISE.args, r"QPainter::begin\(\): Returned false")
def test_a_printer_that_cannot_start_is_said_so(qtbot, ctx, monkeypatch, tmp_path):
    dialog = open_preview(qtbot, ctx, make_pdf(1))
    target = tmp_path / "没有这个文件夹" / "printed.pdf"

    def accept_to_nowhere(print_dialog):
        print_dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        print_dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept_to_nowhere)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    assert not target.exists()
    assert dialog.error.isVisible() and "无法开始打印" in dialog.error.text()
    assert dialog.print_button.isEnabled() and dialog.close_button.isEnabled()


def test_without_a_printer_the_clerk_is_told_why_and_may_save_the_pdf(qtbot, ctx, monkeypatch, tmp_path):
    data = make_pdf(1)
    dialog = open_preview(qtbot, ctx, data)
    monkeypatch.setattr(pdf_preview_dialog, "available_printers", lambda: [])
    monkeypatch.setattr(QPrintDialog, "exec", lambda _d: pytest.fail("no print dialog without a printer"))
    target = tmp_path / "回执.pdf"
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *_a: str(target))
    answers = Answers("另存为PDF…")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert answers.texts and "没有设置打印机" in answers.texts[0] and "另存为PDF" in answers.texts[0]
    assert target.read_bytes() == data
    assert "已保存" in dialog.note.text()
    answers = Answers("只看预览")
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert answers.texts and dialog.isVisible() and not ctx.tasks.busy


def test_cancelling_the_print_dialog_prints_nothing(qtbot, ctx, monkeypatch):
    dialog = open_preview(qtbot, ctx, make_pdf(1))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert not ctx.tasks.busy and not dialog.note.isVisible()


def test_the_print_session_belongs_to_its_context(ctx, staff, make_ctx):
    session = PrintSession.of(ctx)
    session.printer_name = "窗口打印机"
    session.warned.add("字体未嵌入")
    assert PrintSession.of(ctx) is session
    later = PrintSession.of(make_ctx(staff["clerk"], TODAY))  # the next start of the program
    assert later is not session and not later.warned  # warnings are said again in a new session
    assert later.printer_name == "窗口打印机"  # the printer is remembered for this user (设置 keeps the default)
    assert PrintSession.of(make_ctx(staff["head"], TODAY)).printer_name == ""


# -- with the renderer: issuing, archiving, re-printing ------------------------------------------
def pdf_text(data: bytes) -> str:
    """What a reader of the PDF sees (pdftotext), not what we think reportlab was told."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def previews(parent: QWidget) -> list[PdfPreviewDialog]:
    return [d for d in parent.findChildren(PdfPreviewDialog) if d.isVisible()]


def register(db, user, received: date = date(2026, 6, 1)) -> int:
    data = IntakeData(channel="in_person", handed_in_on=received, applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000",
                      content="申请公开本镇2025年道路硬化工程的招标文件")
    return cases.register(db, user.actor(), data, today=TODAY).case.id


def open_case(qtbot, ctx, case_id: int) -> CaseView:
    view = CaseView(ctx, case_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    return view


def table_rows(view: CaseView) -> list[list[str]]:
    model = view.documents_model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def menu_kinds(view: CaseView) -> list[str]:
    return [a.text() for a in view.issue_menu.actions()]


def choose(view: CaseView, label: str) -> None:
    """Pick an entry of the 出具文书 menu (a popup menu would block the test in its own event loop)."""
    [action] = [a for a in view.issue_menu.actions() if a.text() == label]
    action.trigger()


def test_one_keypress_from_registration_to_the_receipt_preview(qtbot, ctx, gui_db):
    intake = IntakeDialog(ctx)
    qtbot.addWidget(intake, before_close_func=lambda d: d.discard())
    intake.show()
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, "申请公开本镇2025年道路硬化工程的招标文件")
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    assert intake.stack.currentIndex() == 1
    assert intake.print_button.isVisible() and intake.print_button.isDefault()
    assert intake.focusWidget() is intake.print_button
    case = cases.find_by_number(gui_db, intake.result_number.text())

    press_enter(qtbot, intake.focusWidget())  # Enter prints the receipt
    qtbot.waitUntil(lambda: len(previews(intake)) == 1, timeout=20_000)
    [preview] = previews(intake)
    [receipt] = documents.documents_of(gui_db, case.id)
    assert receipt.kind == "receipt" and receipt.label == "登记回执"
    assert preview.pdf == documents.archived_pdf(gui_db, receipt.id)
    assert "登记回执" in preview.windowTitle() and case.number in preview.windowTitle()
    assert "共 1 页" in preview.pages_label.text()
    text = pdf_text(preview.pdf)
    assert "登记回执" in text and case.number in text and "王小明" in text
    assert "出具文书" in [e.label for e in cases.timeline(gui_db, case.id)] or \
        "document_issued" in [e.action for e in cases.timeline(gui_db, case.id)]

    qtbot.mouseClick(preview.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not previews(intake))
    assert intake.print_button.text() == "重新打印回执"
    press_enter(qtbot, intake.focusWidget())  # after the receipt, Enter goes on to the next applicant
    assert intake.stack.currentIndex() == 0 and intake.applicant_name.text() == ""
    assert len(documents.documents_of(gui_db, case.id)) == 1


def test_the_receipt_is_issued_once_and_printed_again_from_the_archive(qtbot, ctx, gui_db):
    intake = IntakeDialog(ctx)
    qtbot.addWidget(intake, before_close_func=lambda d: d.discard())
    intake.show()
    type_text(qtbot, intake.applicant_name, "王小明")
    qtbot.keyClicks(intake.id_number, "11010519491231002X")
    qtbot.keyClicks(intake.phone, "13800138000")
    type_text(qtbot, intake.content, "申请公开本镇2025年道路硬化工程的招标文件")
    press_enter(qtbot, intake.phone)
    wait_idle(qtbot, intake.ctx)
    press_enter(qtbot, intake.print_button)
    press_enter(qtbot, intake.print_button)  # a second Enter while it renders issues nothing
    wait_idle(qtbot, ctx)
    case = cases.find_by_number(gui_db, intake.result_number.text())
    [receipt] = documents.documents_of(gui_db, case.id)
    [first] = previews(intake)
    first.close()

    qtbot.mouseClick(intake.print_button, Qt.MouseButton.LeftButton)
    [again] = previews(intake)
    assert again.pdf == receipt.pdf == documents.archived_pdf(gui_db, receipt.id)
    assert "登记回执" in again.windowTitle() and case.number in again.windowTitle()
    assert len(documents.documents_of(gui_db, case.id)) == 1


def test_the_case_view_lists_the_documents_and_reprints_the_archive(qtbot, gui_db, staff, ctx):
    case_id = register(gui_db, staff["clerk"])
    receipt = documents.issue(gui_db, staff["clerk"].actor(), case_id, "receipt", today=TODAY)
    view = open_case(qtbot, ctx, case_id)
    assert view.documents_table.isVisible()
    [row] = table_rows(view)
    assert row[0] == "登记回执" and row[1] == "—" and row[2] == TODAY.isoformat()
    # the template and its version are the audit view's; the clerk is told only when fonts are missing
    assert len(row) == 4 and row[3] == ("" if receipt.fonts_embedded else "字体未嵌入,各电脑显示可能不同")
    assert view.show_document_button.isEnabled()

    qtbot.mouseClick(view.show_document_button, Qt.MouseButton.LeftButton)
    [preview] = previews(view)
    assert preview.pdf == documents.archived_pdf(gui_db, receipt.id)
    assert "登记回执" in preview.windowTitle() and view.case.number in preview.windowTitle()
    assert len(documents.documents_of(gui_db, case_id)) == 1  # looking again issues nothing


def test_issuing_a_notice_from_the_case_view_numbers_it_and_lists_it(qtbot, gui_db, staff, ctx):
    case_id = register(gui_db, staff["clerk"])
    view = open_case(qtbot, ctx, case_id)
    assert menu_kinds(view) == ["登记回执", "政府信息公开申请表", "说明理由告知书"]
    assert not view.show_document_button.isEnabled() and view.documents_model.rowCount() == 0
    cases.request_correction(gui_db, staff["clerk"].actor(), case_id, TODAY, "请写明所需工程的名称和年份",
                             override_reason="测试", today=TODAY)
    ctx.data_changed()
    wait_idle(qtbot, ctx)
    assert menu_kinds(view) == ["登记回执", "政府信息公开申请表", "补正申请告知书", "说明理由告知书"]

    choose(view, "补正申请告知书")
    qtbot.waitUntil(lambda: len(previews(view)) == 1, timeout=20_000)
    [notice] = documents.documents_of(gui_db, case_id)
    assert notice.kind == "correction" and notice.number
    [preview] = previews(view)
    assert notice.number in preview.windowTitle() and "补正申请告知书" in preview.windowTitle()
    assert "请写明所需工程的名称和年份" in "".join(pdf_text(preview.pdf).split())  # the notice wraps it
    wait_idle(qtbot, ctx)
    [row] = table_rows(view)  # the list reloaded when the document was issued
    assert row[:3] == ["补正申请告知书", notice.number, TODAY.isoformat()]


def test_the_issue_menu_follows_the_state_of_the_case(qtbot, gui_db, staff, make_ctx):
    clerk, head = staff["clerk"].actor(), staff["head"].actor()
    ctx = make_ctx(staff["clerk"], TODAY)
    third = register(gui_db, staff["clerk"])
    cases.start_pause(gui_db, clerk, third, "third_party", TODAY, party="宏达公司", today=TODAY)
    fee = register(gui_db, staff["clerk"])
    cases.start_pause(gui_db, clerk, fee, "fee", TODAY, today=TODAY)
    extended = register(gui_db, staff["clerk"])
    cases.extend(gui_db, head, extended, 20, TODAY, reason="需调取档案", today=TODAY)
    replied = register(gui_db, staff["clerk"])
    record_reply(gui_db, clerk, replied, "disclosed", TODAY, today=TODAY)
    withdrawn = register(gui_db, staff["clerk"])
    cases.withdraw(gui_db, clerk, withdrawn, TODAY, today=TODAY)

    other = register(gui_db, staff["clerk"])
    cases.start_pause(gui_db, clerk, other, "other_body", TODAY, party="县交通运输局", today=TODAY)
    manual = register(gui_db, staff["clerk"])
    cases.set_manual_due(gui_db, head, manual, date(2026, 9, 30), "申请件数较多", today=TODAY)

    expected = {  # every case: the receipt and the application form; an open one: 说明理由 (Art. 35)
        third: ["登记回执", "政府信息公开申请表", "第三方意见征询函", "公开决定告知书(第三方)", "说明理由告知书"],
        fee: ["登记回执", "政府信息公开申请表", "收费通知", "说明理由告知书"],
        extended: ["登记回执", "政府信息公开申请表", "延期答复告知书", "说明理由告知书"],
        other: ["登记回执", "政府信息公开申请表", "征求意见函", "说明理由告知书"],
        manual: ["登记回执", "政府信息公开申请表", "说明理由告知书", "延迟答复告知书"],
        replied: ["登记回执", "政府信息公开申请表", "答复告知书", "送达回证"],
        withdrawn: ["登记回执", "政府信息公开申请表"],
    }
    for case_id, kinds in expected.items():
        view = open_case(qtbot, ctx, case_id)
        assert menu_kinds(view) == kinds, cases.get_case(gui_db, case_id).status
        view.close()
    cases.end_pause(gui_db, clerk, third, TODAY, today=TODAY)
    assert menu_kinds(open_case(qtbot, ctx, third)) == [  # the pause is over; the decision can still go out
        "登记回执", "政府信息公开申请表", "公开决定告知书(第三方)", "说明理由告知书"]


def test_a_reviewer_may_look_at_documents_but_not_issue_them(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff["clerk"])
    documents.issue(gui_db, staff["clerk"].actor(), case_id, "receipt", today=TODAY)
    view = open_case(qtbot, make_ctx(staff["reviewer"], TODAY), case_id)
    assert not view.issue_button.isEnabled() and view.issue_button.toolTip() == "需要承办人或负责人角色"
    assert view.show_document_button.isEnabled()


def test_a_refused_document_is_said_in_a_message_box(qtbot, gui_db, staff, ctx, monkeypatch):
    case_id = register(gui_db, staff["clerk"])
    view = open_case(qtbot, ctx, case_id)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: said.append((title, text)))
    results = []
    issue_document(ctx, view, case_id, "reply", then=results.append)
    wait_idle(qtbot, ctx)
    assert said == [("未能出具文书", "尚未答复,不能出具答复告知书或送达回证")]
    assert results == [None] and not previews(view)
    assert documents.documents_of(gui_db, case_id) == []


def test_a_font_warning_is_shown_once_per_session(qtbot, gui_db, staff, ctx, monkeypatch):
    case_id = register(gui_db, staff["clerk"])
    issue = documents.issue
    warning = "未找到可嵌入的中文字体,文书使用了内置字体(未嵌入)"

    def issue_without_fonts(*args, **kwargs):
        return replace(issue(*args, **kwargs), warnings=(warning,))

    monkeypatch.setattr(documents, "issue", issue_without_fonts)
    view = open_case(qtbot, ctx, case_id)
    shown = []
    for _ in range(2):
        issue_document(ctx, view, case_id, "receipt")
        wait_idle(qtbot, ctx)
        preview = previews(view)[-1]
        shown.append(preview.warning.text() if preview.warning.isVisible() else "")
        preview.close()
    assert shown == [warning, ""]
    assert len(documents.documents_of(gui_db, case_id)) == 2


def test_a_provisional_date_asks_before_the_notice_is_issued(qtbot, gui_db, staff, make_ctx):
    """The extension's new due date in a year without an official schedule: the clerk is asked, and only
    "仍然出具" issues it (marked)."""
    from workstation.domain.intake import IntakeData
    from workstation.gui.printing import issue_document
    from workstation.services import cases, documents

    on = date(2026, 12, 21)
    data = IntakeData(channel="in_person", handed_in_on=on, applicant_name="王小明", id_number="11010519491231002X",
                      phone="13800138000", content="申请公开本镇2025年道路硬化工程的招标文件")
    case_id = cases.register(gui_db, staff["clerk"].actor(), data, today=on).case.id
    cases.extend(gui_db, staff["head"].actor(), case_id, 20, on, reason="需要调取档案", today=on)
    ctx = make_ctx(staff["clerk"], on)
    outcomes = []
    answers = Answers("先导入放假通知")
    issue_document(ctx, None, case_id, "extension", then=outcomes.append)
    qtbot.waitUntil(lambda: outcomes == [None], timeout=10000)
    assert "2027年的放假安排尚未导入" in answers.texts[0] and documents.documents_of(gui_db, case_id) == []
    answers = Answers("仍然出具")
    issue_document(ctx, None, case_id, "extension", then=outcomes.append)
    qtbot.waitUntil(lambda: len(outcomes) == 2 and outcomes[1] is not None, timeout=20000)
    assert [d.kind for d in documents.documents_of(gui_db, case_id)] == ["extension"]
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.windowTitle().startswith("延期答复告知书"):
            widget.close()
