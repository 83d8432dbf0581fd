"""文书预览: an issued document as it will print, with 打印 and 另存为PDF.

The dialog shows archived bytes and never re-renders a document: what is
printed or saved is exactly what was issued. On a printer queue of CUPS (Linux,
UOS, Kylin) the archived PDF itself is queued (documents/spool.py): vector text
at the printer's own resolution, small jobs. Elsewhere (Windows, or printing to
a file from the dialog) the pages are rasterised with QtPdf in the background
worker (QPainter may paint on a QPrinter outside the GUI thread), in horizontal
bands so that a page never needs one big image, and it can be cancelled between
bands. Without any printer the clerk is told so and offered to save the PDF.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.documents import spool
from workstation.domain.errors import UserError
from workstation.files import safe_file_stem, write_private_bytes
from workstation.services.base import office_settings

from . import file_dialogs
from .context import AppContext
from .widgets import error_label, fit_resize, show_error
from .worker import Progress

PRINT_DPI_CAP = 300  # 16 pt text gets 67 px a character; 600 dpi took 1 s a page
BAND_PIXELS = 1024  # rows rendered at once: 300 dpi A4 is 2480 px wide, so 10 MB a band, not 35 a page


class PrintSession(QObject):
    """What printing remembers while the program runs: the printer last chosen, warnings already shown.

    One per AppContext, kept as its child, so it lives exactly as long as the session.
    """

    NAME = "printSession"

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(self.NAME)
        self.remembered = getattr(parent, "remembered", None)
        self._printer = str(self.remembered.get("printer", "")) if self.remembered is not None else ""
        self.warned: set[str] = set()

    @property
    def printer_name(self) -> str:
        """The printer chosen last, also in an earlier run of the program by the same user."""
        return self._printer

    @printer_name.setter
    def printer_name(self, name: str) -> None:
        self._printer = name
        if self.remembered is not None:
            self.remembered.put("printer", name)

    @classmethod
    def of(cls, ctx: AppContext) -> PrintSession:
        found = ctx.findChild(cls, cls.NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, cls) else cls(ctx)


class LoadedPdf:
    """A QPdfDocument over bytes held in memory (the document reads from the buffer while it lives)."""

    def __init__(self, pdf: bytes, parent: QObject | None = None) -> None:
        self.buffer = QBuffer(parent)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(parent)
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise UserError("这份文书的 PDF 文件无法打开(文件已损坏或不完整),请与管理员联系检查数据库备份。")


def safe_file_name(title: str) -> str:
    return safe_file_stem(title) + ".pdf"


def available_printers() -> list[str]:
    """The printer queues the system offers (empty on a machine with no printer set up)."""
    return list(QPrinterInfo.availablePrinterNames())


def queue_pdf(pdf: bytes, printer: QPrinter, title: str, progress: Progress) -> int:
    """Hand the archived PDF to the CUPS queue the printer names, with its copies and page range."""
    count = LoadedPdf(pdf).document.pageCount()
    pages = None
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        pages = (printer.fromPage(), min(printer.toPage(), count))
    copies = max(1, printer.copyCount())
    spool.send_pdf(pdf, printer.printerName(), title=title, copies=copies, pages=pages)
    progress.report(1, 1)
    sheets = (pages[1] - pages[0] + 1) if pages else count
    return sheets * copies


def print_pdf(pdf: bytes, printer: QPrinter, progress: Progress) -> int:
    """Paint the pages of ``pdf`` on ``printer`` at their own size (smaller only if the paper is).

    Runs in the worker. Honours the page range and, where the printer cannot
    make copies itself, the copy count. Returns the number of sheets printed, 0 if cancelled.
    """
    loaded = LoadedPdf(pdf)
    document = loaded.document
    pages = list(range(document.pageCount()))
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        pages = [p for p in pages if printer.fromPage() - 1 <= p <= printer.toPage() - 1]
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    sheets = [page for _ in range(copies) for page in pages]
    device_dpi = printer.resolution()
    dpi = min(device_dpi, PRINT_DPI_CAP)
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("无法开始打印:请检查打印机是否已连接并开机,或在打印对话框中换一台打印机。")
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for done, page in enumerate(sheets):
            if done:
                printer.newPage()
            points = document.pagePointSize(page)
            pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            scale = device_dpi / dpi
            scale *= min(1.0, paper.width() / (pixels.width() * scale), paper.height() / (pixels.height() * scale))
            for top in range(0, pixels.height(), BAND_PIXELS):
                if progress.cancelled:
                    printer.abort()
                    return 0
                band = QRect(0, top, pixels.width(), min(BAND_PIXELS, pixels.height() - top))
                options = QPdfDocumentRenderOptions()
                options.setScaledSize(pixels)
                options.setScaledClipRect(band)
                target = QRectF(QPointF(0, top * scale), band.size().toSizeF() * scale)
                painter.drawImage(target, document.render(page, band.size(), options))
            progress.report(done + 1, len(sheets))
    finally:
        painter.end()
    return len(sheets)


class PdfPreviewDialog(QDialog):
    """The pages of one issued document, fitted to the width; 打印, 另存为PDF, 关闭."""

    def __init__(self, ctx: AppContext, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pdf = pdf
        self.title = title
        self.printing = False
        self.setWindowTitle(f"文书预览 — {title}")
        heading = QLabel(title)
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        self.pages_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.pages_label)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.note.hide()
        self.warning = QLabel()
        self.warning.setObjectName("warning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.error = error_label()
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("另存为PDF…")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_as)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)
        self.print_button.setFocus()
        fit_resize(self, 780, 720)
        self.loaded: LoadedPdf | None = None
        try:
            self.loaded = LoadedPdf(pdf, self)
        except UserError as exc:
            show_error(self.error, exc.message)
            self.print_button.setEnabled(False)
            return
        self.view.setDocument(self.loaded.document)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page)
        self._show_page(0)

    @property
    def page_count(self) -> int:
        return self.loaded.document.pageCount() if self.loaded else 0

    def _show_page(self, page: int) -> None:
        self.pages_label.setText(f"第 {page + 1} 页 / 共 {self.page_count} 页")

    def show_warning(self, text: str) -> None:
        """Something the clerk should know about this document (e.g. a font that could not be embedded)."""
        show_error(self.warning, text)

    def _say(self, text: str) -> None:
        show_error(self.error, "")
        self.note.setText(text)
        self.note.show()

    # -- printing ---------------------------------------------------------------------
    def make_printer(self) -> QPrinter:
        """A printer set to the document's paper, on the printer chosen last in this session."""
        assert self.loaded is not None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        chosen = self.chosen_printer()
        if chosen:
            printer.setPrinterName(chosen)
        points = self.loaded.document.pagePointSize(0)
        landscape = points.width() > points.height()
        portrait_size = points.transposed() if landscape else points
        printer.setPageSize(QPageSize(portrait_size, QPageSize.Unit.Point, "",
                                      QPageSize.SizeMatchPolicy.FuzzyMatch))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the margins are in the document; the page prints at its own size
        printer.setDocName(self.title)
        return printer

    def chosen_printer(self) -> str:
        """The printer chosen last in this session, else the office's default printer (设置 → 打印), if present."""
        printers = available_printers()
        for name in (PrintSession.of(self.ctx).printer_name, office_settings(self.ctx.db).printer):
            if name and name in printers:
                return name
        return ""

    def print_document(self) -> None:
        """打印…: the print dialog on the chosen printer, then the job in the worker."""
        if not self._can_print():
            return
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印文书")
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and printer.printerName():
            PrintSession.of(self.ctx).printer_name = printer.printerName()
        self._start(printer)

    def print_now(self) -> None:
        """Print on the chosen printer without the dialog (打印回执 when the office sets it so)."""
        if not self._can_print():
            return
        printer = self.make_printer()
        if not printer.printerName():
            printer.setPrinterName(QPrinterInfo.defaultPrinterName() or available_printers()[0])
        self._start(printer)

    def _can_print(self) -> bool:
        if self.loaded is None or self.printing:
            return False
        if not available_printers():
            self._no_printer()
            return False
        return True

    def _start(self, printer: QPrinter) -> None:
        native = printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
        where = printer.printerName() if native else printer.outputFileName()
        self._set_printing(True)
        pdf, title = self.pdf, self.title
        if native and spool.cups_available():
            def job(progress: Progress) -> int:
                return queue_pdf(pdf, printer, title, progress)
        else:
            def job(progress: Progress) -> int:
                return print_pdf(pdf, printer, progress)
        self.ctx.tasks.run(job, on_done=lambda sheets: self._printed(sheets, where),
                           on_error=self._print_failed, label="正在打印……", parent=self, cancellable=True)

    def _no_printer(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "没有可用的打印机",
                          "这台电脑上没有设置打印机,所以现在不能打印。\n"
                          "可以先另存为PDF,拷到有打印机的电脑上打印;或请管理员在系统设置中添加打印机后,"
                          "再在这里点“打印”。", parent=self)
        save = box.addButton("另存为PDF…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("只看预览", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        if box.clickedButton() is save:
            self.save_as()

    def _set_printing(self, printing: bool) -> None:
        self.printing = printing
        for button in (self.print_button, self.save_button, self.close_button):
            button.setEnabled(not printing)

    def _printed(self, sheets: int, where: str) -> None:
        self._set_printing(False)
        self._say(f"已发送到 {where},共 {sheets} 页。" if sheets else "已取消打印。")

    def _print_failed(self, exc: UserError) -> None:
        self._set_printing(False)
        self.note.hide()
        show_error(self.error, exc.message)

    # -- saving -----------------------------------------------------------------------
    def save_as(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / safe_file_name(self.title))
        name = file_dialogs.save_file_name(self, "另存为PDF", suggested, "PDF 文件 (*.pdf)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_private_bytes(path, self.pdf)  # a notice names the applicant: owner-only
        except OSError as exc:
            self.note.hide()
            show_error(self.error, f"未能保存到 {path}:{exc.strerror or exc}。请换一个文件夹或文件名再试。")
            return
        self._say(f"已保存:{path}")

    def reject(self) -> None:
        if self.printing:  # the worker still paints on the printer: cancel in the progress dialog
            return
        super().reject()
