"""Files the program writes that hold personal data (notices, exports): owner-only, written whole."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def safe_file_stem(text: str) -> str:
    """A file name (without suffix) from a title: no path separators, wildcards or spaces."""
    return _UNSAFE_IN_FILE_NAMES.sub("_", text).strip("_")


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (0600), replacing any earlier file at once.

    A file that was there before keeps neither its content nor its wider permissions; a failed write
    leaves the earlier file as it was and no temporary file behind. Raises OSError.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates the file 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
