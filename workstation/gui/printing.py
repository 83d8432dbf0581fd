"""Issuing and re-printing documents from the screens (出具文书 / 重新打印).

``issue_document`` numbers, renders and archives a notice in the worker, then
opens its preview (and sends a receipt straight to the printer where the office
has set 打印回执时直接送默认打印机); ``show_archived`` opens the preview of a document issued
before, from its archived bytes (a re-print never re-renders).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from workstation.domain.errors import UserError
from workstation.domain.notices import KINDS
from workstation.services import cases, documents
from workstation.services.base import office_settings
from workstation.services.documents import IssuedDocument

from .backup_dialog import ask
from .context import AppContext, Change
from .pdf_preview_dialog import PdfPreviewDialog, PrintSession
from .widgets import plain_message
from .worker import Progress


def document_title(label: str, number: str | None, case_number: str) -> str:
    """What the preview's title says: the document and its 文号, or the case's 受理编号 when it has none."""
    return f"{label} {number}" if number else f"{label}(受理编号 {case_number})"


def open_preview(ctx: AppContext, parent: QWidget | None, pdf: bytes, title: str) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(ctx, pdf, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def issue_document(ctx: AppContext, parent: QWidget | None, case_id: int, kind: str, *,
                   then: Callable[[IssuedDocument | None], None] | None = None,
                   details: dict[str, str] | None = None, provisional_ok: bool = False) -> None:
    """Issue a ``kind`` document (see domain.notices.KINDS) for the case and open its preview.

    The rendering runs in the worker; a refusal is shown as a message box. A notice whose promised date
    rests on a provisional holiday schedule asks first: import the notice, or issue it anyway (marked).
    ``then`` is called on the GUI thread with the issued document, or with None after a refusal.
    """
    db, actor, today = ctx.background_db, ctx.actor, ctx.today()

    def job(_progress: Progress) -> tuple[IssuedDocument, str]:
        issued = documents.issue(db, actor, case_id, kind, today=today, details=details,
                                 provisional_ok=provisional_ok)
        return issued, cases.get_case(db, case_id).number

    def done(result: tuple[IssuedDocument, str]) -> None:
        issued, case_number = result
        ctx.data_changed(change=Change.of_case(case_id, register=False))
        alive = parent is None or isValid(parent)  # the window that asked may have been closed meanwhile
        title = document_title(issued.label, issued.number, case_number)
        preview = open_preview(ctx, parent if alive else None, issued.pdf, title)
        preview.show_warning(_fresh_warnings(ctx, issued.warnings))
        if kind == "receipt" and office_settings(ctx.db).receipt_direct:
            preview.print_now()  # the applicant is waiting: straight to the office's printer
        if then is not None and alive:
            then(issued)

    def refused(exc: UserError) -> None:
        alive = parent is None or isValid(parent)
        if isinstance(exc, documents.ProvisionalDates) and alive:
            if ask(parent, "日期按预估推算", exc.message, "仍然出具", "先导入放假通知"):
                issue_document(ctx, parent, case_id, kind, then=then, details=details, provisional_ok=True)
                return
        else:
            QMessageBox.warning(parent if alive else None, "未能出具文书", plain_message(exc.message))
        if then is not None and alive:
            then(None)

    ctx.tasks.run(job, on_done=done, on_error=refused, label=f"正在生成{KINDS.get(kind, '文书')}……",
                  parent=parent)


def _fresh_warnings(ctx: AppContext, warnings: tuple[str, ...]) -> str:
    """Issue warnings (a font that could not be embedded) are said once per session, not on every notice."""
    session = PrintSession.of(ctx)
    fresh = [w for w in warnings if w not in session.warned]
    session.warned.update(fresh)
    return "\n".join(fresh)


def show_archived(ctx: AppContext, parent: QWidget | None, doc_id: int, *, title: str = "") -> None:
    """Open the preview of an issued document's archived bytes, to look at it or print it again."""
    try:
        pdf = documents.archived_pdf(ctx.db, doc_id, viewer=ctx.actor)
    except UserError as exc:
        QMessageBox.warning(parent, "无法打开文书", plain_message(exc.message))
        return
    open_preview(ctx, parent, pdf, title or "已出具的文书")
