"""Where the shipped data files live: resources/ (checklists, number patterns)
and forms/ (notice templates), both beside the package at the top of the tree."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def resource_path(name: str) -> Path:
    """A file in resources/, e.g. ``resource_path("checklist.toml")``."""
    return _ROOT / "resources" / name


def forms_path(name: str = "") -> Path:
    """A template in forms/, or the forms folder itself when ``name`` is empty."""
    return _ROOT / "forms" / name if name else _ROOT / "forms"
