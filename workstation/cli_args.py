"""The command line's argument helpers, shared by cli.py and the commands*.py modules.

Argument types with Chinese messages, the parser that speaks Chinese, the database and login options,
and reading a text file a user named. Imports none of the commands, so that cli.py and commands*.py
import this module and not each other.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

EXIT_USAGE = 2

_ARGPARSE_ZH = [
    (r"the following arguments are required: (.+)", r"缺少必需的参数:\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数:\1"),
    (r"argument (\S+): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1 的值 \2 无效,可选:\3"),
    (r"argument (\S+): invalid (\w+) value: (.+)", r"参数 \1 的值 \3 无效"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
    (r"one of the arguments (.+) is required", r"必须给出以下参数之一:\1"),
    (r"argument (\S+): (.+)", r"参数 \1:\2"),
]


def one_line(text: str, limit: int = 400) -> str:
    """A message fit for one line: control characters shown escaped, long input cut."""
    clean = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return clean if len(clean) <= limit else clean[:limit] + "…"


class CliError(Exception):
    """A user error on the command line: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, repl in _ARGPARSE_ZH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, repl, message)
                break
        self.exit(EXIT_USAGE, f"workstation: 参数错误:{one_line(message)}(用 --help 查看用法)\n")


def iso_date(text: str) -> date:
    """A date argument in YYYY-MM-DD form that must exist (2026-02-30 does not)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”无效,应为真实存在的日期,格式 YYYY-MM-DD(例如 2026-03-07)"
        ) from None


def int_in_range(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, with a Chinese message."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} {value} 超出范围({low} 至 {high})")
        return value

    return parse


day_count = int_in_range(0, 3650, "天数")


def pause_range(text: str) -> tuple[date, date]:
    start, sep, end = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"暂停“{text}”应写作 开始日期:结束日期,例如 2026-03-03:2026-03-12")
    s, e = iso_date(start), iso_date(end)
    if e < s:
        raise argparse.ArgumentTypeError(f"暂停“{text}”的结束日期早于开始日期")
    return s, e


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --- database options shared by the commands that open the register ----------------
def add_db_options(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--db", type=Path, metavar="PATH", help="SQLite 数据库文件")
    g.add_argument("--db-url", metavar="URL", help="SQLAlchemy 数据库地址,如 postgresql+psycopg://…")


def open_store(args: argparse.Namespace, *, create: bool = True) -> Any:
    from workstation.store.database import Database, default_db_path

    if getattr(args, "db_url", None):
        return Database.open_url(args.db_url, create=create)
    path = args.db if getattr(args, "db", None) else default_db_path()
    return Database.open_path(path, create=create)


# --- signing in, for the commands that the program reserves to a role -------------------
PASSWORD_ENV = "WORKSTATION_PASSWORD"


def add_login_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--login", dest="as_login", metavar="NAME",
                   help=f"以该用户登录(密码在提示时输入,脚本可用环境变量 {PASSWORD_ENV})")


def read_password(prompt: str = "密码:") -> str:
    """The password from the environment (scripts) or typed at a hidden prompt; never an argument."""
    import os

    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"需要密码:请在终端运行并在提示时输入,或由脚本通过环境变量 {PASSWORD_ENV} 提供")
    import getpass

    return getpass.getpass(prompt)


def signed_in(args: argparse.Namespace, db: Any) -> Any:
    """The Actor of ``--login NAME`` once the password is right; the service then checks the role."""
    from workstation.services import users

    login = getattr(args, "as_login", None)
    if not login:
        raise CliError("该命令需要登录:请用 --login 登录名 指定用户,密码在提示时输入"
                       f"(或由环境变量 {PASSWORD_ENV} 提供)")
    return users.authenticate(db, login, read_password(f"{login} 的密码:")).actor()


def read_text_file(path: Path, *, limit: int = 5_000_000) -> str:
    """Read a text file a user named, with a Chinese message for every way it can be wrong."""
    if str(path) == "-":
        return sys.stdin.read()
    if not path.exists():
        raise CliError(f"文件不存在:{path}")
    if path.is_dir():
        raise CliError(f"{path} 是文件夹,请给出文件")
    size = path.stat().st_size
    if size == 0:
        raise CliError(f"文件是空的:{path}")
    if size > limit:
        raise CliError(f"文件过大({size // 1024} KB):{path},请确认选择了正确的文件")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise CliError(f"{path} 不是文本文件")
    from workstation.domain.text_decoding import decode_text

    return decode_text(raw, str(path), hint="请存为 UTF-8 或 GB18030 文本")
