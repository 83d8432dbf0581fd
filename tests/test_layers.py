"""The layers of spec/architecture.md: domain imports neither Qt nor SQLAlchemy;
services import no Qt."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import workstation
import workstation.domain
import workstation.services

BLOCKER = textwrap.dedent(
    """
    import importlib, importlib.abc, sys
    blocked = {blocked!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in blocked:
                raise ImportError("blocked: " + name)
    sys.meta_path.insert(0, Block())
    for name in {modules!r}:
        importlib.import_module(name)
    print("ok")
    """
)


def _modules(package) -> list[str]:
    return [package.__name__] + [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def _run(blocked: list[str], modules: list[str]) -> subprocess.CompletedProcess:
    code = BLOCKER.format(blocked=blocked, modules=modules)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_domain_needs_neither_qt_nor_sqlalchemy():
    proc = _run(["PySide6", "sqlalchemy", "alembic"], _modules(workstation.domain))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_services_need_no_qt():
    proc = _run(["PySide6"], _modules(workstation.services) + ["workstation.cli", "workstation.commands"])
    assert proc.returncode == 0, proc.stderr


def _imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside a function, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "workstation" + (f".{node.module}" if node.module else "") if node.level else node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_commands_do_not_import_the_cli():
    """cli.py builds the parser from the commands modules; they take their helpers from cli_args, not from it."""
    package = Path(workstation.__file__).parent
    commands = sorted(package.glob("commands*.py"))
    assert commands
    for path in commands:
        assert "workstation.cli" not in _imported_modules(path), path.name
    assert "workstation.cli" not in _imported_modules(package / "cli_args.py")


def test_the_clock_imports_neither_cases_nor_calendar():
    """services/clock.py is below the use cases that move the clock: no circle through cases or calendar."""
    code = ("import sys, workstation.services.clock; "
            "print(sorted(m for m in ('workstation.services.cases', 'workstation.services.calendar') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
