"""Printing through a real print queue: CUPS with the cups-pdf backend as the office's printer.

The test starts cupsd itself (on this machine only), adds a cups-pdf queue, and prints the receipt and
a reply notice from the program's own print path (the preview's 打印, and 打印回执 sent straight to the
office's default printer). What CUPS writes is read back: the text, the page count, A4. Needs root
(it starts the scheduler and adds a queue), as .ci/run has; `make test` installs cups and cups-pdf.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from helpers.gui import QT_NOISE, wait_idle
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog

from workstation.gui.pdf_preview_dialog import PdfPreviewDialog, available_printers
from workstation.gui.printing import issue_document
from workstation.services import documents
from workstation.services.demo import fill_demo
from workstation.services.office import save_settings
from workstation.services.queries import CaseFilter, list_cases
from workstation.services.users import authenticate

pytest_plugins = ["helpers.gui"]
pytestmark = [QT_NOISE, pytest.mark.gui, pytest.mark.slow]
QUEUE = "WorkstationPDF"
TODAY = date(2026, 11, 27)


def _scheduler_running() -> bool:
    said = subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout
    return "is running" in said and "not running" not in said


@pytest.fixture(scope="module")
def cups_pdf_output() -> Path:
    """The folder cups-pdf writes this user's jobs to, with the queue set up and the scheduler running."""
    if os.geteuid() != 0:
        pytest.skip("starts cupsd and adds a print queue: run as root (as .ci/run does)")
    for tool in ("cupsd", "lpadmin", "lpstat", "lp"):
        assert shutil.which(tool), f"{tool} is missing: `make test` installs cups and printer-driver-cups-pdf"
    if not _scheduler_running():
        subprocess.run(["cupsd"], check=True)
        deadline = time.monotonic() + 20
        while not _scheduler_running():
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.2)
    # cups-pdf turns the job into PostScript and back; Ghostscript's way there loses the text layer of
    # embedded CJK fonts (the page still prints right), pdftocairo's keeps it, so the text can be read back.
    subprocess.run(["lpadmin", "-p", QUEUE, "-v", "cups-pdf:/", "-E", "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
                    "-o", "pdftops-renderer-default=pdftocairo"], check=True, capture_output=True)
    conf = Path("/etc/cups/cups-pdf.conf").read_text(encoding="utf-8", errors="replace")
    out = re.search(r"^Out\s+(\S+)", conf, re.M)
    folder = Path((out.group(1) if out else "${HOME}/PDF").replace("${HOME}", str(Path.home())))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _new_pdf(folder: Path, before: set[Path], timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = [p for p in folder.glob("*.pdf") if p not in before]
        if fresh and all(p.stat().st_size > 0 for p in fresh):
            time.sleep(0.5)  # cups-pdf writes, then closes
            return max(fresh, key=lambda p: p.stat().st_mtime)
        time.sleep(0.2)
    raise AssertionError(f"CUPS wrote nothing to {folder} in {timeout} s: {subprocess.run(['lpstat', '-o'], capture_output=True, text=True).stdout}")


def _read_back(pdf: Path) -> tuple[str, int, str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return re.sub(r"\s+", "", text), pages, size


@pytest.fixture
def demo(gui_db):
    fill_demo(gui_db, cases=20, today=TODAY)
    return gui_db


def test_a_reply_and_the_receipt_go_through_the_print_queue(qtbot, demo, make_ctx, cups_pdf_output, monkeypatch):
    clerk = authenticate(demo, "clerk", "demo123")
    admin = authenticate(demo, "admin", "demo123")
    save_settings(demo, admin.actor(), {"printing.printer": QUEUE, "printing.receipt_direct": True})
    ctx = make_ctx(clerk, TODAY)
    assert QUEUE in available_printers()

    # a reply notice, from the preview's 打印 with the print dialog accepted as it comes
    replied = next(c for c in list_cases(demo, CaseFilter(), limit=100) if c.result_key == "partly_disclosed")
    notice = documents.issue(demo, clerk.actor(), replied.id, "reply", today=TODAY)
    before = set(cups_pdf_output.glob("*.pdf"))
    dialog = PdfPreviewDialog(ctx, notice.pdf, f"答复告知书 {notice.number}")
    qtbot.addWidget(dialog)
    dialog.show()
    offered = []

    def accept(print_dialog):
        offered.append(print_dialog.printer().printerName())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog.print_document()
    wait_idle(qtbot, ctx)
    assert offered == [QUEUE], "the office's default printer is offered first"
    assert f"已发送到 {QUEUE}" in dialog.note.text(), dialog.error.text()
    text, pages, size = _read_back(_new_pdf(cups_pdf_output, before))
    original_pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", "-"], input=notice.pdf, capture_output=True, check=True).stdout.decode(), re.M).group(1))
    assert pages == original_pages
    assert "A4" in size or "595" in size
    assert notice.number.replace(" ", "") in text and "答复告知书" in text and "行政复议" in text and "特此告知" in text

    # 打印回执 with 直接送默认打印机: no dialog at all
    monkeypatch.setattr(QPrintDialog, "exec", lambda _d: pytest.fail("the receipt goes straight to the printer"))
    received = next(c for c in list_cases(demo, CaseFilter(), limit=100) if c.status != "closed")
    before = set(cups_pdf_output.glob("*.pdf"))
    issued = []
    issue_document(ctx, None, received.id, "receipt", then=issued.append)
    qtbot.waitUntil(lambda: bool(issued), timeout=20_000)
    wait_idle(qtbot, ctx)
    text, pages, size = _read_back(_new_pdf(cups_pdf_output, before))
    assert pages == 1 and ("A4" in size or "595" in size)
    assert received.number.replace(" ", "") in text and "登记回执" in text.replace("政府信息公开申请", "")
