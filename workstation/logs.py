"""Logging that never writes personal data: ID numbers and credit codes are masked
and password-looking values are dropped before a record is written."""

from __future__ import annotations

import logging
import re
from pathlib import Path

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Z]{6})[0-9A-Z]{8}([0-9A-Z]{3}[0-9Xx])(?![0-9A-Za-z])")
_SECRET = re.compile(r"(?i)(password|passwd|密码)(\s*[=:：]\s*)\S+")


def scrub(text: str) -> str:
    text = _ID_LIKE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}******", text)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Log to a file in the user's log folder (owner-only), scrubbed of personal data."""
    from platformdirs import user_log_dir

    folder = folder or Path(user_log_dir("workstation", "xxgk"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "workstation.log"
        path.touch(mode=0o600, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("workstation")
    root.setLevel(level)
    root.addHandler(handler)
    return path
