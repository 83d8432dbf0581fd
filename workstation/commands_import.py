"""`workstation import`: bring a ledger (台账, XLSX or CSV) into the register, all or nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.cli_args import (
    EXIT_USAGE,
    CliError,
    add_db_options,
    add_login_option,
    one_line,
    open_store,
    signed_in,
)


def cmd_import(args: argparse.Namespace) -> int:
    from workstation.domain.text_decoding import EncodingUnclear
    from workstation.services.ledger import LedgerRejected, import_ledger

    path: Path = args.file
    if not path.exists():
        raise CliError(f"文件不存在:{path}")
    if path.is_dir():
        raise CliError(f"{path} 是文件夹,请给出台账文件(.xlsx 或 .csv)")
    db = open_store(args, create=False)  # a register is created by `workstation init` (or the first run)
    try:
        report = import_ledger(db, signed_in(args, db), path, dry_run=args.dry_run, encoding=args.encoding)
    except EncodingUnclear as exc:
        raise CliError(f"{exc.message}(用 --encoding utf-8 或 --encoding gb18030 指明)") from None
    except LedgerRejected as exc:
        sys.stderr.write(f"workstation: 台账 {one_line(exc.name)} 有 {exc.bad_rows} 行有问题"
                         f"(共 {len(exc.problems)} 处),未导入任何数据:\n")
        for p in exc.problems:
            sys.stderr.write(f"第{p.line}行\t{p.column}\t{one_line(p.reason)}\n")
        return EXIT_USAGE
    finally:
        db.close()
    for note in report.notes:
        sys.stderr.write(f"workstation: 注意:第{note.line}行 {note.column}:{one_line(note.reason)}\n")
    print(report.text())
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="导入台账(XLSX 或 CSV),全部无误才写入")
    p.add_argument("file", type=Path, metavar="FILE", help="台账文件(.xlsx 或 .csv,第一行为列名)")
    add_db_options(p)
    add_login_option(p)
    p.add_argument("--dry-run", action="store_true", help="只检查,不写入")
    p.add_argument("--encoding", choices=("utf-8", "gb18030"), default=None,
                   help="CSV 文件的编码(编码无法确定时程序会请您指明)")
    p.set_defaults(func=cmd_import)
