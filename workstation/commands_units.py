"""`workstation unit` and `workstation handover`: the county office's units, 转办 and 督办 on the command line.

Every command that changes something signs in (--login) and the service checks the role and the place
(office or unit), as in the program.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from workstation.cli_args import (
    CliError,
    Parser,
    add_db_options,
    add_login_option,
    iso_date,
    open_store,
    print_json,
    signed_in,
)


def _unit_id(db: Any, name: str) -> int:
    from workstation.services import units

    for unit in units.list_units(db, include_inactive=True):
        if unit.name == name.strip():
            return unit.id
    raise CliError(f"没有名为“{name}”的承办单位(用 workstation unit list 查看)")


def _case_id(db: Any, actor: Any, number: str) -> int:
    from workstation.services import cases

    return cases.find_by_number(db, number, viewer=actor).id


def cmd_unit_list(args: argparse.Namespace) -> int:
    from workstation.services import units

    db = open_store(args, create=False)
    rows = units.list_units(db, include_inactive=args.all)
    if args.json:
        print_json([asdict(u) for u in rows])
        return 0
    if not rows:
        print("本机关没有设置承办单位(不转办,所有用户都能看到全部申请)")
    for u in rows:
        print(f"{u.name}\t{u.kind}\t{'在用' if u.active else '已停用'}\t{u.users} 名用户")
    return 0


def cmd_unit_add(args: argparse.Namespace) -> int:
    from workstation.services import units

    db = open_store(args, create=False)
    made = units.create_unit(db, signed_in(args, db), args.name, args.kind)
    print(f"已添加承办单位:{made.name}({made.kind})")
    return 0


def cmd_unit_place(args: argparse.Namespace) -> int:
    from workstation.services import units, users

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    user = next((u for u in users.list_users(db) if u.login == args.user), None)
    if user is None:
        raise CliError(f"没有登录名为“{args.user}”的用户")
    unit_id = None if args.office else _unit_id(db, args.unit)
    units.set_user_unit(db, actor, user.id, unit_id)
    print(f"{user.display_name}现属于:{'办公室' if unit_id is None else args.unit}")
    return 0


def cmd_give(args: argparse.Namespace) -> int:
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    made = handover.hand_over(db, actor, _case_id(db, actor, args.case), [_unit_id(db, n) for n in args.unit],
                              due=args.due, note=args.note or "", today=args.today)
    for h in made:
        due = h.internal_due.isoformat() if h.internal_due else "待起算"
        print(f"已转办 {h.number} 给{h.unit},内部办理期限 {due}")
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    h = handover.sign_for(db, actor, _case_id(db, actor, args.case), today=args.today)
    print(f"{h.unit}已签收 {h.number}")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    h = handover.return_to_office(db, actor, _case_id(db, actor, args.case), args.reason, today=args.today)
    print(f"{h.unit}已退回 {h.number}")
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from workstation.domain.results import result_key
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    key = result_key(args.result)
    if key is None:
        raise CliError(f"拟答复结果“{args.result}”无效,请用办理结果的名称或代码")
    h = handover.submit_draft(db, actor, _case_id(db, actor, args.case), result_key=key, text=args.text,
                              opinion=args.opinion or "", today=args.today)
    print(f"{h.unit}已提交 {h.number} 的答复草稿")
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """督办: per unit, what to chase (a unit's user: its own unit)."""
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    boards = handover.supervision(db, actor, today=args.today)
    if args.json:
        print_json([{"unit": b.unit, "handed": b.handed, "reminders": b.reminders,
                     "counts": {f.value: n for f, n in b.counts.items()},
                     "chases": [{"number": c.handover.number, "internal_due": c.handover.internal_due,
                                 "legal_due": c.handover.legal_due, "state": c.handover.status_label,
                                 "flags": [f.label for f in c.flags]} for c in b.chases]} for b in boards])
        return 0
    if not boards:
        print("本机关没有设置承办单位")
    for b in boards:
        flags = ",".join(f"{f.label} {n}" for f, n in b.counts.items() if n) or "无需督办"
        print(f"{b.unit}:在办 {b.handed} 件;{flags}")
        for c in b.chases:
            print(f"  {c.handover.number}({c.handover.status_label}):{'、'.join(f.label for f in c.flags)}")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from workstation.services import handover

    db = open_store(args, create=False)
    actor = signed_in(args, db)
    case_id = _case_id(db, actor, args.case) if args.case else None
    made = handover.remind(db, actor, _unit_id(db, args.unit), args.note, case_id=case_id, today=args.today)
    print(f"已记录对{made.unit}的督办" + (f"({made.number})" if made.number else ""))
    return 0


def register(sub: Any) -> None:
    from workstation.domain.handover import UNIT_KINDS

    u = sub.add_parser("unit", help="承办单位(县直部门、乡镇、科室、站所)")
    us = u.add_subparsers(dest="unit_command", parser_class=Parser, metavar="子命令", required=True)
    p = us.add_parser("list", help="列出承办单位")
    add_db_options(p)
    p.add_argument("--all", action="store_true", help="包括已停用的")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_unit_list)
    p = us.add_parser("add", help="添加承办单位(管理员)")
    p.add_argument("name", help="单位名称")
    p.add_argument("--kind", required=True, choices=UNIT_KINDS, help="单位类别")
    add_db_options(p)
    add_login_option(p)
    p.set_defaults(func=cmd_unit_add)
    p = us.add_parser("place", help="设置用户所属单位(管理员)")
    p.add_argument("user", help="用户的登录名")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--unit", metavar="NAME", help="承办单位名称")
    where.add_argument("--office", action="store_true", help="属于办公室本身")
    add_db_options(p)
    add_login_option(p)
    p.set_defaults(func=cmd_unit_place)

    h = sub.add_parser("handover", help="转办、签收、退回、答复草稿与督办")
    hs = h.add_subparsers(dest="handover_command", parser_class=Parser, metavar="子命令", required=True)

    def step(name: str, text: str, func: Any, *, case: bool = True) -> argparse.ArgumentParser:
        p = hs.add_parser(name, help=text)
        if case:
            p.add_argument("case", metavar="NUMBER", help="受理编号")
        add_db_options(p)
        add_login_option(p)
        p.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD", help="以该日为今天(默认今天)")
        p.set_defaults(func=func)
        return p

    p = step("give", "转办给一个或几个承办单位(办公室)", cmd_give)
    p.add_argument("--unit", action="append", required=True, metavar="NAME", help="承办单位(可重复:联合办理)")
    p.add_argument("--due", type=iso_date, metavar="YYYY-MM-DD", help="内部办理期限(默认按设置计算)")
    p.add_argument("--note", metavar="TEXT", help="转办说明")
    step("sign", "签收(承办单位)", cmd_sign)
    p = step("return", "退回办公室(承办单位)", cmd_return)
    p.add_argument("--reason", required=True, metavar="TEXT", help="退回理由")
    p = step("draft", "提交答复草稿(承办单位)", cmd_draft)
    p.add_argument("--result", required=True, metavar="RESULT", help="拟答复结果(名称或代码)")
    p.add_argument("--text", required=True, metavar="TEXT", help="答复草稿")
    p.add_argument("--opinion", metavar="TEXT", help="保密审查意见")
    p = step("board", "督办一览:各承办单位待签收、临近或超过内部期限的申请", cmd_board, case=False)
    p.add_argument("--json", action="store_true")
    p = step("remind", "记录督办(办公室)", cmd_remind, case=False)
    p.add_argument("--unit", required=True, metavar="NAME", help="承办单位")
    p.add_argument("--note", required=True, metavar="TEXT", help="督办内容")
    p.add_argument("--case", metavar="NUMBER", help="就某件申请督办(受理编号)")
