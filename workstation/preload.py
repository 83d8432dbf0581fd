"""Start-up of the desktop program: the modules its first window needs that do not use Qt, imported before Qt.

PySide6 (shiboken) hooks the import statement: every module imported after PySide6 has its source file read
(``inspect.getsource``) to see whether it uses PySide's ``__feature__`` switches. For SQLAlchemy, the store
and the services that is some 300 modules and 0.1–0.2 s of a start. Imported first, they are never read.
The standard library only here: this module is imported by ``cli.main`` before Qt and SQLAlchemy load.
"""

from __future__ import annotations

import importlib
import sys

# What gui/app.py and gui/main_window.py bring in below PySide6, by its roots (each imports the rest).
BEFORE_QT = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "workstation.store.database",
    "workstation.store.models",
    "workstation.services.users",
    "workstation.services.audit",
    "workstation.services.backup",
    "workstation.services.calendar",
    "workstation.services.cases",
    "workstation.services.clock",
    "workstation.services.gui_queries",
    "workstation.services.handover",
    "workstation.services.handover_sheets",
    "workstation.services.ledger",
    "workstation.services.queries",
    "workstation.services.register_export",
    "workstation.services.office",
    "workstation.services.units",
    "workstation.domain.ledger",
    "workstation.domain.text_decoding",
    "workstation.paths",
)


def before_qt() -> None:
    """Import the first window's modules that do not use Qt (call it before anything imports PySide6)."""
    for name in BEFORE_QT:
        importlib.import_module(name)


def skip_pyside_source_reads() -> None:
    """PySide6's import hook reads the source of every module imported after it to see whether it uses
    ``__feature__`` (snake_case, true_property); this program never does. Its own GUI modules (some 60) are
    marked as not using it without their files being read; any other module is still asked as PySide6 asks.
    Safe either way: a module marked so keeps the feature set of the last one selected, and none ever is."""
    import PySide6.QtCore  # noqa: F401 - installs the hook and its module

    feature = sys.modules.get("PySide6.support.feature")
    asks = getattr(feature, "_mod_uses_pyside", None)
    if asks is None:  # another PySide6 version: leave it as it is
        return

    def uses_pyside(module: object) -> bool:
        name = getattr(module, "__name__", "")
        if name == "workstation" or name.startswith("workstation."):
            return False
        return asks(module)

    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
