"""Backups (备份) and restore (恢复) of an SQLite register.

A backup is written with SQLite's online backup API into an owner-only file,
verified (PRAGMA integrity_check and row counts) before older backups rotate
out. The file carries its schema version (alembic_version), so restoring an
older backup migrates it on open; a backup from a newer program is refused
before anything changes. A restore first backs up the current file.
A server database (PostgreSQL) is backed up with the server's own tools.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services.base import Actor, get_settings, require
from workstation.store.database import MIGRATIONS, Database, SchemaTooNew, sqlite_backup

PREFIX = "register-"
SUFFIX = ".sqlite3"
COUNTED_TABLES = ("request", "event", "document")
SAFETY_MARK = "-before-restore"
# Restoring throws away everything done since the backup: the head or the administrator decides.
RESTORE_ROLES = (Role.ADMIN, Role.HEAD)
# A backup on demand is a full copy of the register, personal data included, to a folder of one's choosing.
BACKUP_ROLES = RESTORE_ROLES


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    schema_version: str | None
    rows: dict[str, int]
    removed: tuple[Path, ...] = ()


def default_backup_dir(db: Database) -> Path:
    configured = get_settings(db).get("backup.dir") or ""
    if configured:
        return Path(configured).expanduser()
    if db.path is None:
        raise UserError("服务器数据库请用数据库自带的工具备份(如 pg_dump)")
    return db.path.parent / "backups"


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}  # noqa: S608


def inspect_backup(path: Path) -> BackupInfo:
    """Check a backup file: an SQLite file of this program whose integrity check passes."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"备份文件不存在:{path}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise UserError(f"{path.name} 不是备份文件(不是 SQLite 数据库)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise UserError(f"备份文件 {path.name} 已损坏(完整性检查:{check})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "request", "event"} <= tables:
            raise UserError(f"{path.name} 不是本程序的备份文件")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        rows = _counts(conn)
    except sqlite3.DatabaseError as exc:
        raise UserError(f"无法读取备份文件 {path.name}:{exc}") from None
    finally:
        conn.close()
    return BackupInfo(path, datetime.fromtimestamp(path.stat().st_mtime), version[0] if version else None, rows)


def backup(db: Database, to_dir: Path | None = None, *, actor: Actor, keep: int | None = None) -> BackupInfo:
    """A backup on demand (立即备份, `workstation backup`): the head or the administrator only."""
    require(actor, *BACKUP_ROLES, action="备份数据库")
    return _backup(db, to_dir, keep=keep)


def _backup(db: Database, to_dir: Path | None = None, *, keep: int | None = None) -> BackupInfo:
    """Back up the register into ``to_dir``, verify the copy, then rotate to the newest ``keep``."""
    if db.path is None:
        raise UserError("服务器数据库请用数据库自带的工具备份(如 pg_dump)")
    folder = Path(to_dir) if to_dir else default_backup_dir(db)
    keep = keep if keep is not None else int(get_settings(db)["backup.keep"])
    db.check_integrity()  # a damaged register is named as such, and no damaged copy is made
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    except OSError as exc:
        raise UserError(f"无法使用备份文件夹 {folder}:{exc.strerror}") from None
    source = sqlite3.connect(str(db.path), timeout=30)
    try:
        before = _counts(source)
    finally:
        source.close()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    try:
        sqlite_backup(db.path, target)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise UserError(f"备份失败:{exc}(请检查磁盘空间和文件夹权限)") from None
    try:
        info = inspect_backup(target)
    except UserError:
        target.unlink(missing_ok=True)
        raise
    short = [t for t in COUNTED_TABLES if info.rows[t] < before[t]]
    if short:
        target.unlink(missing_ok=True)
        raise UserError(f"备份校验失败:{'、'.join(short)} 的记录数少于原库,已删除这份备份,请重试")
    removed = rotate(folder, keep)
    return BackupInfo(target, info.created, info.schema_version, info.rows, removed)


def list_backups(folder: Path) -> list[Path]:
    """Backups in a folder, newest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), reverse=True)


def rotate(folder: Path, keep: int) -> tuple[Path, ...]:
    old = list_backups(folder)[max(keep, 1):]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


def backup_if_due(db: Database, *, every: timedelta = timedelta(days=1)) -> BackupInfo | None:
    """The daily backup: only when the newest one is older than ``every``."""
    if db.path is None:
        return None
    folder = default_backup_dir(db)
    newest = next(iter(list_backups(folder)), None)
    if newest is not None and datetime.now() - datetime.fromtimestamp(newest.stat().st_mtime) < every:
        return None
    return _backup(db, folder)


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
    newest = next(iter(list_backups(folder)), None)
    if newest is not None and _event_count(newest) == _event_count(db.path):
        return None
    return _backup(db, folder)


def _event_count(path: Path) -> int | None:
    """Rows in the audit trail of an SQLite file; None when the file cannot be read as a register."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
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
    copy of the replaced file (in ``safety_dir``, by default the "backups" folder
    beside the register). The restored register is migrated when it is next
    opened (an older backup is fine).
    """
    info = check_restorable(backup_file, db_path, actor=actor)
    db_path = Path(db_path)
    safety: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = (safety_dir or db_path.parent / "backups") / f"{PREFIX}{stamp}{SAFETY_MARK}{SUFFIX}"
        try:
            sqlite_backup(db_path, safety)
        except (OSError, sqlite3.Error) as exc:
            safety.unlink(missing_ok=True)
            raise UserError(f"未能先备份当前数据库:{exc}(请检查磁盘空间和文件夹权限),未恢复") from None
    sqlite_backup(info.path, db_path)
    return info, safety
