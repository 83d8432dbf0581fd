"""Engine setup, schema versions and transactions.

SQLite by default (one file in the user's data folder, WAL, foreign keys on,
synchronous=FULL); any SQLAlchemy URL (PostgreSQL for a county office with
several windows). On SQLite a writer takes the write lock when its transaction
begins (BEGIN IMMEDIATE); on PostgreSQL writers run side by side and lock only
what they change (the case's row, the year's number row) and, just before commit,
the audit chain's head (services/base.py), so two windows registering at once get
distinct, gapless numbers.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import secrets
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.errors import KnownError, UserError
from workstation.store.quick_check import (
    QuickCheck,
    forget_checked,
    missing_side_files,
    read_check,
    remember_checked,
    still_as_checked,
)
from workstation.store.quick_check import read_only_uri as _read_only_uri

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a writer waits for another window's write lock before telling the clerk.
BUSY_TIMEOUT_S: float = 30
SIDE_FILES = ("-wal", "-shm", "-journal")
# Beside every register: every open register holds it shared (flock), a restore holds it exclusively.
LOCK_SUFFIX = "-lock"

log = logging.getLogger(__name__)


class SchemaTooNew(UserError):
    pass


def schema_head() -> str:
    """The newest schema revision, read from the migration files without loading alembic (start-up)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        if found := re.search(r"^revision = '([^']+)'", text, re.MULTILINE):
            revisions.add(found.group(1))
        if found := re.search(r"^down_revision = '([^']+)'", text, re.MULTILINE):
            parents.add(found.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("workstation", "xxgk")) / "register.sqlite3"


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # take over transaction control so that "begin" below decides DEFERRED or IMMEDIATE
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.close()


def _sqlite_on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # a read-only file keeps its journal mode: changing it would be a write
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")


def _sqlite_on_begin(conn: object) -> None:
    immediate = conn.get_execution_options().get("immediate", False)  # type: ignore[attr-defined]
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")  # type: ignore[attr-defined]


class Database:
    """One open register: an engine, its sessions and its schema version."""

    def __init__(self, engine: Engine, *, path: Path | None = None, read_only: bool = False) -> None:
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.notices: list[str] = []  # what opening changed and the user should know (permissions tightened)
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._read = sessionmaker(engine, expire_on_commit=False)
        # A server's reads without BEGIN and ROLLBACK around them: under READ COMMITTED every statement sees
        # what was committed before it either way, and a window opening a case saves a third of its round
        # trips (issue 19). SQLite keeps its transaction: there a read's statements share one snapshot.
        self._read_now = (self._read if self.is_sqlite else
                          sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False))
        self._write = sessionmaker(engine.execution_options(immediate=True), expire_on_commit=False)
        self.cache: dict[str, object] = {}  # derived data (the calendar) keyed by name
        self._shared = threading.local()  # per thread: the read session of ``one_read`` while it lasts
        self._lock: _LockFile | None = None  # the lock file held shared while the register is open
        # which file this handle opened: a restore or a copy put in its place is noticed before a write
        self._identity = register_identity(path) if path is not None and self.is_sqlite else None
        self._pending_check: QuickCheck | None = None  # a quick check still running (open_path's ``check``)
        self._checked = False  # the file passed its check (or was left unchanged since): remembered at close

    # -- opening ------------------------------------------------------------
    @classmethod
    def open_path(cls, path: Path, *, create: bool = True, migrate: bool = True,
                  check: QuickCheck | None = None) -> Database:
        """Open a register file; everything is checked before anything in the file changes.

        A file that is not ours, damaged or locked is refused untouched; a read-only file opens for
        reading; a file others may read is made owner-only (it holds applicants' personal data).
        ``check``: the quick check of this file already running (the program's start); the caller
        waits for it (await_check) before working, and every write and upgrade waits for it first.
        """
        path = Path(path).expanduser()
        notices: list[str] = []
        read_only = False
        if not path.exists():
            if not create:
                raise UserError(f"数据库文件不存在:{path}")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _create_private_file(path)
            except OSError as exc:
                raise KnownError(f"无法创建数据库文件 {path}:{exc.strerror}。请换一个有写入权限的位置。") from None
        elif path.is_dir():
            raise UserError(f"{path} 是文件夹,不是数据库文件")
        elif not create and path.stat().st_size == 0:  # a command on an existing register: not an empty file
            raise UserError(f"{path} 是空文件,不是信息公开申请数据库(未作任何修改)。请确认文件名,或从备份恢复。")
        else:
            _check_sqlite_header(path)
            if check is None or check.path != path:
                if not still_as_checked(path):  # as this program left it after a passed check: not again
                    check_file(path, full=False)
                check = None
            read_only = not _writable(path)
            if not read_only:
                notices = _make_private(path)
        db = cls(_sqlite_engine(path, read_only=read_only), path=path, read_only=read_only)
        db._pending_check = check if path.exists() and path.stat().st_size else None
        db.hold()
        db.notices = notices
        try:
            if migrate:
                with db._translated():
                    db.upgrade()
                if not read_only:
                    if db._identity is None or not db._identity[2]:  # stamping writes the file
                        db.await_check()
                    stamp_register(path)
                    db._identity = register_identity(path)
        except BaseException:
            db.close()
            raise
        if not read_only:
            forget_checked(path)  # the file changes from now on; closing remembers it again
            db._checked = db._pending_check is None
        return db

    @classmethod
    def open_url(cls, url: str, *, create: bool = True, migrate: bool = True) -> Database:
        try:
            parsed = make_url(url)
        except Exception:
            raise UserError(f"数据库地址无效:{url}") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            return cls.open_path(Path(parsed.database), create=create, migrate=migrate)
        try:
            engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
        except Exception as exc:
            raise UserError(f"无法使用数据库地址 {parsed.render_as_string(hide_password=True)}:{exc}") from None
        db = cls(engine)
        if migrate:
            with db._translated():
                db.upgrade()
        return db

    def hold(self) -> None:
        """Mark the register as open by this handle (again, after a refused restore) until close()."""
        if self.path is not None and self.is_sqlite and not self.read_only and self._lock is None:
            self._lock = hold_shared(self.path)

    def await_check(self) -> None:
        """Wait for the quick check the register was opened with, if any; a damaged file raises here."""
        pending = self._pending_check
        if pending is not None:
            pending.result()
            self._pending_check = None
            self._checked = not self.read_only

    def close(self) -> None:
        if self._pending_check is not None:  # the check reads the file: let it finish before letting go
            self._pending_check.wait()
        self.engine.dispose()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self._checked and self.path is not None:
            remember_checked(self.path)
            self._checked = False

    # -- sessions -----------------------------------------------------------
    @contextmanager
    def read(self, *, streaming: bool = False) -> Iterator[Session]:
        """A read; ``streaming`` for one that fetches rows in batches (yield_per: a server-side cursor,
        which lives in a transaction). Inside ``one_read`` (this thread) a read is that one's session."""
        shared = getattr(self._shared, "session", None)
        if shared is not None and not streaming:
            with self._translated():
                yield shared
            return
        with self._translated(), (self._read if streaming else self._read_now)() as session:
            yield session

    @contextmanager
    def one_read(self) -> Iterator[None]:
        """On a server, one session for all the reads of the block in this thread (the services a page
        calls): one connection taken from the pool (and pinged) instead of one per read, and a row still
        held from an earlier read (the case) is not read again.
        Each statement sees what was committed before it, as in reads of their own (READ COMMITTED, no
        transaction); a write in the block has its own session, and what the read holds is read again after
        it. SQLite keeps a session (a snapshot) per read: a write in the block stays visible after it."""
        if self.is_sqlite or getattr(self._shared, "session", None) is not None:
            yield
            return
        with self.read() as session:
            self._shared.session = session
            try:
                yield
            finally:
                self._shared.session = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed at the end of the block, rolled back on error."""
        if self.read_only:
            raise KnownError(_read_only_text(self.path))
        self.await_check()
        with self._translated(), self._write() as session, session.begin():
            if self._identity is not None:
                self._check_identity(session)
            yield session
        shared = getattr(self._shared, "session", None)
        if shared is not None:  # a write inside ``one_read``: what that read holds is read again
            shared.expire_all()

    def _check_identity(self, session: Session) -> None:
        """Inside the write lock: is the file still the register this handle opened?"""
        assert self.path is not None and self._identity is not None
        stamp = session.connection().exec_driver_sql("PRAGMA user_version").scalar()
        try:
            st = self.path.stat()
        except OSError:
            st = None
        if st is None or (st.st_dev, st.st_ino, stamp) != self._identity:
            raise KnownError(f"数据库文件 {self.path} 已被从备份恢复或被另一个文件替换,这个窗口打开的还是原来的数据库。"
                             "请关闭程序(或这个窗口)后重新打开数据库,再办理;本次没有保存任何内容。")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """The database's and the disk's failures (locked, full, damaged, read-only) as a KnownError."""
        try:
            yield
        except (DBAPIError, sqlite3.Error) as exc:
            known = known_error(exc, self.path)
            if known is None:
                raise
            raise known from None
        except json.JSONDecodeError:  # an event's stored JSON that no longer parses: the file was damaged
            raise damaged_error(self.path, "记录内容无法解读") from None

    def check_integrity(self) -> None:
        """SQLite's full integrity check of the register file; a damaged file is named (KnownError)."""
        if self.is_sqlite and self.path is not None:
            check_file(self.path, full=True)

    # -- schema -------------------------------------------------------------
    def _alembic_config(self):  # noqa: ANN202 - alembic's Config
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        return cfg

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head() or ""

    def upgrade(self) -> None:
        """Bring the schema to this program's version; back up an older SQLite file first.

        A file from a newer program is refused: writing to it could lose data.
        """
        if self._stored_revision() == schema_head() != "":
            return  # the usual start: nothing to do, and alembic is not loaded for it
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self._alembic_config())
        try:
            current = self.current_revision()
        except OperationalError as exc:
            raise known_error(exc, self.path) or UserError(f"无法打开数据库:{exc.orig}") from None
        head = script.get_current_head()
        if current == head:
            return
        self.await_check()
        if self.read_only:
            raise KnownError(f"{_read_only_text(self.path)}(这个文件由旧版本程序创建,需要升级结构才能打开。)")
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            raise SchemaTooNew(
                f"这个数据库由较新版本的程序创建(结构版本 {current}),本程序无法安全打开。请升级程序后再打开。"
            )
        if current is None and self._has_foreign_tables():
            raise UserError("这个文件不是本程序的数据库(其中有其他数据表),未作任何修改。")
        if current is not None and self.path is not None:
            self.backup_before_migration(current)
        cfg = self._alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def _stored_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except DBAPIError:  # no such table (a new file): alembic's path decides
            return None

    def _has_foreign_tables(self) -> bool:
        names = set(inspect(self.engine).get_table_names())
        return bool(names - {"alembic_version"})

    def backup_before_migration(self, revision: str) -> Path:
        assert self.path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.before-upgrade-{revision}-{stamp}{self.path.suffix}")
        sqlite_backup(self.path, target)
        return target


def register_identity(path: Path) -> tuple[int, int, int] | None:
    """The file (device, inode) and the register stamp in its header (PRAGMA user_version)."""
    try:
        st = path.stat()
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            stamp = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return None
    return st.st_dev, st.st_ino, stamp


def stamp_register(path: Path, *, renew: bool = False) -> None:
    """Give the register a random stamp (once; ``renew`` after a restore) so that open handles notice a swap."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    try:
        if renew or not conn.execute("PRAGMA user_version").fetchone()[0]:
            conn.execute(f"PRAGMA user_version={secrets.randbelow(2**31 - 1) + 1}")
    finally:
        conn.close()


def lock_path(path: Path) -> Path:
    return Path(f"{path}{LOCK_SUFFIX}")


class _LockFile:
    """An open lock file; a handle dropped without close() still lets go of its lock (and says nothing)."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def fileno(self) -> int:
        assert self.fd is not None
        return self.fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    __del__ = close


def _open_lock(path: Path) -> _LockFile | None:
    for flags in (os.O_CREAT | os.O_RDWR, os.O_RDONLY):
        try:
            return _LockFile(os.open(lock_path(path), flags, 0o600))
        except OSError:
            continue
    return None  # no lock file can be made beside it: nobody can restore here either


def hold_shared(path: Path) -> _LockFile | None:
    """Hold the register's lock file shared for as long as it is open; wait while a restore runs.

    flock, not fcntl: flock locks belong to the open file, so two handles in one process count
    as two, and closing one never drops another's lock (fcntl locks are per process and all go
    when any descriptor of the file closes; the reason the lock is not on the register file,
    whose fcntl locks SQLite owns). BEGIN EXCLUSIVE would not do: in WAL mode it keeps out
    writers only while they write, and a window that is merely open holds no SQLite lock at all.
    """
    lock = _open_lock(path)
    if lock is None:
        return None
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.close()
                raise KnownError(f"数据库文件 {path} 正在从备份恢复,等候 {BUSY_TIMEOUT_S:g} 秒仍未完成。"
                                 "请稍后再打开。") from None
            time.sleep(0.1)


@contextmanager
def exclusive_access(path: Path) -> Iterator[None]:
    """The register to ourselves: refused while any window or command has it open (it holds the lock shared)."""
    lock = _open_lock(path)
    if lock is None:
        raise UserError(f"无法在数据库文件 {path} 旁创建锁文件,不能确认没有别的窗口正在使用它;请检查文件夹的写入权限。")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"另一个窗口或程序正打开数据库文件 {path}(可能在登记或备份),恢复会让它已保存的内容丢失。"
                            "请先关闭其他所有使用这个数据库的窗口和命令,再恢复;当前数据库未作任何修改。") from None
        yield
    finally:
        lock.close()


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy a live SQLite file with the online backup API into an owner-only file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _create_private_file(target)
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _create_private_file(path: Path, *, exclusive: bool = False) -> None:
    """Create an empty file readable by its owner only (the register holds personal data)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | (os.O_EXCL if exclusive else 0), 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _check_sqlite_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise UserError(f"无法读取数据库文件 {path}:{exc.strerror}") from None
    if head and head != b"SQLite format 3\x00":
        raise UserError(f"{path} 不是本程序的数据库文件(也不是 SQLite 文件),未作任何修改。")


def _sqlite_engine(path: Path, *, read_only: bool) -> Engine:
    if read_only:
        url = f"sqlite:///{_read_only_uri(path)}&uri=true"
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_on_connect_read_only)
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _writable(path: Path) -> bool:
    """Whether this user may write the file and create its journal beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _make_private(path: Path) -> list[str]:
    """Make a register that others may read owner-only, with its journal files; say what was done."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return []
    try:
        for file in (path, *(Path(f"{path}{side}") for side in SIDE_FILES)):
            if file.exists():
                file.chmod(0o600)
    except OSError as exc:
        text = (f"数据库文件 {path} 其他用户也能读取(权限 {mode:o}),但无法改为仅本人可读写:{exc.strerror}。"
                "其中有申请人的个人信息,请让管理员修改文件权限。")
    else:
        text = f"数据库文件 {path} 原先其他用户也能读取(权限 {mode:o});其中有申请人的个人信息,已改为仅本人可读写。"
    log.warning(text)
    return [text]


def _read_only_text(path: Path | None) -> str:
    where = f"数据库文件 {path} " if path else "数据库"
    return (f"{where}是只读的,只能查看(列表、统计、审计校验),不能登记或修改。"
            "请让管理员恢复写入权限,或把文件复制到可以写入的位置后再打开。")


def last_backup_near(path: Path) -> Path | None:
    """The newest backup in the register's default backup folder (备份, or the earlier versions' "backups"), to
    name when the register is damaged."""
    found: list[Path] = []
    for name in ("备份", "backups"):
        try:
            found += (path.parent / name).glob("register-*.sqlite3")
        except OSError:
            continue
    return max(found, key=lambda p: p.name) if found else None


def damaged_error(path: Path | None, detail: str) -> KnownError:
    where = f"数据库文件 {path}" if path else "数据库"
    backup = last_backup_near(path) if path else None
    restore = (f"请停止使用这个文件,从最近的备份 {backup} 恢复(程序中“备份与恢复”,或 workstation restore)"
               if backup else "请停止使用这个文件,从最近的备份恢复(程序中“备份与恢复”,或 workstation restore)")
    return KnownError(f"{where} 已损坏({detail}),本次未作任何修改。{restore}。")


def known_error(exc: BaseException, path: Path | None) -> KnownError | None:
    """The sentence for a database or disk failure that is nobody's bug, or None for anything else."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    where = f"数据库文件 {path}" if path else "数据库"
    if "locked" in text or "busy" in text:
        return KnownError(f"{where} 正被另一个窗口或程序写入,等候 {BUSY_TIMEOUT_S:g} 秒仍未轮到。"
                          "请等另一个窗口保存完毕(或关闭它)后稍后再试;本次没有保存任何内容。")
    if "disk is full" in text or "no space left" in text:
        return KnownError(f"磁盘空间已满,无法写入{where}。请清理磁盘空间后再试;本次没有保存任何内容。")
    if "readonly" in text or "read-only" in text:
        return KnownError(_read_only_text(path))
    # the detail is a fixed phrase: SQLite's own text may quote the damaged row (personal data)
    if "malformed" in text or "corrupt" in text:
        return damaged_error(path, "文件结构损坏")
    if "not a database" in text:
        return damaged_error(path, "文件头损坏")
    if "could not decode" in text:
        return damaged_error(path, "其中有无法解读的文字")
    if "disk i/o error" in text:
        return KnownError(f"读写{where}时磁盘出错。请检查磁盘(或网络盘的连接)后再试;本次没有保存任何内容。")
    if "unable to open" in text:
        return KnownError(f"无法打开{where}:请确认文件所在的文件夹存在、有访问权限。")
    if "deadlock detected" in text:  # PostgreSQL undid one of two windows that waited for each other
        return KnownError("另一个窗口正在同时修改相同的内容,本次办理已撤销,没有保存任何内容。请稍后再试一次。")
    if "could not connect" in text or "connection refused" in text or "server closed" in text:
        return KnownError("无法连接数据库服务器。请确认服务器已开启、网络通畅后再试;本次没有保存任何内容。")
    return None


def check_file(path: Path, *, full: bool) -> None:
    """Check a register file before anything changes it: SQLite's quick (or full) check, and that it is ours.

    Read-only: the file's bytes and its journal mode stay as they were; the empty -wal/-shm that
    reading a WAL file creates are removed again when the file is refused.
    """
    if path.stat().st_size == 0:
        return
    created = missing_side_files(path)
    judge_check(path, read_check(path, full=full, timeout=BUSY_TIMEOUT_S), created)


def judge_check(path: Path, outcome: object, created: list[Path]) -> None:
    """What a check read (store.quick_check.read_check), judged: a damaged or foreign file raises."""
    problem: UserError | None = None
    if isinstance(outcome, sqlite3.Error):
        problem = known_error(outcome, path) or damaged_error(path, "SQLite 无法读取")
    elif isinstance(outcome, UnicodeDecodeError):  # SQLite's own message quotes a damaged table name
        problem = damaged_error(path, "文件结构损坏")
    elif isinstance(outcome, BaseException):
        raise outcome
    else:
        rows, tables, page_size = outcome  # type: ignore[misc]
        if rows != ["ok"]:
            problem = damaged_error(path, f"完整性检查发现 {len(rows)} 处问题,如:{rows[0][:80]}")
        elif path.stat().st_size % page_size:
            problem = damaged_error(path, "文件不完整,末尾被截断")
        elif tables and "alembic_version" not in tables:
            problem = UserError(f"{path} 不是本程序的数据库(其中有其他数据表),未作任何修改。")
    if problem is not None:
        for side in created:
            if side.exists() and (side.name.endswith("-shm") or side.stat().st_size == 0):
                side.unlink(missing_ok=True)
        raise problem
