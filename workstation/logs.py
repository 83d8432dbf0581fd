"""Logging that never writes personal data: ID numbers, credit codes and mobile numbers are masked
and password-looking values are dropped before a record is written, tracebacks included.

The log is owner-only, in the user's log folder; a bug in the program (an exception that is not a
clerk's or the disk's fault) is written there with its traceback.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from pathlib import Path

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Z]{6})[0-9A-Z]{8}([0-9A-Z]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_SECRET = re.compile(r"(?i)(password|passwd|密码)(\s*[=:：]\s*)\S+")
LOGGER = "workstation"


def scrub(text: str) -> str:
    text = _ID_LIKE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}******", text)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


class ScrubFormatter(logging.Formatter):
    """Scrubs the whole formatted record, so that a traceback's exception text is masked too."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def log_file() -> Path | None:
    """The file the program's log goes to, once ``setup_logging`` has run."""
    for handler in logging.getLogger(LOGGER).handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Log to a file in the user's log folder (owner-only), scrubbed of personal data.

    Calling it again adds nothing; None when the folder cannot be written (the program runs on).
    """
    from platformdirs import user_log_dir

    folder = folder or Path(user_log_dir("workstation", "xxgk"))
    path = folder / "workstation.log"
    current = log_file()
    if current is not None and current == path.absolute():
        return current
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)  # a log that exists from before is made owner-only too
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.addFilter(ScrubFilter())
    handler.setFormatter(ScrubFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger(LOGGER)
    for old in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        root.removeHandler(old)
        old.close()
    root.setLevel(level)
    root.addHandler(handler)
    return path


def log_bug(exc: BaseException, where: str) -> Path | None:
    """Write a bug's traceback (scrubbed) to the log; the log file, or None when there is none."""
    path = log_file() or setup_logging()
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    logging.getLogger(f"{LOGGER}.bug").error("程序内部错误(%s):\n%s", where, text)
    for handler in logging.getLogger(LOGGER).handlers:
        handler.flush()
    return path


def bug_sentence(exc: BaseException, path: Path | None) -> str:
    """What the user reads about a bug: it is the program's fault, and where the details are."""
    where = f"详情已写入日志 {path}" if path else "无法写入日志"
    return (f"程序内部错误({type(exc).__name__}),这不是您的操作造成的。{where},请把日志交给维护人员;"
            "已保存的数据不受影响。")


class _Terminal(logging.Handler):
    """Writes to whatever sys.stderr is at the time (the command line's one-line notes)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def log_to_stderr_once() -> None:
    """Warnings (a register's permissions tightened) also go to the terminal, for the command line."""
    root = logging.getLogger(LOGGER)
    if any(isinstance(h, _Terminal) for h in root.handlers):
        return
    handler = _Terminal(logging.WARNING)
    handler.addFilter(lambda record: record.levelno == logging.WARNING)  # a bug's traceback stays in the log
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("workstation: 注意:%(message)s"))
    root.addHandler(handler)
