"""The program works when installed from its wheel, not only from a checkout.

The wheel is built and installed (not editable) into a fresh virtual environment that sees the
project's dependencies but not its source tree; from a folder outside the checkout that program
registers a request and prints its receipt, which needs the templates (forms) and the checklist and
style (resources) shipped inside the package.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _ok(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd[:4]}…: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    return done


def test_the_installed_wheel_prints_a_receipt(tmp_path):
    wheels = tmp_path / "wheels"
    _ok([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheels),
         str(ROOT)])
    [wheel] = list(wheels.glob("workstation-*.whl"))
    venv = tmp_path / "venv"
    _ok([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_ok([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # the dependencies come from the test environment; its editable install of this project does not,
    # since a path named in a .pth file is added as it is, without running that folder's own .pth files
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # --target: pip would otherwise see the test environment's own (editable) install and skip the wheel
    _ok([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)])
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["HOME"] = str(tmp_path / "home")
    env["WORKSTATION_PASSWORD"] = env["WORKSTATION_NEW_PASSWORD"] = "secret1"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), "-m", "workstation", *args], input=stdin, capture_output=True,
                              text=True, cwd=work, env=env, timeout=120)

    where = subprocess.run([str(python), "-c", "import workstation; print(workstation.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env, check=True).stdout
    assert where.startswith(str(venv)), where
    db = work / "register.sqlite3"
    request = {"channel": "当面提交", "handed_in_on": "2026-11-27", "applicant": "王小明",
               "id_number": "11010519491231002X", "phone": "13800138000", "address": "示范县人民路1号",
               "content": "申请公开本镇道路硬化工程的招标文件"}
    made = run("init", "--db", str(db), "--office", "示范县城关镇人民政府", "--login", "admin", "--name", "刘管理")
    assert made.returncode == 0, made.stderr
    added = run("user", "add", "clerk", "--name", "张承办", "--roles", "clerk", "--db", str(db), "--login", "admin")
    assert added.returncode == 0, added.stderr
    done = run("register", "--db", str(db), "--json", "-", "--login", "clerk",
               stdin=json.dumps(request, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    number = json.loads(done.stdout)["number"]
    receipt = work / "receipt.pdf"
    printed = run("notice", "receipt", "--case", number, "--db", str(db), "--out", str(receipt), "--login", "clerk")
    assert printed.returncode == 0, printed.stderr
    text = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    assert number in re.sub(r"\s+", "", text) and "王小明" in text
