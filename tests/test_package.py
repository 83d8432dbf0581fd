"""The .deb for 信创 Linux (UOS, Kylin): built, installed with apt, started by a clerk, removed.

Run by `make test-package` (and so by .ci/run) as root: it installs and removes a system package.
`WORKSTATION_DEB` names a .deb already built by `make package`; without it the test builds one.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
from build_deb import APPID, NAME_ZH  # noqa: E402

pytestmark = [pytest.mark.package, pytest.mark.slow]
CLERK = "wsclerk"
APP = Path("/opt/apps") / APPID
LAUNCHER = APP / "files" / "bin" / "workstation"


def _deb() -> Path:
    given = os.environ.get("WORKSTATION_DEB")
    if given:
        return Path(given).resolve()  # apt-get takes a path only with a slash in it
    subprocess.run(["make", "package"], cwd=ROOT, check=True)
    return sorted((ROOT / "dist").glob("*.deb"))[-1]


def _clerk() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(CLERK)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", CLERK], check=True)
        return pwd.getpwnam(CLERK)


def _as_clerk(home: Path, display: str, *args: str, stdin: str | None = None,
              extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "DISPLAY": display, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin",
           "QT_QPA_PLATFORM": "xcb", **(extra or {})}
    cmd = ["runuser", "-u", CLERK, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), str(LAUNCHER), *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=180)


def _bench(stderr: str) -> dict[str, str]:
    return dict(line[6:].partition("=")[::2] for line in stderr.splitlines() if line.startswith("BENCH "))




def test_install_start_register_remove(xvfb_display):
    display = xvfb_display
    if os.geteuid() != 0:
        pytest.skip("installs a system package: run `make test-package` as root (as .ci/run does)")
    deb = _deb()
    size_mb = deb.stat().st_size / 1e6
    assert size_mb <= 150, f"the .deb is {size_mb:.1f} MB, over the 150 MB target"
    info = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends", "Installed-Size"], capture_output=True,
                          text=True, check=True).stdout
    assert "libxcb-icccm4" in info and "fonts-wqy-zenhei" in info
    subprocess.run(["apt-get", "install", "-y", "-qq", str(deb)], check=True, capture_output=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    user = _clerk()
    home = Path(tempfile.mkdtemp(prefix="clerk-home-"))
    os.chown(home, user.pw_uid, user.pw_gid)
    try:
        meta = json.loads((APP / "info").read_text(encoding="utf-8"))
        assert meta["appid"] == APPID and meta["name"] == NAME_ZH
        assert len(meta["version"].split(".")) == 4 and all(p.isdigit() for p in meta["version"].split("."))
        desktop = (APP / "entries" / "applications" / f"{APPID}.desktop").read_text(encoding="utf-8")
        assert f"Name={NAME_ZH}" in desktop and "Categories=Office;" in desktop and str(LAUNCHER) in desktop
        assert (APP / "entries" / "icons" / "hicolor" / "scalable" / "apps" / f"{APPID}.svg").is_file()

        started = time.perf_counter()
        shown = _as_clerk(home, display, extra={"WORKSTATION_EXIT_AFTER_SHOWN": "1"})
        wall = time.perf_counter() - started
        report = _bench(shown.stderr)
        assert shown.returncode == 0, shown.stderr[-3000:]
        assert report.get("platform") == "xcb" and report.get("visible") == "1", shown.stderr[-3000:]
        assert "首次" in report.get("window", "")
        source_home = Path(tempfile.mkdtemp(prefix="source-home-"))
        started = time.perf_counter()
        source = subprocess.run([sys.executable, "-m", "workstation"], capture_output=True, text=True, timeout=180,
                                env={**{k: v for k, v in os.environ.items() if not k.startswith(("QT_", "XDG_"))},
                                     "HOME": str(source_home), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
                                     "WORKSTATION_EXIT_AFTER_SHOWN": "1"})
        source_wall = time.perf_counter() - started
        shutil.rmtree(source_home, ignore_errors=True)
        assert source.returncode == 0, source.stderr[-2000:]
        installed_kb = int(info.split("Installed-Size:")[1].split()[0])
        print(f"\n.deb {size_mb:.1f} MB, installed {installed_kb / 1024:.0f} MB; first-run window shown: "
              f"installed program {wall:.2f} s (wall), python -m workstation {source_wall:.2f} s (wall)")

        request = {"channel": "当面提交", "handed_in_on": time.strftime("%Y-%m-%d"), "applicant": "王小明",
                   "id_number": "11010519491231002X", "phone": "13800138000", "address": "示范县人民路1号",
                   "content": "申请公开本镇道路硬化工程的招标文件"}
        # the office's first run on the command line, a clerk added by the admin, then the clerk at work
        secrets = {"WORKSTATION_PASSWORD": "secret1", "WORKSTATION_NEW_PASSWORD": "secret1"}
        made = _as_clerk(home, display, "init", "--office", "示范县城关镇人民政府", "--login", "admin", "--name",
                         "刘管理", extra=secrets)
        assert made.returncode == 0, made.stderr
        added = _as_clerk(home, display, "user", "add", "clerk", "--name", "张承办", "--roles", "clerk",
                          "--login", "admin", extra=secrets)
        assert added.returncode == 0, added.stderr
        done = _as_clerk(home, display, "register", "--json", "-", "--login", "clerk",
                         stdin=json.dumps(request, ensure_ascii=False), extra=secrets)
        assert done.returncode == 0, done.stderr
        number = json.loads(done.stdout)["number"]
        receipt = home / "receipt.pdf"
        printed = _as_clerk(home, display, "notice", "receipt", "--case", number, "--out", str(receipt),
                            "--login", "clerk", extra=secrets)
        assert printed.returncode == 0, printed.stderr
        text = subprocess.run(["pdftotext", "-layout", str(receipt), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert number in text.replace(" ", "") and "王小明" in text
        register = home / ".local" / "share" / "workstation" / "register.sqlite3"
        assert register.is_file()
    finally:
        subprocess.run(["apt-get", "remove", "-y", "-qq", APPID], check=True, capture_output=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    assert not LAUNCHER.exists()
    assert register.is_file(), "removing the package must leave the clerk's register"
    shutil.rmtree(home, ignore_errors=True)
