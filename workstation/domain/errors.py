"""Errors a clerk can cause carry a Chinese sentence that says what to fix."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input; ``message`` is Chinese and says what to do.

    ``field`` names the form field at fault where there is one, so a screen can
    show the message beside it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class DataFileError(UserError):
    """A data file (template, checklist, notice, ledger) that cannot be read.

    The message names the file and, where known, the line.
    """

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        where = f"{path} 第{line}行" if line else path
        super().__init__(f"{where}:{message}")
        self.path = path
        self.line = line


class KnownError(UserError):
    """A failure of the database or the disk that is nobody's bug: locked, full, damaged, read-only.

    Raised by the store layer with a sentence that says what happened and what to do; the command
    line prints it and exits 2, the program shows it in a dialog.
    """
