"""Wrap the PyInstaller bundle in a .deb laid out as UOS and Kylin expect an application.

    python packaging/build_deb.py BUNDLE_DIR OUT_DIR

Everything goes under /opt/apps/<appid>/: files/ (the bundle and bin/ with the launcher),
entries/applications/<appid>.desktop, entries/icons/hicolor/scalable/apps/<appid>.svg and info
(JSON). No maintainer scripts: installing changes nothing outside /opt/apps, and removing the package
leaves each user's register in that user's data folder. Depends: the libraries Qt needs
(packaging/debian-libs.txt, the list `make run` installs) and a CJK TrueType font.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APPID = "cn.xxgk.workstation"
NAME_ZH = "信息公开申请工作台"
CJK_FONTS = "fonts-wqy-zenhei | fonts-wqy-microhei | fonts-noto-cjk | fonts-arphic-uming"


def version_parts() -> str:
    """The project's version in the four numeric parts the info file wants (0.1.0 -> 0.1.0.0)."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    parts = [p for p in version.split(".") if p.isdigit()]
    return ".".join((parts + ["0"] * 4)[:4])


def arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def libraries() -> list[str]:
    lines = (HERE / "debian-libs.txt").read_text(encoding="utf-8").splitlines()
    return [ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()]


LAUNCHER = """#!/bin/sh
# 信息公开申请工作台: the program, or one of its commands (`workstation register …`).
here="$(dirname "$(readlink -f "$0")")"
exec "$here/../workstation/workstation" "$@"
"""

DESKTOP = f"""[Desktop Entry]
Type=Application
Name={NAME_ZH}
Name[zh_CN]={NAME_ZH}
GenericName=政府信息公开申请登记与答复
Comment=登记依申请公开的申请、计算答复期限、审查、出具告知书和统计报表
Exec=/opt/apps/{APPID}/files/bin/workstation
Icon={APPID}
Terminal=false
Categories=Office;
StartupNotify=true
"""


def build(bundle: Path, out_dir: Path) -> Path:
    version = version_parts()
    architecture = arch()
    stage = out_dir / f"{APPID}_{version}_{architecture}"
    shutil.rmtree(stage, ignore_errors=True)
    app = stage / "opt" / "apps" / APPID
    files = app / "files"
    shutil.copytree(bundle, files / "workstation", symlinks=True)
    (files / "bin").mkdir(parents=True)
    launcher = files / "bin" / "workstation"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    launcher.chmod(0o755)
    entries = app / "entries"
    (entries / "applications").mkdir(parents=True)
    (entries / "applications" / f"{APPID}.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = entries / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy(HERE / "icon.svg", icons / f"{APPID}.svg")
    info = {
        "appid": APPID, "name": NAME_ZH, "version": version, "arch": [architecture],
        "permissions": {"autostart": False, "notification": False, "trayicon": False, "clipboard": True,
                        "account": False, "bluetooth": False, "camera": False, "audio_record": False,
                        "installed_apps": False},
    }
    (app / "info").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    installed_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (stage / "DEBIAN").mkdir()
    control = (
        f"Package: {APPID}\nVersion: {version}\nArchitecture: {architecture}\n"
        "Maintainer: 信息公开申请工作台开发组 <workstation@localhost>\n"
        f"Installed-Size: {installed_kb}\nSection: office\nPriority: optional\n"
        f"Depends: {', '.join(libraries())}, {CJK_FONTS}\n"
        f"Description: {NAME_ZH}\n"
        " A desktop program for township and county offices that handle requests for\n"
        " government information: registration, the reply deadline, review, notices, tallies.\n"
    )
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    for path in stage.rglob("*"):  # dpkg wants sane modes whatever the build user's umask
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    deb = out_dir / f"{APPID}_{version}_{architecture}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(stage), str(deb)], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    return deb


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
