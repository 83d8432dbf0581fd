"""Engine setup, schema versions and transactions.

SQLite by default (one file in the user's data folder, WAL, foreign keys on,
synchronous=FULL); any SQLAlchemy URL (PostgreSQL for a county office with
several windows). Writers take the write lock when their transaction begins
(SQLite: BEGIN IMMEDIATE; PostgreSQL: the row lock on the audit head), so two
windows registering at once get distinct, gapless numbers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.errors import UserError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaTooNew(UserError):
    pass


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
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_on_begin(conn: object) -> None:
    immediate = conn.get_execution_options().get("immediate", False)  # type: ignore[attr-defined]
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")  # type: ignore[attr-defined]


class Database:
    """One open register: an engine, its sessions and its schema version."""

    def __init__(self, engine: Engine, *, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(immediate=True), expire_on_commit=False)
        self.cache: dict[str, object] = {}  # derived data (the calendar) keyed by name

    # -- opening ------------------------------------------------------------
    @classmethod
    def open_path(cls, path: Path, *, create: bool = True, migrate: bool = True) -> Database:
        path = Path(path).expanduser()
        if not path.exists():
            if not create:
                raise UserError(f"数据库文件不存在:{path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private_file(path)
        elif path.is_dir():
            raise UserError(f"{path} 是文件夹,不是数据库文件")
        else:
            _check_sqlite_header(path)
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        db = cls(engine, path=path)
        if migrate:
            db.upgrade()
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
            engine = create_engine(parsed, pool_pre_ping=True)
        except Exception as exc:
            raise UserError(f"无法使用数据库地址 {parsed.render_as_string(hide_password=True)}:{exc}") from None
        db = cls(engine)
        if migrate:
            db.upgrade()
        return db

    def close(self) -> None:
        self.engine.dispose()

    # -- sessions -----------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed at the end of the block, rolled back on error."""
        with self._write() as session, session.begin():
            yield session

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
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self._alembic_config())
        try:
            current = self.current_revision()
        except OperationalError as exc:
            raise UserError(f"无法打开数据库:{_describe(exc)}") from None
        head = script.get_current_head()
        if current == head:
            return
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

    def _has_foreign_tables(self) -> bool:
        names = set(inspect(self.engine).get_table_names())
        return bool(names - {"alembic_version"})

    def backup_before_migration(self, revision: str) -> Path:
        assert self.path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.before-upgrade-{revision}-{stamp}{self.path.suffix}")
        sqlite_backup(self.path, target)
        return target


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


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (the register holds personal data)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
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


def _describe(exc: Exception) -> str:
    text_ = str(getattr(exc, "orig", exc))
    if "locked" in text_:
        return "数据库被其他程序锁定,请稍后再试"
    if "disk" in text_ and "full" in text_:
        return "磁盘已满,请清理空间后再试"
    return text_
