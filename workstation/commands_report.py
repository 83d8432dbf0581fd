"""`workstation report`: 报送包 export (township), import and consolidation (county); docs/report-package.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli_args import (
    CliError,
    Parser,
    add_db_options,
    add_login_option,
    open_store,
    print_json,
    signed_in,
)
from workstation.commands_tally import _year as year_arg
from workstation.commands_tally import month_arg, period_of, quarter_arg


def _period_options(p: argparse.ArgumentParser) -> None:
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", type=year_arg, metavar="Y", help="统计年度,如 2025")
    when.add_argument("--quarter", type=quarter_arg, metavar="Y-Q", help="季度,如 2026-3")
    when.add_argument("--month", type=month_arg, metavar="Y-M", help="月份,如 2026-09")
    p.set_defaults(start=None, to=None)


def cmd_export(args: argparse.Namespace) -> int:
    from workstation.services import report_exchange as rx

    period = period_of(args)
    db = open_store(args, create=False)
    made = rx.export_package(db, period, correction=args.reason or "")
    written = rx.save_package(db, made, args.out, xlsx=not args.no_xlsx)
    locked = "(该期间已锁定,报送的是锁定时的数字)" if made.locked else ""
    print(f"已写出报送包 {written[0]}{locked}" + (f",表格 {written[1]}" if len(written) > 1 else ""))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workstation.services import report_exchange as rx

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    if args.offices is not None:
        offices = rx.import_office_list(db, actor, args.offices)
        print(f"报送单位名单已更新:{len(offices)} 个单位")
        if args.folder is None:
            return 0
    if args.folder is None:
        raise CliError("请给出报送包所在的文件夹")
    report = rx.import_folder(db, actor, args.folder)
    print(f"导入 {len(report.imported)} 份,更正替换 {len(report.replaced)} 份,"
          f"重复未变 {len(report.unchanged)} 份,拒收 {len(report.refused)} 份")
    for line in report.refused:
        sys.stderr.write(f"workstation: {line}\n")
    return 2 if report.refused else 0


def cmd_show(args: argparse.Namespace) -> int:
    from workstation.services import report_exchange as rx

    period = period_of(args)
    db = open_store(args, create=False)
    view = rx.county_view(db, period)
    if args.format is not None:
        from workstation.reports import consolidation as rendering
        from workstation.reports import write_file

        if args.out is None:
            raise CliError(f"导出 {args.format} 文件需要用 --out 指定文件名")
        write_file(args.out, rendering.render(db_office(db), view, args.format))
        print(f"已写出 {args.out}")
        return 0
    data: dict[str, Any] = view.to_json()
    if args.json:
        print_json(data)
        return 0
    print(f"{period.label} 汇总:已报 {len(data['offices'])} 个单位,未报 {len(data['not_reported'])} 个")
    for group, tables in data["groups"].items():
        t3 = tables["table3"]
        ok = "平衡" if data["identity"][group]["ok"] else "不平衡"
        print(f"  {group}:新收 {t3['new']['total']},办结 {t3['total']['total']},"
              f"结转下期 {t3['carried_out']['total']}({ok})")
    for o in data["not_reported"]:
        print(f"  未报:{o['name']}({o['kind']})")
    return 0


def db_office(db: Any) -> str:
    from workstation.services.base import office_settings

    return office_settings(db).office_name


def register(sub: Any) -> None:
    r = sub.add_parser("report", help="报送与汇总(乡镇、部门报县)")
    rs = r.add_subparsers(dest="report_command", parser_class=Parser, metavar="子命令", required=True)
    p = rs.add_parser("export", help="写出本机关某期间的报送包(JSON,另附 XLSX)")
    _period_options(p)
    add_db_options(p)
    p.add_argument("--out", required=True, metavar="FILE|DIR", help="报送包文件,或文件夹(已有或以 / 结尾)")
    p.add_argument("--reason", metavar="TEXT", help="更正重报时的更正理由")
    p.add_argument("--no-xlsx", action="store_true", help="不另写 XLSX 表格")
    p.set_defaults(func=cmd_export)
    p = rs.add_parser("import", help="导入一个文件夹的报送包(县级汇总)")
    p.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="报送包所在文件夹")
    add_db_options(p)
    add_login_option(p)
    p.add_argument("--offices", type=Path, metavar="CSV", help="同时导入报送单位名单(统一社会信用代码,名称,类别)")
    p.set_defaults(func=cmd_import)
    p = rs.add_parser("show", help="某期间的汇总表(本级、县直部门、乡镇街道、合计)与未报单位")
    _period_options(p)
    add_db_options(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--format", choices=("xlsx", "pdf"), help="导出汇总表文件")
    p.add_argument("--out", type=Path, metavar="FILE", help="输出文件")
    p.set_defaults(func=cmd_show)
