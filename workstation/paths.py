"""Where the shipped data files live: resources/ (checklist, style sheet) and forms/ (notice templates).

Both are inside the package (workstation/forms, workstation/resources), so they come along in the
wheel, in an installed program and in the PyInstaller bundle, and are found through
importlib.resources wherever the package itself is.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The package is always installed as files (a checkout, site-packages, or the bundle's folder), so
# its resources are plain paths; templates and the checklist are read with ordinary file access.
_PACKAGE = Path(str(files("workstation")))


def resource_path(name: str) -> Path:
    """A file in resources/, e.g. ``resource_path("checklist.toml")``."""
    return _PACKAGE / "resources" / name


def forms_path(name: str = "") -> Path:
    """A template in forms/, or the forms folder itself when ``name`` is empty."""
    return _PACKAGE / "forms" / name if name else _PACKAGE / "forms"
