"""The program on a real display: the xcb platform under Xvfb, not offscreen.

Every other GUI test runs offscreen, which needs none of the X libraries; this one starts the
program as `make run` does on a fresh machine (a fresh HOME, no register yet) and checks the
first-run window is shown and exposed. It fails when a Debian package that the xcb platform plugin
needs is missing (Qt then aborts with "Could not load the Qt platform plugin"), and the list those
packages come from is checked against the libraries themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent




def _fresh_env(tmp_path: Path, display: str, lang: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "XDG_", "WORKSTATION_")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), DISPLAY=display, LANG=lang, LC_ALL=lang, QT_QPA_PLATFORM="xcb",
               WORKSTATION_EXIT_AFTER_SHOWN="1")
    return env


def _report(proc: subprocess.CompletedProcess) -> dict[str, str]:
    report = {}
    for line in proc.stderr.splitlines():
        if line.startswith("BENCH "):
            key, _, value = line[6:].partition("=")
            report[key] = value
    return report


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_first_run_window_on_a_real_display(tmp_path, xvfb_display, lang):
    env = _fresh_env(tmp_path, xvfb_display, lang)
    proc = subprocess.run([sys.executable, "-m", "workstation"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    report = _report(proc)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report.get("platform") == "xcb", proc.stderr[-3000:]
    assert report.get("visible") == "1", proc.stderr[-3000:]
    assert "首次" in report.get("window", ""), report
    assert "Could not load" not in proc.stderr
    # the register was made in the fresh user's data folder, as on a clerk's machine
    assert list((tmp_path / "home").rglob("*.sqlite3")), "no register in the user's data folder"


def test_the_debian_package_list_matches_the_libraries():
    """packaging/debian-libs.txt names every package Qt's libraries need, and each library is there."""
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "derive_debs.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
