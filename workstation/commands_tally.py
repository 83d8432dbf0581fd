"""`workstation tally`: tables 三 and 四 for a year, quarter, month or any dates, as JSON, CSV, XLSX, PDF or .docx."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation.cli_args import CliError, add_db_options, int_in_range, iso_date, open_store
from workstation.domain.errors import UserError
from workstation.domain.tally import Period

_QUARTER = re.compile(r"(\d{4})-?[Qq]?([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_year = int_in_range(1900, 9999, "年份")


def quarter_arg(text: str) -> Period:
    m = _QUARTER.fullmatch(text.strip())
    if m is None:
        raise argparse.ArgumentTypeError(f"季度“{text}”无效,应写作 年-季度,例如 2025-1(2025年第一季度)")
    return _period(Period.quarter, int(m[1]), int(m[2]), text)


def month_arg(text: str) -> Period:
    m = _MONTH.fullmatch(text.strip())
    if m is None:
        raise argparse.ArgumentTypeError(f"月份“{text}”无效,应写作 年-月,例如 2025-03")
    return _period(Period.month, int(m[1]), int(m[2]), text)


def _period(make: Callable[[int, int], Period], year: int, part: int, text: str) -> Period:
    try:
        return make(year, part)
    except UserError as exc:
        raise argparse.ArgumentTypeError(f"“{text}”无效:{exc}") from None


def period_of(args: argparse.Namespace) -> Period:
    """The period the arguments name; --from and --to go together."""
    if args.to is not None and args.start is None:
        raise CliError("--to 只能与 --from 一起使用(统计期间的开始和结束日期)")
    if args.start is not None:
        if args.to is None:
            raise CliError("用 --from 时还需要用 --to 给出统计期间的结束日期")
        if args.start > args.to:
            raise CliError(f"--from {args.start.isoformat()} 晚于 --to {args.to.isoformat()}:开始日期不能晚于结束日期")
        return Period(args.start, args.to)
    if args.year is not None:
        return Period.year(args.year)
    chosen: Period = args.quarter or args.month
    return chosen


def cmd_tally(args: argparse.Namespace) -> int:
    from workstation.services import tally as tally_service

    period = period_of(args)
    if args.format != "json" and args.out is None:
        raise CliError(f"导出 {args.format} 文件需要用 --out 指定文件名,例如 --out 统计表.{args.format}")
    if args.format == "docx" and not period.is_year:
        raise CliError(f"年度报告(docx)只能按整年生成,{period.label}不是完整年度;请用 --year")
    db = open_store(args, create=False)
    result = tally_service.tally(db, period.start, period.end)
    export = tally_service.export(db, result, args.format)
    for warning in export.warnings:
        sys.stderr.write(f"workstation: 注意:{warning}\n")
    locked = tally_service.locked_figures(db, period.start, period.end)
    if locked is not None and locked != result.to_json():
        sys.stderr.write("workstation: 注意:该期间已锁定,锁定后登记过更正,导出的是当前数据,与已报送的数字不同\n")
    if args.out is None:
        sys.stdout.write(export.data.decode("utf-8"))
        return 0
    anchor = tally_service.save_export(db, export, args.out)
    print(f"已写出 {args.out}({period.label}:新收 {result.cell('new')} 件,办结 {result.cell('total')} 件,"
          f"结转 {result.cell('carried_out')} 件);审计链尾:{anchor.name}")
    return 0


def register(sub: Any) -> None:
    from workstation.reports import FORMATS

    p = sub.add_parser("tally", help="统计表(表三、表四)与年度报告")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", type=_year, metavar="Y", help="统计年度,如 2025")
    when.add_argument("--quarter", type=quarter_arg, metavar="Y-Q", help="季度,如 2025-1")
    when.add_argument("--month", type=month_arg, metavar="Y-M", help="月份,如 2025-03")
    when.add_argument("--from", dest="start", type=iso_date, metavar="D", help="开始日期 YYYY-MM-DD(与 --to 同用)")
    p.add_argument("--to", type=iso_date, metavar="D", help="结束日期 YYYY-MM-DD")
    add_db_options(p)
    p.add_argument("--format", choices=list(FORMATS), default="json",
                   help="json(默认)、csv、xlsx、pdf 或 docx(年度报告)")
    p.add_argument("--out", type=Path, metavar="FILE", help="输出文件;json 省略时写到标准输出")
    p.set_defaults(func=cmd_tally)
