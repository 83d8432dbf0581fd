"""Sending an archived PDF to a CUPS print queue (Linux, UOS, Kylin) as it is.

CUPS takes PDF natively and rasterises it itself at the printer's own resolution, so the printer
gets vector text and a job of a few dozen kilobytes instead of 300-dpi pictures of every page.
Where there is no CUPS (Windows), the GUI paints the pages on a QPrinter instead
(gui/pdf_preview_dialog.py). This module runs `lp`; it imports no Qt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from workstation.domain.errors import UserError

_JOB = re.compile(r"request id is (\S+)")
LP_TIMEOUT_S = 60


def cups_available() -> bool:
    """True where printing goes through CUPS: Linux (Debian, UOS, Kylin) with `lp` installed."""
    return sys.platform.startswith("linux") and shutil.which("lp") is not None


def send_pdf(pdf: bytes, printer: str, *, title: str, copies: int = 1, pages: tuple[int, int] | None = None) -> str:
    """Queue ``pdf`` on the CUPS queue ``printer``; returns the job id (``打印机-12``).

    ``pages`` is a 1-based inclusive range, as the print dialog gives it. A refusal by CUPS (no such
    queue, a stopped printer, the scheduler not running) is a UserError saying what to do.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise UserError("本机没有安装打印系统(CUPS),无法直接打印。请另存为PDF,或请管理员安装打印机。")
    cmd = [lp, "-d", printer, "-t", title[:200] or "文书", "-n", str(max(1, copies))]
    if pages is not None:
        cmd += ["-P", f"{pages[0]}-{pages[1]}"]
    try:
        done = subprocess.run(cmd, input=pdf, capture_output=True, timeout=LP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise UserError(f"打印系统在 {LP_TIMEOUT_S} 秒内没有响应:请检查打印服务(CUPS)是否在运行,稍后再试。") from None
    said = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
    if done.returncode != 0:
        raise UserError(f"打印机“{printer}”没有接受这份文书({said or '没有说明原因'})。"
                        "请检查打印机是否已开机并在系统中启用,或换一台打印机。")
    found = _JOB.search(said)
    return found.group(1) if found else ""
