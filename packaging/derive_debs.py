"""Which Debian packages the Qt parts this program loads need, derived from the libraries themselves.

`ldd` on PySide6's modules that the program imports and on the Qt plugins it loads (the xcb platform,
its GL integrations, printing through CUPS, image formats, input methods), then `dpkg -S` on every
library found outside the virtual environment. The result is kept in packaging/debian-libs.txt, the one
list that `make run`, `make test` and the .deb's Depends read.

    python packaging/derive_debs.py            # print the derived package list
    python packaging/derive_debs.py --check    # exit 1 naming what is missing or not in the list
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST = HERE / "debian-libs.txt"

# The PySide6 modules the program imports (grep "from PySide6" workstation/), and the plugins Qt loads
# for them on a Linux desktop. Wayland sessions fall back to xcb through XWayland, so only xcb is needed.
MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtCharts")
PLUGINS = (
    "platforms/libqxcb.so",
    "xcbglintegrations/libqxcb-glx-integration.so",
    "xcbglintegrations/libqxcb-egl-integration.so",
    "printsupport/libcupsprintersupport.so",
    "imageformats/libqsvg.so",
    "imageformats/libqjpeg.so",
    "imageformats/libqgif.so",
    "imageformats/libqico.so",
    "iconengines/libqsvgicon.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "platforminputcontexts/libibusplatforminputcontextplugin.so",
)
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


def pyside_dir() -> Path:
    import PySide6  # noqa: PLC0415 - only this script needs it

    return Path(PySide6.__file__).resolve().parent


def elf_files(root: Path) -> list[Path]:
    files = []
    for module in MODULES:
        files.extend(sorted(root.glob(f"{module}.*.so")))
    files.extend(root / "Qt" / "plugins" / p for p in PLUGINS)
    return [f for f in files if f.exists()]


def needed(f: Path) -> list[str]:
    """The DT_NEEDED entries of one ELF file (readelf, from binutils)."""
    out = subprocess.run(["readelf", "-d", str(f)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def resolve(files: list[Path], root: Path) -> tuple[set[str], set[str]]:
    """(system library paths, library names not found) that the Qt parts in ``files`` link directly.

    Qt's own libraries inside the wheel are followed; a system library's own dependencies are the
    package manager's business, so only the libraries Qt names itself become packages.
    """
    qt_lib = root / "Qt" / "lib"
    env = dict(os.environ, LD_LIBRARY_PATH=str(qt_lib))
    where: dict[str, str] = {}
    missing: set[str] = set()
    for f in files:
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True, env=env, check=True).stdout
        for line in out.splitlines():
            m = _LDD_LINE.match(line)
            if m and m.group(2) == "not found":
                missing.add(m.group(1))
            elif m:
                where[m.group(1)] = m.group(2)
    inside = {name for name, path in where.items() if path.startswith(str(root))} | {
        p.name for p in qt_lib.glob("*.so*")}
    seen: set[Path] = set()
    todo = list(files)
    direct: set[str] = set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        for name in needed(f):
            if name.startswith("ld-linux"):
                continue  # the dynamic loader, part of libc6
            if name in inside:
                todo.append(qt_lib / name if (qt_lib / name).exists() else Path(where[name]))
            else:
                direct.add(name)
    found = {where[n] for n in direct if n in where}
    missing |= {n for n in direct if n not in where}
    return found, missing


def package_of(path: str) -> str | None:
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        if p.startswith("/lib"):
            candidates.append("/usr" + p)
        elif p.startswith("/usr/lib"):
            candidates.append(p[len("/usr"):])
    for c in candidates:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout:
            return r.stdout.split(":", 1)[0].strip()
    return None


def listed() -> list[str]:
    return [ln.split("#", 1)[0].strip() for ln in LIST.read_text(encoding="utf-8").splitlines()
            if ln.split("#", 1)[0].strip()]


def derive() -> tuple[set[str], set[str], set[str]]:
    """(packages, missing library names, libraries no package owns)."""
    root = pyside_dir()
    libs, missing = resolve(elf_files(root), root)
    packages: set[str] = set()
    orphans: set[str] = set()
    for lib in libs:
        pkg = package_of(lib)
        if pkg is None:
            orphans.add(lib)
        else:
            packages.add(pkg.split(":", 1)[0])  # drop the architecture qualifier
    return packages, missing, orphans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a library is missing or its package is not in debian-libs.txt")
    args = parser.parse_args(argv)
    packages, missing, orphans = derive()
    if not args.check:
        print("\n".join(sorted(packages)))
        for name in sorted(missing):
            print(f"# not found: {name}", file=sys.stderr)
        return 0
    problems = [f"library not found (a Debian package is missing): {n}" for n in sorted(missing)]
    problems += [f"package {p} is needed but not in {LIST.name}" for p in sorted(packages - set(listed()))]
    problems += [f"no Debian package owns {o}" for o in sorted(orphans)]
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
