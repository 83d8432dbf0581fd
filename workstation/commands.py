"""The command-line commands that work on a register (see cli_args.py for the parser basics)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from workstation.cli_args import (
    PASSWORD_ENV,
    CliError,
    Parser,
    add_db_options,
    add_login_option,
    int_in_range,
    open_store,
    print_json,
    read_text_file,
    signed_in,
)

NEW_PASSWORD_ENV = "WORKSTATION_NEW_PASSWORD"

def _lookup(mapping: dict[str, str], text: str) -> str | None:
    text = (text or "").strip()
    if text in mapping:
        return text
    for key, label in mapping.items():
        if label == text:
            return key
    return None


def intake_from_json(obj: Any) -> Any:
    """An IntakeData from the JSON object of `workstation register` (labels or keys accepted)."""
    from workstation.domain.intake import RECEIVED_FACT, IntakeData
    from workstation.domain.ledger import channel_key
    from workstation.domain.results import DELIVERY_WAYS, WANTED_FORMS, applicant_kind_key

    if not isinstance(obj, dict):
        raise CliError("申请数据应为一个 JSON 对象({…})")
    known = {"channel", "received", "handed_in_on", "signed_on", "confirmed_on", "applicant_kind", "applicant",
             "id_number", "org_code", "id_type", "id_override_reason", "legal_representative", "contact_person",
             "phone", "address", "postcode", "email", "content", "wanted_form", "delivery", "oral",
             "fee_waiver_requested"}
    unknown = sorted(set(obj) - known)
    if unknown:
        raise CliError(f"无法识别的字段:{'、'.join(unknown)}")
    for k, v in obj.items():
        if v is not None and not isinstance(v, (str, bool)):
            raise CliError(f"字段 {k} 应为文字")

    def as_date(name: str) -> date | None:
        value = obj.get(name)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise CliError(f"字段 {name} 的日期“{value}”无效,应为真实存在的日期 YYYY-MM-DD") from None

    channel = channel_key(obj.get("channel", ""))  # the ledger's table: one vocabulary for both
    if channel is None:
        raise CliError(f"递交方式“{obj.get('channel')}”无法识别,可用:当面提交、邮寄、平常信函、传真、互联网")
    kind = applicant_kind_key(obj.get("applicant_kind", "自然人") or "自然人")
    if kind is None:
        raise CliError(f"申请人类型“{obj.get('applicant_kind')}”无法识别,可用:自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他")
    facts = {name: as_date(name) for name in ("handed_in_on", "signed_on", "confirmed_on")}
    received = as_date("received")
    fact = RECEIVED_FACT[channel]
    if received is not None:
        if facts[fact] is not None and facts[fact] != received:
            raise CliError(f"received 与 {fact} 不一致:收到日期由 {fact} 决定(条例第三十一条)")
        facts[fact] = received
    wanted = _lookup(WANTED_FORMS, obj.get("wanted_form") or "纸质")
    delivery = _lookup(DELIVERY_WAYS, obj.get("delivery") or "自行领取")
    if wanted is None:
        raise CliError(f"载体形式“{obj.get('wanted_form')}”无法识别,可用:纸质、电子文本、光盘、其他")
    if delivery is None:
        raise CliError(f"获取方式“{obj.get('delivery')}”无法识别,可用:邮寄、电子邮件、传真、自行领取、当场阅读抄录")
    id_number = obj.get("org_code") if kind != "natural" and obj.get("org_code") else obj.get("id_number")
    return IntakeData(
        channel=channel, **facts, applicant_kind=kind, applicant_name=obj.get("applicant") or "",
        id_type=obj.get("id_type") or ("居民身份证" if kind == "natural" else "统一社会信用代码"),
        id_number=id_number or "", id_override_reason=obj.get("id_override_reason") or "",
        legal_representative=obj.get("legal_representative") or "", contact_person=obj.get("contact_person") or "",
        phone=obj.get("phone") or "", address=obj.get("address") or "", postcode=obj.get("postcode") or "",
        email=obj.get("email") or "", content=obj.get("content") or "", wanted_form=wanted, delivery=delivery,
        oral=bool(obj.get("oral")), fee_waiver_requested=bool(obj.get("fee_waiver_requested")),
    )


def cmd_register(args: argparse.Namespace) -> int:
    from workstation.services import cases
    from workstation.services.base import ValidationError

    text = read_text_file(Path(args.json)) if args.json != "-" else sys.stdin.read()
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"JSON 格式错误(第{exc.lineno}行第{exc.colno}列):{exc.msg}") from None
    except RecursionError:
        raise CliError("JSON 嵌套层数过多,不是一件申请的数据") from None
    data = intake_from_json(obj)
    db = open_store(args, create=False)  # a register is created by `workstation init` (or the first run)
    try:
        done = cases.register(db, signed_in(args, db), data, source="cli")
    except ValidationError as exc:
        raise CliError("登记未完成:" + ";".join(f"{k}:{v}" for k, v in exc.errors.items())) from None
    d = done.deadline
    print_json({"id": done.case.id, "number": done.case.number, "received": d.received.isoformat(),
                 "due": d.due.isoformat(), "provisional": d.provisional,
                 "correction_notice_by": d.correction_notice_by.isoformat()})
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from workstation.services.demo import ensure_demo_register, fill_demo

    db = open_store(args)
    ensure_demo_register(db)
    report = fill_demo(db, cases=args.cases, progress=None if args.quiet else _progress,
                       office=args.office, kind=args.kind)
    print(f"演示数据已写入:{report.cases} 件申请,{report.events} 条记录。演示账号:"
          + "、".join(f"{login}/{pw}" for login, pw in report.logins))
    return 0


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{done}/{total}")
    if done >= total:
        sys.stderr.write("\n")


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from workstation.services.audit import verify_chain

    report = verify_chain(open_store(args, create=False), against=args.against)
    if args.json:
        print_json({"ok": report.ok, "events": report.events, "problems": report.problems,
                     "mismatches": report.mismatches})
    else:
        print(report.text())
    if report.mismatches:  # the register's rows were changed behind the program's back
        print(f"workstation: 登记簿有 {len(report.mismatches)} 处数据与审计记录不一致(可能被绕过本程序改动过),"
              "请把上面的报告交给管理员核查,并用备份核对。", file=sys.stderr)
        return 2
    return 0 if report.ok else 1


def cmd_user_add(args: argparse.Namespace) -> int:
    from workstation.domain.status import Role
    from workstation.services import users

    try:
        roles = {Role(r) for r in args.roles.split(",") if r}
    except ValueError:
        raise CliError("角色应为 clerk、reviewer、head、admin 中的一个或多个,以逗号分隔") from None
    db = open_store(args, create=False)
    if not users.has_users(db):
        raise CliError("该数据库还没有用户:初始管理员只能由首次运行的程序或 workstation init 建立")
    admin = signed_in(args, db)
    info = users.create_user(db, admin, args.login, args.name, _new_password(args.login), roles)
    print(f"已添加用户 {info.login}({'、'.join(r.label for r in sorted(info.roles))})")
    return 0


def _typed_twice(login: str) -> str:
    import getpass

    first = getpass.getpass(f"{login} 的新密码:")
    if getpass.getpass("再次输入新密码:") != first:
        raise CliError("两次输入的密码不一致,未作任何修改")
    return first


def _new_password(login: str) -> str:
    """A new user's password: from the environment (scripts), typed twice at a hidden prompt, or one stdin line."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if sys.stdin.isatty():
        return _typed_twice(login)
    return sys.stdin.readline().rstrip("\n")


def cmd_init(args: argparse.Namespace) -> int:
    """The first run on the command line: the office and its first administrator, in an empty register."""
    from workstation.services import office

    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(f"需要管理员密码:请在终端运行并在提示时输入,或由环境变量 {PASSWORD_ENV} 提供")
        password = _typed_twice(args.admin_login)
    db = open_store(args)
    admin = office.setup_office(db, {"office.name": args.office}, args.admin_login, args.name, password)
    print(f"已建立初始管理员 {admin.login}({args.office})。只有首次运行可以不登录建立管理员;"
          "以后添加用户请用 workstation user add … --login 管理员登录名。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from workstation.services.backup import backup

    db = open_store(args, create=False)
    try:
        info = backup(db, args.to, actor=signed_in(args, db), keep=args.keep)
    finally:
        db.close()  # lets go of the register's lock file at once
    rows = ",".join(f"{k} {v}" for k, v in info.rows.items())
    print(f"已备份到 {info.path}(结构版本 {info.schema_version};{rows};校验通过)")
    if info.removed:
        print(f"已按保留份数删除 {len(info.removed)} 份旧备份")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workstation.services.backup import restore
    from workstation.store.database import Database

    info, safety = restore(args.file, args.db, actor=_restore_actor(args))
    db = Database.open_path(args.db)  # migrates an older backup
    db.close()
    if safety:
        print(f"原数据库已先备份到 {safety}")
    print(f"已从 {info.path.name} 恢复(结构版本 {info.schema_version},申请 {info.rows['request']} 件)")
    return 0


def _restore_actor(args: argparse.Namespace) -> Any:
    """Who restores signs in to the register being replaced; when there is none, or it cannot be
    opened (the reason to restore), to a throwaway copy of the backup."""
    import shutil
    import tempfile

    from workstation.domain.errors import UserError
    from workstation.services.backup import inspect_backup
    from workstation.store.database import Database

    target: Path = args.db
    if target.exists() and target.stat().st_size > 0:
        try:
            db = Database.open_path(target, create=False)
        except UserError:
            pass
        else:
            try:
                return signed_in(args, db)
            finally:
                db.close()
    if not Path(args.file).is_file():
        raise CliError(f"备份文件不存在:{args.file}")
    inspect_backup(Path(args.file))  # a file that is no backup is named as such before any sign-in
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "backup.sqlite3"
        shutil.copyfile(args.file, copy)
        copy.chmod(0o600)
        db = Database.open_path(copy, create=False)
        try:
            return signed_in(args, db)
        finally:
            db.close()


def _load_bench(args: argparse.Namespace) -> int:
    from workstation import load
    from workstation.domain.errors import UserError

    if not args.db_url:
        raise UserError("多客户端压力测试需要用 --db-url 给出本机 PostgreSQL 服务器地址。")
    result = load.run(args.db_url, args.clients or 8, args.seconds or 20, think_ms=args.think_ms or 0,
                      log=lambda m: sys.stderr.write(m + "\n"))
    if args.json:
        print_json(load.issue_shape(result))
    else:
        names = {"register": "登记", "open_case": "打开案件", "search": "搜索", "dashboard": "工作台"}
        pace = f"每次操作前平均停顿 {result['think_ms']:g} 毫秒" if result["think_ms"] else "操作之间不停顿"
        print(f"{result['clients']} 个客户端,{result['seconds']:g} 秒,{pace},吞吐量 {result['throughput_per_s']} 次/秒"
              f"(本机 {result['cores']} 核,结束时负载 {result['load_average_1m']})")
        for op, fig in result["ops"].items():
            target = load.TARGETS_P99_MS.get(op)
            mark = "" if target is None else (" ✓" if fig["p99_ms"] <= target else f" ✗(目标 ≤ {target})")
            print(f"{names[op]}:{fig['count']} 次,p50 {fig['p50_ms']} 毫秒,p95 {fig['p95_ms']} 毫秒,"
                  f"p99 {fig['p99_ms']} 毫秒{mark}")
        wait = result["head_lock_wait_ms"]
        print(f"登记等待审计链尾锁:p50 {wait['p50']} 毫秒,p99 {wait['p99']} 毫秒,"
              f"占登记总时间的 {round(wait['share_of_register_time'] * 100)}%;"
              f"持有至提交:p50 {wait['held_p50']} 毫秒,p99 {wait['held_p99']} 毫秒")
        own = result["client_cpu_ms"]
        print("客户端自身计算(平均):" + ",".join(f"{names[op]} {own[op]} 毫秒" for op in own))
        print(f"受理编号:新登记 {result['registered']} 个,丢失 {result['numbers_lost']} 个,"
              f"重复 {result['numbers_duplicated']} 个;审计链{'核验通过' if result['chain_ok'] else '核验未通过'}")
    problems = load.failed(result)
    if problems:
        sys.stderr.write("压力测试未通过:" + ";".join(problems) + "。\n")
        for sample in result["error_samples"]:
            sys.stderr.write(sample + "\n")
        return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from workstation import bench

    if args.db_url or args.clients is not None or args.seconds is not None or args.think_ms is not None:
        return _load_bench(args)
    result = bench.run(args.cases, log=lambda m: sys.stderr.write(m + "\n"), skip_gui=args.no_gui)
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            if key != "targets_met":
                mark = {True: " ✓", False: " ✗"}.get(result["targets_met"].get(key), "")
                print(f"{key}: {value}{mark}")
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from workstation.services import cases, documents
    db = open_store(args, create=False)
    case = cases.find_by_number(db, args.case)
    out = Path(args.out)
    if out.exists() and out.is_dir():
        raise CliError(f"{out} 是文件夹,请给出 PDF 文件名")
    try:
        doc = documents.issue(db, signed_in(args, db), case.id, args.kind, provisional_ok=args.provisional_ok)
    except documents.ProvisionalDates as exc:
        raise CliError(exc.message.replace("可选择“仍然出具”", "可加 --provisional-ok 仍然出具")) from None
    from workstation.files import write_private_bytes

    try:
        write_private_bytes(out, doc.pdf)  # the notice names the applicant: owner-only
    except OSError as exc:
        raise CliError(f"无法写入 {out}:{exc.strerror}(文书已出具并存档,可在案件中重新打印)") from None
    for warning in doc.warnings:
        sys.stderr.write(f"workstation: 注意:{warning}\n")
    print_json({"document_id": doc.id, "kind": doc.kind, "number": doc.number, "template": doc.template,
                 "template_version": doc.template_version, "fonts_embedded": doc.fonts_embedded,
                 "out": str(out)})
    return 0


def register_all(sub: Any) -> None:
    p = sub.add_parser("register", help="从 JSON 登记一件申请")
    add_db_options(p)
    add_login_option(p)
    p.add_argument("--json", required=True, metavar="FILE|-", help="申请数据 JSON 文件,- 表示标准输入")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("demo", help="生成演示数据")
    add_db_options(p)
    p.add_argument("--cases", type=_positive, default=300, help="申请件数(默认300)")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--office", metavar="NAME", help="演示机关名称(另配有效的统一社会信用代码)")
    p.add_argument("--kind", choices=("县政府本级", "县直部门", "乡镇街道"), help="机关类别(默认乡镇街道)")
    p.set_defaults(func=cmd_demo)

    a = sub.add_parser("audit", help="审计记录").add_subparsers(dest="audit_command", parser_class=Parser,
                                                                metavar="子命令", required=True)
    p = a.add_parser("verify", help="校验审计记录哈希链")
    add_db_options(p)
    p.add_argument("--against", type=Path, metavar="FILE",
                   help="同时与一份备份或导出时留下的审计链尾文件(*.链尾.json)核对")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("backup", help="备份数据库(在线备份并校验)")
    add_db_options(p)
    p.add_argument("--to", type=Path, metavar="DIR", help="备份文件夹(默认:设置中的文件夹或数据库旁的“备份”文件夹)")
    p.add_argument("--keep", type=_positive, help="保留的备份份数")
    add_login_option(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复(先备份当前数据库)")
    p.add_argument("file", type=Path, help="备份文件")
    p.add_argument("--db", type=Path, required=True, metavar="PATH", help="要恢复到的数据库文件")
    add_login_option(p)
    p.set_defaults(func=cmd_restore)

    from workstation.domain.notices import KINDS

    p = sub.add_parser("notice", help="出具文书并写出 PDF(同时存档)")
    p.add_argument("kind", choices=list(KINDS), help="文书种类")
    p.add_argument("--case", required=True, metavar="NUMBER", help="受理编号")
    add_db_options(p)
    add_login_option(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--provisional-ok", action="store_true",
                   help="文书写明的日期按预估的节假日安排推算时仍然出具(文书上注明预估)")
    p.set_defaults(func=cmd_notice)

    p = sub.add_parser("bench", help="性能基准测试")
    p.add_argument("--cases", type=_positive, default=100_000, help="申请件数(默认100000)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-gui", action="store_true", help="不测量界面启动和内存")
    p.add_argument("--db-url", metavar="URL", help="本机 PostgreSQL 服务器地址:多客户端压力测试(在其上建临时数据库)")
    p.add_argument("--clients", type=_positive, metavar="N", help="压力测试的客户端进程数(默认8)")
    p.add_argument("--seconds", type=_positive, metavar="S", help="压力测试的时长,秒(默认20)")
    p.add_argument("--think-ms", type=int_in_range(0, 600_000, "思考时间"), metavar="MS",
                   help="压力测试中每个客户端每次操作前的平均停顿,毫秒(随机,指数分布,如窗口人员办理的节奏;默认0:不停顿)")
    p.set_defaults(func=cmd_bench)

    u = sub.add_parser("user", help="用户").add_subparsers(dest="user_command", parser_class=Parser,
                                                           metavar="子命令", required=True)
    p = u.add_parser("add", help="添加用户(需管理员登录)")
    add_db_options(p)
    p.add_argument("login", help="新用户的登录名(密码在提示时输入,脚本可用环境变量 WORKSTATION_NEW_PASSWORD 或标准输入一行)")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--roles", default="clerk", help="clerk,reviewer,head,admin")
    add_login_option(p)
    p.set_defaults(func=cmd_user_add)

    p = sub.add_parser("init", help="首次运行:建立单位与初始管理员(仅限没有用户的新数据库)")
    add_db_options(p)
    p.add_argument("--office", required=True, metavar="NAME", help="单位名称")
    p.add_argument("--login", dest="admin_login", required=True, metavar="NAME", help="管理员登录名")
    p.add_argument("--name", required=True, help="管理员姓名")
    p.set_defaults(func=cmd_init)

    from workstation import commands_import

    commands_import.register(sub)

    from workstation import commands_tally

    commands_tally.register(sub)

    from workstation import commands_report

    commands_report.register(sub)

    from workstation import commands_units

    commands_units.register(sub)


_positive = int_in_range(1, 2_000_000, "数量")
