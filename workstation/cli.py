"""Command line: the same use cases as the GUI, for scripts and checks.

`workstation` alone starts the desktop program. Every command answers bad
arguments with one Chinese line on stderr and exit code 2, never a traceback.
Heavy modules are imported inside the commands so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from workstation.cli_args import (
    EXIT_USAGE,
    PASSWORD_ENV,
    CliError,
    Parser,
    add_db_options,
    day_count,
    iso_date,
    one_line,
    open_store,
    pause_range,
    print_json,
    read_text_file,
)


# --- commands ---------------------------------------------------------------------
def cmd_deadline(args: argparse.Namespace) -> int:
    from workstation.domain.deadline import Clock, DeadlineEngine, Pause

    calendar = _calendar(args)
    clock = Clock(
        received=args.received,
        restarts=(args.restart,) if args.restart else (),
        pauses=tuple(Pause(s, e) for s, e in args.pause),
        extension_days=args.extend,
        reply_days=args.days,
    )
    if args.restart and args.restart < args.received:
        raise CliError("补正后收到日期(--restart)不能早于收到申请日期")
    result = DeadlineEngine(calendar).compute(clock, as_of=args.as_of or date.today())
    if args.json:
        print_json(result.to_json())
    else:
        print(result.summary())
    return 0


def _calendar(args: argparse.Namespace) -> Any:
    """The calendar with the office's overrides and imports when a database is named."""
    from workstation.domain.calendar import WorkCalendar

    if getattr(args, "db", None) or getattr(args, "db_url", None):
        from workstation.services.clock import load_calendar

        return load_calendar(open_store(args, create=False))
    return WorkCalendar()


def cmd_holidays_parse(args: argparse.Namespace) -> int:
    text = read_text_file(args.file)
    from workstation.domain.holiday_notice import parse_notice

    notice = parse_notice(text, source=str(args.file))
    if args.json:
        print_json(notice.to_json())
    else:
        data = notice.to_json()
        print(f"{notice.year}年:放假 {len(data['off'])} 天,调休上班 {len(data['work'])} 天")
        for d, name in sorted(notice.off.items()):
            print(f"  {d.isoformat()} 放假 {name}")
        for d, name in sorted(notice.work.items()):
            print(f"  {d.isoformat()} 上班 ({name}调休)")
    return 0


def cmd_holidays_status(args: argparse.Namespace) -> int:
    from workstation.domain.calendar import OFFICIAL_YEARS

    imported: dict[int, str] = {}
    if args.db or args.db_url:
        from workstation.services import calendar as calendar_service

        imported = calendar_service.imported_years(open_store(args, create=False))
    this_year = date.today().year
    years = sorted(set(range(OFFICIAL_YEARS.start, this_year + 3)) | set(imported))
    rows = []
    for y in years:
        if y in imported:
            state, label = "imported", f"已导入通知({imported[y]})"
        elif y in OFFICIAL_YEARS:
            state, label = "official", "官方数据(chinese-calendar)"
        else:
            state, label = "provisional", "预估(尚无官方安排,按法定节日与周末推算)"
        rows.append({"year": y, "state": state, "label": label})
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['year']}年:{r['label']}")
    return 0


OS_ERRORS = {errno.ENAMETOOLONG: "文件名过长", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
             errno.ENOENT: "文件不存在", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "是文件夹,请给出文件",
             errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘只读"}


def os_error_text(exc: OSError) -> str:
    """The system's refusal of a file, in Chinese, naming the file (shortened when very long)."""
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 80:
        name = name[:60] + "…" + name[-15:]
    reason = OS_ERRORS.get(exc.errno or 0, exc.strerror or "系统错误")
    return f"无法访问文件 {name}:{reason}" if name else f"文件操作失败:{reason}"


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="workstation", description="信息公开申请工作台")
    parser.add_argument("--demo", action="store_true", help="打开一个演示数据库(临时文件),以演示承办人身份登录")
    add_db_options(parser)
    parser.add_argument("--login", metavar="USER",
                        help=f"以该用户登录(密码取自环境变量 {PASSWORD_ENV},否则显示登录窗口)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="命令")

    p = sub.add_parser("deadline", help="计算答复期限")
    p.add_argument("received", type=iso_date, help="收到申请日期 YYYY-MM-DD")
    p.add_argument("--days", type=day_count, default=20, help="答复期限工作日数(默认20)")
    p.add_argument("--extend", type=day_count, default=0, help="延期工作日数")
    p.add_argument("--pause", type=pause_range, action="append", default=[], metavar="S:E",
                   help="暂停(征询第三方等):S 之后至 E(含)的工作日不计")
    p.add_argument("--restart", type=iso_date, help="补正后收到申请的日期(重新起算)")
    p.add_argument("--as-of", type=iso_date, help="计算已用/剩余工作日的日期(默认今天)")
    p.add_argument("--json", action="store_true")
    add_db_options(p)
    p.set_defaults(func=cmd_deadline)

    h = sub.add_parser("holidays", help="节假日安排").add_subparsers(dest="holidays_command", parser_class=Parser,
                                                                 metavar="子命令", required=True)
    hp = h.add_parser("parse", help="解析国务院办公厅节假日安排通知")
    hp.add_argument("file", type=Path, help="通知文本文件(- 表示标准输入)")
    hp.add_argument("--json", action="store_true")
    hp.set_defaults(func=cmd_holidays_parse)
    hs = h.add_parser("status", help="各年份节假日数据来源")
    hs.add_argument("--json", action="store_true")
    add_db_options(hs)
    hs.set_defaults(func=cmd_holidays_status)

    from workstation import commands

    commands.register_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from workstation.domain.errors import UserError
    from workstation.logs import log_to_stderr_once, setup_logging

    setup_logging()
    log_to_stderr_once()
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command | None = getattr(args, "func", None)
    try:
        if func is None:
            # the register's check (the standard library only) starts before Qt and SQLAlchemy load
            from workstation.store import quick_check

            args.quick_check = quick_check.begin_for(args)
            from workstation.preload import before_qt

            before_qt()  # SQLAlchemy and the services, before PySide6's import hook would read each one's source
            from workstation.gui.app import run_gui

            return run_gui(args)
        return func(args)
    except (CliError, UserError) as exc:
        sys.stderr.write(f"workstation: {one_line(str(exc))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file named on the command line that the system refuses (too long a name, no access…)
        sys.stderr.write(f"workstation: {one_line(os_error_text(exc))}\n")
        return EXIT_USAGE
    except Exception as exc:
        return _unexpected(exc, " ".join(sys.argv[1:2] if argv is None else list(argv)[:1]))


def _unexpected(exc: Exception, command: str) -> int:
    """A database or disk failure that escaped the store layer is still the user's sentence (exit 2);
    anything else is our bug: the scrubbed traceback goes to the log, one line to the terminal (exit 1)."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from workstation.logs import bug_sentence, log_bug
    from workstation.store.database import known_error

    known = known_error(exc, None) if isinstance(exc, DBAPIError | sqlite3.Error) else None
    if known is not None:
        sys.stderr.write(f"workstation: {one_line(known.message)}\n")
        return EXIT_USAGE
    sys.stderr.write(f"workstation: {one_line(bug_sentence(exc, log_bug(exc, command)))}\n")
    return 1
