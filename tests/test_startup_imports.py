"""Start-up imports: what loads before the main window, and in which order (issue 18: startup_s <= 1.0).

Each check runs in a fresh interpreter: the test process has long since imported everything.
"""

from __future__ import annotations

import os
import subprocess
import sys

# What the first window never needs: printing, the office formats, the migrations, the charts and the PDF view.
NOT_AT_START = ("reportlab", "jinja2", "openpyxl", "docx", "alembic", "lunar_python", "PySide6.QtPdf",
                "PySide6.QtPdfWidgets", "PySide6.QtCharts", "PySide6.QtPrintSupport",
                "workstation.documents", "workstation.reports", "workstation.gui.case_view",
                "workstation.gui.intake_dialog", "workstation.gui.printing", "workstation.gui.tally_view")


def _run(code: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_first_windows_modules_leave_printing_and_the_formats_for_later():
    code = ("import sys; from workstation.preload import before_qt; before_qt(); "
            "import workstation.gui.app, workstation.gui.main_window; "
            f"print(sorted(m for m in sys.modules if m.startswith({NOT_AT_START!r})))")
    assert _run(code) == "[]"


def test_sqlalchemy_and_the_services_load_before_pyside():
    """PySide6's import hook reads the source of every module imported after it; the store and the services the
    main window needs come first (workstation/preload.py), so only the window's own modules are read."""
    code = ("import sys; from workstation.preload import before_qt; before_qt(); "
            "import PySide6.QtCore; known = set(sys.modules); "
            "import workstation.gui.app, workstation.gui.main_window; "
            "print(sorted(m for m in set(sys.modules) - known if m.startswith("
            "('sqlalchemy', 'workstation.services', 'workstation.store', 'workstation.domain'))))")
    late = _run(code)
    assert late == "[]", f"add these to workstation/preload.py BEFORE_QT: {late}"


def test_the_program_path_imports_them_before_qt():
    """cli.main's path to the window calls before_qt before anything imports PySide6 (the window itself is
    replaced here by a stand-in that reports what was loaded when it was called)."""
    code = ("import sys, types\n"
            "stand_in = types.ModuleType('workstation.gui.app')\n"
            "stand_in.run_gui = lambda args: print(sorted(m for m in ('sqlalchemy', 'sqlalchemy.orm', "
            "'workstation.services.users', 'workstation.services.handover', 'PySide6') if m in sys.modules)) or 0\n"
            "sys.modules['workstation.gui.app'] = stand_in\n"
            "from workstation import cli\n"
            "cli.main(['--db', '/nonexistent/x.sqlite3'])\n")
    assert _run(code) == "['sqlalchemy', 'sqlalchemy.orm', 'workstation.services.handover', 'workstation.services.users']"


def test_the_programs_own_gui_modules_are_not_read_by_pysides_import_hook():
    """Nor the window's own modules: they never use PySide's __feature__ (preload.skip_pyside_source_reads);
    another package's module imported later is still asked as PySide6 asks."""
    code = ("import inspect, sys; from workstation.preload import before_qt; before_qt(); "
            "read = []; source = inspect.getsource; "
            "inspect.getsource = lambda o: (read.append(getattr(o, '__name__', '')), source(o))[1]; "
            "import workstation.gui.app, workstation.gui.main_window, wave; "
            "print([m for m in read if m.startswith('workstation')], 'wave' in read)")
    assert _run(code) == "[] True"
