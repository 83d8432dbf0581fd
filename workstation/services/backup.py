"""Backups (备份) and restore (恢复) of an SQLite register.

A backup is written with SQLite's online backup API into an owner-only
temporary file, turned into a self-contained file (rollback journal, no
-wal/-shm: it restores from read-only media), verified (PRAGMA integrity_check
and row counts), synced, entered in the folder's manifest (备份清单.json) and
only then renamed to its backup name. Rotation and the daily backup trust only
the manifest's files: a file the program did not write and verify (a user's
``register-main.sqlite3``, a file a killed backup left) is never counted and
never deleted. A folder the user names that is not the program's keeps its
mode: the backups go into the program's own subfolder inside it.

The file carries its schema version (alembic_version), so restoring an older
backup migrates it on open; a backup from a newer program is refused before
anything changes. A restore takes the register to itself (refused while any
other window or command has it open), first saves the current file as a
verified safety copy under a name never used before, then copies the backup in
and gives the register a new stamp, so that a handle still open on it notices.
A server database (PostgreSQL) is backed up with the server's own tools.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services.base import Actor, office_settings, require
from workstation.store.database import (
    MIGRATIONS,
    SIDE_FILES,
    Database,
    SchemaTooNew,
    _create_private_file,
    _read_only_uri,
    exclusive_access,
    stamp_register,
)

PREFIX = "register-"
SUFFIX = ".sqlite3"
COUNTED_TABLES = ("request", "event", "document")
SAFETY_MARK = "-before-restore"
# Restoring throws away everything done since the backup: the head or the administrator decides.
RESTORE_ROLES = (Role.ADMIN, Role.HEAD)
MANIFEST = "备份清单.json"
# A folder the user named keeps its mode; the program's files go into this subfolder of it.
SUBFOLDER = "信息公开申请工作台备份"
# The default folder beside the register, in words a clerk reads in the file manager (no English on the screen);
# the folder earlier versions made stays in use where it is, so its backups are still listed, restored and rotated.
FOLDER = "备份"
EARLIER_FOLDER = "backups"
# A file being written: no backup name until it is verified (a killed backup leaves only this).
TEMP_PREFIX = ".未完成-"
BACKUP, SAFETY = "backup", "safety"
# A backup on demand is a full copy of the register, personal data included, to a folder of one's choosing.
BACKUP_ROLES = RESTORE_ROLES


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    schema_version: str | None
    rows: dict[str, int]
    removed: tuple[Path, ...] = ()


def backup_folder(place: Path) -> Path:
    """Where the program writes in a folder the user named: the folder itself when it is (or will be) the
    program's own, else the program's subfolder inside it."""
    place = Path(place).expanduser()
    if not place.exists() or (place / MANIFEST).exists():
        return place
    return place / SUBFOLDER


def folder_beside(db_path: Path) -> Path:
    """The default backup folder beside a register: 备份, or the earlier versions' "backups" folder when that one
    is there and 备份 is not (moving it could lose a backup half-way; a register keeps one folder)."""
    place = Path(db_path).parent
    earlier = place / EARLIER_FOLDER
    if earlier.is_dir() and not (place / FOLDER).exists():
        return earlier
    return place / FOLDER


def default_backup_dir(db: Database) -> Path:
    configured = office_settings(db).backup_dir
    if configured:
        return backup_folder(Path(configured))
    if db.path is None:
        raise UserError("服务器数据库请用数据库自带的工具备份(如 pg_dump)")
    return folder_beside(db.path)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}  # noqa: S608


def inspect_backup(path: Path) -> BackupInfo:
    """Check a backup file: an SQLite file of this program whose integrity check passes (read only)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"备份文件不存在:{path}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise UserError(f"{path.name} 不是备份文件(不是 SQLite 数据库)")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise UserError(f"备份文件 {path.name} 已损坏(完整性检查:{check})")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", "request", "event"} <= tables:
                raise UserError(f"{path.name} 不是本程序的备份文件")
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rows = _counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"无法读取备份文件 {path.name}:{exc}") from None
    return BackupInfo(path, datetime.fromtimestamp(path.stat().st_mtime), version[0] if version else None, rows)


# -- the backup folder: its lock, its manifest, names never used twice --------------------------
@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One writer of the folder at a time (a backup, a rotation, a safety copy), across processes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_manifest(folder: Path) -> list[dict]:
    try:
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["backups"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # no manifest (or not ours): nothing in the folder is trusted
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)
            and "/" not in e["name"] and e["name"].startswith(PREFIX)]


def _write_manifest(folder: Path, entries: list[dict]) -> None:
    temp = folder / f"{TEMP_PREFIX}{MANIFEST}"
    _create_private_file(temp)
    with temp.open("w", encoding="utf-8") as fh:
        json.dump({"backups": entries}, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, folder / MANIFEST)
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _is_intact(folder: Path, entry: dict) -> bool:
    try:
        return (folder / entry["name"]).stat().st_size == entry.get("size")
    except OSError:
        return False


def _trusted_entries(folder: Path, kind: str | None = BACKUP) -> list[dict]:
    """The manifest's files still there as written, newest first."""
    found = [e for e in _read_manifest(folder) if _is_intact(folder, e) and kind in (None, e.get("kind"))]
    return list(reversed(found))


def trusted_backups(folder: Path, kind: str | None = BACKUP) -> list[Path]:
    """The verified backups the program wrote into ``folder``, newest first (``kind`` None: safety copies too)."""
    return [folder / e["name"] for e in _trusted_entries(folder, kind)]


def _clean_up(folder: Path) -> None:
    """What killed runs left: unfinished files, and journals beside no file or beside a verified backup."""
    trusted = {e["name"] for e in _read_manifest(folder)}
    for path in folder.iterdir():
        name = path.name
        base = next((name[: -len(side)] for side in SIDE_FILES if name.endswith(side)), None)
        stale = name.startswith(TEMP_PREFIX) or (
            base is not None and base.startswith(PREFIX) and (base in trusted or not (folder / base).exists()))
        if stale and path.is_file():
            path.unlink(missing_ok=True)


def _new_name(folder: Path, mark: str, taken: set[str]) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for n in range(1, 10_000):
        name = f"{PREFIX}{stamp}{'' if n == 1 else f'-{n}'}{mark}{SUFFIX}"
        if name not in taken and not (folder / name).exists() and not (folder / f"{TEMP_PREFIX}{name}").exists():
            return folder / name
    raise UserError(f"备份文件夹 {folder} 中同名文件过多,请清理后再试")


def _prepare_folder(folder: Path) -> None:
    """Create the program's folder owner-only; a folder that exists keeps its mode."""
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True, mode=0o700)
            folder.chmod(0o700)
    except OSError as exc:
        raise UserError(f"无法使用备份文件夹 {folder}:{exc.strerror}") from None


def _copy(source: Path, target: Path, *, self_contained: bool) -> None:
    """The online backup API from ``source`` (opened read only) into ``target``, synced to disk."""
    src = sqlite3.connect(_read_only_uri(source), uri=True, timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            if self_contained:
                dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with target.open("rb+") as fh:
        os.fsync(fh.fileno())


def _write_verified(source: Path, folder: Path, kind: str, *, at_least: dict[str, int] | None = None,
                    keep: int | None = None) -> BackupInfo:
    """Copy ``source`` into ``folder`` under a new name, verified before the name exists; then rotate."""
    _prepare_folder(folder)
    with _folder_lock(folder):
        _clean_up(folder)
        entries = [e for e in _read_manifest(folder) if (folder / e["name"]).exists()]
        target = _new_name(folder, SAFETY_MARK if kind == SAFETY else "", {e["name"] for e in entries})
        temp = folder / f"{TEMP_PREFIX}{target.name}"
        try:
            _create_private_file(temp, exclusive=True)
            _copy(source, temp, self_contained=True)
            info = inspect_backup(temp)
            short = [t for t in COUNTED_TABLES if at_least and info.rows[t] < at_least[t]]
            if short:
                raise UserError(f"备份校验失败:{'、'.join(short)} 的记录数少于原库,已删除这份备份,请重试")
            # the manifest first: a kill before the rename leaves an entry without its file, never trusted
            entries.append({"name": target.name, "size": temp.stat().st_size, "kind": kind,
                            "created": info.created.isoformat(), "schema_version": info.schema_version,
                            "rows": info.rows})
            _write_manifest(folder, entries)
            os.replace(temp, target)
            _sync_folder(folder)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"备份失败:{exc}(请检查磁盘空间和文件夹权限)") from None
        finally:
            for leftover in (temp, *(Path(f"{temp}{side}") for side in SIDE_FILES)):
                leftover.unlink(missing_ok=True)
        removed = _rotate(folder, keep) if keep is not None else ()
    return BackupInfo(target, info.created, info.schema_version, info.rows, removed)


def backup(db: Database, to_dir: Path | None = None, *, actor: Actor, keep: int | None = None) -> BackupInfo:
    """A backup on demand (立即备份, `workstation backup`), by the head or the administrator only: back up the
    register into ``to_dir``, verify the copy, then rotate to the newest ``keep``."""
    require(actor, *BACKUP_ROLES, action="备份数据库")
    if db.path is None:
        raise UserError("服务器数据库请用数据库自带的工具备份(如 pg_dump)")
    return _backup(db, backup_folder(Path(to_dir)) if to_dir else default_backup_dir(db), keep)


def _backup(db: Database, folder: Path, keep: int | None) -> BackupInfo:
    assert db.path is not None
    keep = keep if keep is not None else office_settings(db).backup_keep
    db.check_integrity()  # a damaged register is named as such, and no damaged copy is made
    source = sqlite3.connect(str(db.path), timeout=30)
    try:
        before = _counts(source)
    finally:
        source.close()
    return _write_verified(db.path, folder, BACKUP, at_least=before, keep=keep)


def list_backups(folder: Path) -> list[Path]:
    """Files named like backups in a folder, newest first: the program's verified ones and any others
    (older versions' backups, files a user put there), for the list a clerk restores from."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _rotate(folder: Path, keep: int) -> tuple[Path, ...]:
    """Remove the program's verified backups beyond the newest ``keep``; no other file is touched."""
    old = trusted_backups(folder)[max(keep, 1):]
    for path in old:
        path.unlink(missing_ok=True)
    if old:
        gone = {p.name for p in old}
        _write_manifest(folder, [e for e in _read_manifest(folder) if e["name"] not in gone])
    return tuple(old)


def backup_if_due(db: Database, *, every: timedelta = timedelta(days=1)) -> BackupInfo | None:
    """The daily backup: only when the newest verified backup is older than ``every``."""
    if db.path is None:
        return None
    folder = default_backup_dir(db)
    newest = next(iter(trusted_backups(folder)), None)
    if newest is not None and datetime.now() - datetime.fromtimestamp(newest.stat().st_mtime) < every:
        return None
    return _backup(db, folder, None)


def backup_if_changed(db: Database) -> BackupInfo | None:
    """The backup on leaving the program: skipped when the newest backup already holds every change.

    Every change writes an audit event and events are never deleted, so a
    backup with as many events as the register holds is a copy of it; without
    this check, opening and closing the program a few times a day would rotate
    the older daily backups away.
    """
    if db.path is None:
        return None
    folder = default_backup_dir(db)
    newest = next(iter(trusted_backups(folder)), None)
    if newest is not None and _event_count(newest) == _event_count(db.path):
        return None
    return _backup(db, folder, None)


def _event_count(path: Path) -> int | None:
    """Rows in the audit trail of an SQLite file; None when the file cannot be read as a register."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=30)
        try:
            return conn.execute("SELECT count(*) FROM event").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # an unreadable newest backup never counts as up to date: a new one is made


def known_schema_versions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def check_restorable(backup_file: Path, db_path: Path, *, actor: Actor) -> BackupInfo:
    """Everything a restore checks before it changes anything; ``actor`` must be head or administrator."""
    require(actor, *RESTORE_ROLES, action="从备份恢复")
    info = inspect_backup(Path(backup_file))
    db_path = Path(db_path)
    if db_path.exists() and info.path.resolve() == db_path.resolve():
        raise UserError(f"{info.path.name} 是正在使用的数据库本身,不是备份;请选择备份文件夹中的一份备份")
    if info.schema_version is None:
        raise UserError(f"{info.path.name} 不是本程序的备份文件(没有结构版本)")
    if info.schema_version not in known_schema_versions():
        raise SchemaTooNew(f"{info.path.name} 是较新版本的程序做的备份(结构版本 {info.schema_version}),"
                           "本程序无法使用;请升级程序后再恢复。当前数据库未作任何修改。")
    return info


def restore(backup_file: Path, db_path: Path, *, actor: Actor, safety_dir: Path | None = None) -> tuple[BackupInfo, Path | None]:
    """Replace the register at ``db_path`` with a verified backup; the current file is backed up first.

    The register must be closed. Returns the restored backup's info and the safety
    copy of the replaced file (in ``safety_dir``, by default the backup folder
    beside the register, ``folder_beside``). The restored register is migrated when it is next
    opened (an older backup is fine).
    """
    info = check_restorable(backup_file, db_path, actor=actor)
    db_path = Path(db_path)
    safety: Path | None = None
    with exclusive_access(db_path):
        if db_path.exists() and db_path.stat().st_size > 0:
            try:
                safety = _write_verified(db_path, safety_dir or folder_beside(db_path), SAFETY).path
            except UserError as exc:
                raise UserError(f"未能先备份当前数据库:{exc.message},未恢复") from None
        try:
            if not db_path.exists():
                _create_private_file(db_path)
            _copy(info.path, db_path, self_contained=False)
            stamp_register(db_path, renew=True)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"恢复失败:{exc}(请检查磁盘空间和文件夹权限);原数据库已保存在 {safety}") from None
    return info, safety
