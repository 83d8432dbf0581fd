"""What the program remembers per user between starts: window sizes, the register's columns and sort,
the printer last chosen (Picard keeps such options the same way).

Kept in an INI file in the user's configuration folder (platformdirs), one group per login, so two
clerks sharing a computer account each find their own layout. Screen layout only: nothing of the
register's data is stored here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget


def prefs_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("workstation", "xxgk")) / "screen.ini"


class Remembered:
    """One user's remembered screen settings."""

    def __init__(self, login: str, path: Path | None = None) -> None:
        self.group = login or "_"
        self.settings = QSettings(str(path or prefs_file()), QSettings.Format.IniFormat)

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.value(f"{self.group}/{key}", default)

    def put(self, key: str, value: Any) -> None:
        self.settings.setValue(f"{self.group}/{key}", value)
        self.settings.sync()

    def restore_geometry(self, widget: QWidget, name: str) -> bool:
        saved = self.get(f"{name}/geometry")
        return isinstance(saved, QByteArray) and widget.restoreGeometry(saved)

    def save_geometry(self, widget: QWidget, name: str) -> None:
        self.put(f"{name}/geometry", widget.saveGeometry())
