"""A living register for newcomers, screenshots and benchmarks (`workstation demo`).

Requests are spread over ten years up to today, in every state; the newest are
open. Rows are written in bulk (a benchmark asks for 100,000) but with the same
hash-chained events the services write, so `audit verify` passes on a demo file.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from workstation.domain.deadline import Clock, DeadlineEngine, Pause
from workstation.domain.errors import UserError
from workstation.domain.results import RESULTS
from workstation.domain.status import Role, Status
from workstation.services.base import Actor, event_digest, plain, utcnow, writing
from workstation.services.cases import _INTAKE_COLUMNS as INTAKE_COLUMNS
from workstation.services.clock import load_calendar
from workstation.services.search_index import index_rows
from workstation.services.users import create_first_admin, create_user, has_users
from workstation.store.database import Database
from workstation.store.models import (
    Event,
    NumberSequence,
    Request,
    Review,
    Setting,
    User,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕玉兰红梅德明淑珍晓东春生秋菊冬梅文博子涵浩然欣怡思远雨桐"
VILLAGES = ["东风村", "红旗村", "新华村", "胜利村", "和平村", "前进村", "光明村", "向阳村", "团结村", "幸福村"]
ORGS = {
    "commercial": ["某某建筑工程有限公司", "某某房地产开发有限公司", "某某农业科技有限公司", "某某商贸有限责任公司"],
    "research": ["某某大学公共管理学院", "某某省社会科学院", "某某农业科学研究所"],
    "public_interest": ["某某环保公益基金会", "某某志愿者协会"],
    "legal_service": ["某某律师事务所", "某某法律服务所"],
    "other_org": ["某某村股份经济合作社", "某某业主委员会", "某某农民专业合作社"],
}
TOPICS = [
    "{v}{y}年土地征收补偿安置方案及补偿款发放明细",
    "{v}{y}年度村级财务收支公开情况",
    "本镇{y}年农村危房改造补助对象名单及补助标准",
    "{v}宅基地审批的相关批复文件",
    "{y}年本镇道路硬化工程的招标文件和中标结果",
    "本人房屋所在地块的征收决定及征收范围图",
    "{y}年城乡居民最低生活保障对象审批材料",
    "{v}集体土地承包经营权流转合同",
    "本镇{y}年环境保护专项检查报告",
    "{v}拆除违法建筑的行政决定书及送达材料",
    "{y}年度本镇财政预算执行情况",
    "{v}饮用水工程项目立项批复及验收报告",
]
KIND_WEIGHTS = [("natural", 82), ("commercial", 7), ("research", 2), ("public_interest", 2),
                ("legal_service", 4), ("other_org", 3)]
RESULT_WEIGHTS = {
    "disclosed": 38, "partly_disclosed": 12, "withheld.state_secret": 1, "withheld.prohibited_by_law": 1,
    "withheld.security_stability": 1, "withheld.third_party": 3, "withheld.internal_affairs": 2,
    "withheld.process_info": 4, "withheld.enforcement_file": 1, "withheld.query_matter": 1,
    "unavailable.not_held": 14, "unavailable.needs_creation": 4, "unavailable.still_unclear": 2,
    "not_processed.petition": 4, "not_processed.repeated": 3, "not_processed.publication": 1,
    "not_processed.massive": 1, "not_processed.confirmation": 1, "other.no_correction": 2,
    "other.no_fee": 1, "other.other": 3,
}
assert set(RESULT_WEIGHTS) == {r.key for r in RESULTS}

DEMO_LOGINS = (("clerk", "demo123"), ("reviewer", "demo123"), ("head", "demo123"), ("admin", "demo123"))
DEMO_OFFICE = {
    "office.name": "示范县城关镇人民政府",
    "office.address": "示范县城关镇人民路1号",
    "office.phone": "0123-4567890",
    "office.postcode": "123456",
    "office.seal_text": "示范县城关镇人民政府",
    "office.review_body": "示范县人民政府",
    "office.court": "示范县人民法院",
    "numbers.request_prefix": "城政依申",
    "numbers.document_prefix": "城政信复",
}


@dataclass(frozen=True)
class DemoReport:
    cases: int
    events: int
    logins: tuple[tuple[str, str], ...]


def _id_number(rng: random.Random, birth: date) -> str:
    body = f"{rng.choice(['110105', '320102', '430104', '510107'])}{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _credit_code(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91" + rng.choice(["110105", "320102", "430104"]) + "".join(rng.choice(chars[:10] + "ABCDEFGH")
                                                                      for _ in range(9))
    total = sum(chars.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + chars[(31 - total % 31) % 31]


# The setting that marks a register the demo made: only such a register (or an empty one) takes demo data.
DEMO_MARK = "demo.register"


def is_demo_register(db: Database) -> bool:
    """A register the demo made, or an empty one (no users, no requests) that may become one."""
    with db.read() as s:
        if s.get(Setting, DEMO_MARK) is not None:
            return True
        return not s.execute(select(func.count(Request.id))).scalar_one() and not has_users(db)


def ensure_demo_register(db: Database) -> None:
    """Refuse to add sample requests to a real register."""
    if not is_demo_register(db):
        raise UserError("这不是演示数据库:演示数据只能写入新建的空文件或演示程序建立的数据库,"
                        "以免假申请混入真实台账;请用 --db 指定一个新文件。")


def office_credit_code(name: str, kind: str = "乡镇街道") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) for a demo office, the same for the same name: 11 (机关),
    the region 330000 (县直部门 and 乡镇街道 alike), nine characters from the name's hash, the check character."""
    import hashlib

    from workstation.domain.identity import credit_code_check_char

    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    h = int.from_bytes(hashlib.sha256(f"{kind}|{name}".encode()).digest(), "big")
    body = "11330000" + "".join(chars[(h >> (5 * i)) % 31] for i in range(9))
    return body + credit_code_check_char(body)


def demo_office_settings(office: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """The demo office's settings; ``office`` names it (with its own 统一社会信用代码) and ``kind`` its kind."""
    from workstation.domain.exchange import KINDS

    kind = kind or "乡镇街道"
    if kind not in KINDS:
        raise UserError(f"机关类别“{kind}”无效,应为{'、'.join(KINDS)}之一")
    name = (office or "").strip() or DEMO_OFFICE["office.name"]
    values = dict(DEMO_OFFICE)
    if office:
        values.update({"office.name": name, "office.seal_text": name})
    values.update({"office.credit_code": office_credit_code(name, kind), "office.kind": kind})
    return values


def ensure_demo_users(db: Database, office: str | None = None, kind: str | None = None) -> None:
    values = demo_office_settings(office, kind)
    if has_users(db):
        if office or kind:
            with db.read() as s:
                same = all((row := s.get(Setting, k)) is not None and row.value == values[k]
                           for k in ("office.name", "office.kind"))
            if not same:
                raise UserError("这个演示数据库已有机关名称和类别;--office、--kind 只能用于新建的演示数据库。")
        return
    admin = create_first_admin(db, "admin", "管理员", "demo123")
    actor = admin.actor()
    create_user(db, actor, "clerk", "张承办", "demo123", {Role.CLERK})
    create_user(db, actor, "reviewer", "李审核", "demo123", {Role.REVIEWER})
    create_user(db, actor, "head", "王主任", "demo123", {Role.HEAD, Role.REVIEWER})
    with writing(db, actor) as tx:
        for key, value in values.items():
            row = tx.session.get(Setting, key)
            if row is None:
                tx.session.add(Setting(key=key, value=value))
        tx.session.add(Setting(key=DEMO_MARK, value=True))
        tx.event("settings_changed", after=values, note="演示数据")
    db.cache.pop("settings", None)


def fill_demo(db: Database, *, cases: int = 300, today: date | None = None, seed: int = 2026,
              progress: Callable[[int, int], None] | None = None, office: str | None = None,
              kind: str | None = None) -> DemoReport:
    """Add ``cases`` sample requests spread over the ten years up to ``today``; ``office`` and ``kind`` name a new
    demo register's office (else 示范县城关镇人民政府, 乡镇街道), with a valid 统一社会信用代码."""
    today = today or date.today()
    rng = random.Random(seed)
    ensure_demo_users(db, office, kind)
    engine = DeadlineEngine(load_calendar(db))
    settings_prefix = DEMO_OFFICE["numbers.request_prefix"]
    start = date(today.year - 9, 1, 1)
    span = (today - start).days
    # the newest ~60 requests (or 3 %) stay open, in every open state
    n_open = min(cases, max(60, cases * 3 // 100))
    received_days = sorted(start + timedelta(days=int(span * (i / cases) ** 0.9)) for i in range(cases))
    received_days[-n_open:] = sorted(today - timedelta(days=rng.randint(0, 40)) for _ in range(n_open))
    kinds = [k for k, _ in KIND_WEIGHTS]
    kind_w = [w for _, w in KIND_WEIGHTS]
    results = list(RESULT_WEIGHTS)
    result_w = list(RESULT_WEIGHTS.values())
    clerk = Actor(None, "clerk", "张承办", frozenset({Role.CLERK}))
    from workstation.services.review import checklist_items

    no_answers = {item.id: False for item in checklist_items(db)}  # nothing to withhold: 予以公开
    review_rows: list[dict[str, Any]] = []
    events_total = 0
    chunk = 5000
    with writing(db, clerk) as tx:
        s = tx.session
        head = tx.lock_head()  # the events below are chained here
        next_id = (s.execute(select(func.max(Request.id))).scalar() or 0) + 1
        seqs: dict[int, int] = {}
        for row in s.execute(select(NumberSequence).where(NumberSequence.name == "request")).scalars():
            seqs[row.year] = row.last
        req_rows: list[dict[str, Any]] = []
        ev_rows: list[dict[str, Any]] = []
        now = utcnow()
        staff = {u.login: u.id for u in s.execute(select(User).order_by(User.id)).scalars()}
        preparer = staff.get("clerk") or next(iter(staff.values()))
        signer = staff.get("reviewer") or preparer
        for i, received in enumerate(received_days):
            rid = next_id + i
            year = received.year
            seqs[year] = seqs.get(year, 0) + 1
            kind = rng.choices(kinds, kind_w)[0]
            if kind == "natural":
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
                idn = _id_number(rng, date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)))
                legal = None
            else:
                name = rng.choice(ORGS[kind]).replace("某某", rng.choice(["宏达", "恒信", "华安", "明德", "正源"]))
                idn = _credit_code(rng)
                legal = rng.choice(SURNAMES) + rng.choice(GIVEN)
            channel = rng.choices(["in_person", "registered_post", "ordinary_post", "online", "fax"],
                                  [55, 20, 5, 18, 2])[0]
            fact = {"in_person": "handed_in_on", "registered_post": "signed_on"}.get(channel, "confirmed_on")
            content = rng.choice(TOPICS).format(v=rng.choice(VILLAGES), y=rng.randint(year - 5, year))
            is_open = i >= cases - n_open
            clock_pauses: tuple[Pause, ...] = ()
            extension = 0
            status = Status.OPEN
            result_key = None
            closed_on = None
            delivered_on = None
            life: list[tuple[str, date, dict[str, Any]]] = []
            if is_open:
                status = rng.choices([Status.OPEN, Status.CORRECTION, Status.PAUSED, Status.REVIEW, Status.REPLY,
                                      Status.REPLIED], [45, 10, 8, 12, 10, 15])[0]
                if status == Status.CORRECTION:
                    life.append(("correction_requested", received + timedelta(days=2),
                                 {"on": received + timedelta(days=2), "items": "请明确所需信息的名称、文号或年份",
                                  "correct_by": engine.calendar.add_workdays(received + timedelta(days=2), 15),
                                  "status": "correction"}))
                elif status in (Status.REVIEW, Status.REPLY):
                    # reviewed by the clerk (and, waiting for the reply, signed off by the reviewer)
                    on = min(today, received + timedelta(days=5))
                    signed = status == Status.REPLY
                    review_rows.append({
                        "request_id": rid, "answers": no_answers, "notes": None, "proposed_result": "disclosed",
                        "chosen_result": None, "choice_reason": None, "status": "signed" if signed else "submitted",
                        "prepared_by": preparer, "prepared_at": now,
                        "signed_by": signer if signed else None, "signed_at": now if signed else None,
                        "return_reason": None, "self_signoff": False})
                    life.append(("review_submitted", on, {"proposed": "disclosed", "chosen": None,
                                                          "answers_yes": [], "status": "review"}))
                    if signed:
                        life.append(("review_signed", on, {"result": "disclosed", "self_signoff": False,
                                                           "status": "reply"}))
                elif status == Status.PAUSED:
                    on = received + timedelta(days=3)
                    clock_pauses = (Pause(on, None, "third_party"),)
                    life.append(("pause_started", on, {"kind": "third_party", "on": on, "party": "相关权利人",
                                                       "answer_by": engine.calendar.add_workdays(on, 15),
                                                       "resume_status": "open", "status": "paused"}))
            else:
                result_key = rng.choices(results, result_w)[0]
                if rng.random() < 0.06:
                    extension = 20
                d = engine.compute(Clock(received, extension_days=extension), as_of=received, explain=False)
                used = rng.randint(3, 20 + extension)
                closed_on = engine.calendar.add_workdays(received, used)
                if closed_on > today:
                    closed_on = today
                if extension:
                    life.append(("extended", d.original_due - timedelta(days=2),
                                 {"days": 20, "approved_by": "王主任", "approved_on": d.original_due - timedelta(days=2),
                                  "reason": "需要调取档案,工作量较大", "original_due": d.original_due}))
                status = Status.CLOSED
                delivered_on = closed_on
            if status == Status.REPLIED:
                result_key = rng.choices(results[:12], result_w[:12])[0]
                closed_on = max(received, today - timedelta(days=rng.randint(0, 3)))
            d = engine.compute(Clock(received, pauses=clock_pauses, extension_days=extension), as_of=today,
                               explain=False)
            # a reply keeps its due date: on the clock until delivered, then judged against it
            due = None if status in (Status.CORRECTION, Status.PAUSED) else d.due
            number = f"{settings_prefix}〔{year}〕第{seqs[year]:04d}号"
            row = {
                "id": rid, "number": number, "number_year": year, "number_seq": seqs[year], "source": "demo",
                "channel": channel, "handed_in_on": None, "signed_on": None, "confirmed_on": None,
                "received": received, "applicant_kind": kind, "applicant_name": name,
                "id_type": "居民身份证" if kind == "natural" else "统一社会信用代码", "id_number": idn,
                "id_override_reason": None, "legal_representative": legal, "contact_person": None,
                "phone": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                "address": f"示范县城关镇{rng.choice(VILLAGES)}{rng.randint(1, 99)}号", "postcode": "123456",
                "email": None, "content": f"申请公开{content}。", "wanted_form": "paper",
                "delivery": rng.choice(["pickup", "post", "email"]), "oral": False, "fee_waiver_requested": False,
                "notes": None, "status": str(status), "result_key": result_key, "closed_on": closed_on,
                "delivered_on": delivered_on, "due": due, "due_provisional": d.provisional,
                "extended": bool(extension), "created_at": now, "created_by": preparer,
            }
            row[fact] = received
            req_rows.append(row)
            # as the window registers it: the event carries the whole intake, so the row can be replayed
            life.insert(0, ("registered", received, {"number": number, "received": received,
                                                     **{k: row[k] for k in INTAKE_COLUMNS}, "due": d.due}))
            if closed_on:
                label = next(r.label for r in RESULTS if r.key == result_key)
                life.append(("closed", closed_on, {"status": "replied" if status == Status.REPLIED else "closed",
                                                   "result_key": result_key, "result": label,
                                                   "closed_on": closed_on, **_reply_details(result_key, received)}))
            if delivered_on:
                life.append(("delivered", delivered_on, {"on": delivered_on, "method": "in_person",
                                                         "method_label": "直接送达(当面签收)",
                                                         "counting_on": delivered_on, "counting_basis": "签收之日",
                                                         "signed_by": name, "due": due,
                                                         "on_time": delivered_on <= due}))
            for action, on, after in life:
                ev = Event(seq=head.seq + 1, request_id=rid, at=now, actor_id=None, actor="张承办 (演示)",
                           action=action, effective_on=on, before=None, after=plain(after), note=None,
                           prev_hash=head.last_hash)
                ev.hash = event_digest(ev)
                head.seq, head.last_hash = ev.seq, ev.hash
                ev_rows.append({c: getattr(ev, c) for c in ("seq", "request_id", "at", "actor_id", "actor", "action",
                                                            "effective_on", "before", "after", "note",
                                                            "prev_hash", "hash")})
            if len(req_rows) >= chunk:
                s.execute(insert(Request), req_rows)
                index_rows(s, req_rows)
                s.execute(insert(Event), ev_rows)
                events_total += len(ev_rows)
                req_rows, ev_rows = [], []
                if progress:
                    progress(i + 1, cases)
        if req_rows:
            s.execute(insert(Request), req_rows)
            index_rows(s, req_rows)
            s.execute(insert(Event), ev_rows)
            events_total += len(ev_rows)
        if review_rows:
            s.execute(insert(Review), review_rows)
        for year, last in seqs.items():
            row = s.get(NumberSequence, ("request", year))
            if row is None:
                s.add(NumberSequence(name="request", year=year, last=last))
            else:
                row.last = last
        if s.get_bind().dialect.name == "postgresql":  # rows inserted with their ids: move the id sequences on
            from sqlalchemy import text

            for table in (Request.__tablename__, Review.__tablename__):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        if progress:
            progress(cases, cases)
    return DemoReport(cases, events_total, DEMO_LOGINS)


def _reply_details(result_key: str | None, received: date) -> dict[str, Any]:
    """What a demo reply states besides its result: the reasons its result must give (domain.reply_reasons)."""
    earlier = received - timedelta(days=70)
    details: dict[str, dict[str, Any]] = {
        "disclosed": {"provision_form": "paper", "provision_way": "pickup",
                      "provision_place": "示范县城关镇人民政府便民服务中心政务公开窗口",
                      "provision_time": "自收到本告知书之日起10个工作日内的工作时间",
                      "materials": ["所申请文件的复印件(加盖本机关印章)"]},
        "partly_disclosed": {"withheld_part": "涉及第三方个人信息的部分(姓名、身份证号码、联系电话)",
                             "withheld_ground": "third_party",
                             "withheld_reason": "上述个人信息涉及个人隐私,权利人不同意公开,公开会对其合法权益造成损害",
                             "provision_form": "paper", "provision_way": "pickup",
                             "materials": ["遮盖个人信息后的所申请文件复印件"]},
        "withheld.prohibited_by_law": {"prohibiting_law": "《中华人民共和国统计法》第二十五条"},
        "withheld.security_stability": {"harm": "该资料标明饮用水水源地取水口及防护设施的具体位置,公开后可能被用于破坏供水设施,"
                                                "危及公共安全"},
        "withheld.third_party": {"third_party_objection": "第三方书面答复不同意公开,理由是该资料含有其投标报价和技术方案等商业秘密",
                                 "weighing": "该信息不涉及重大公共利益,不公开不会对公共利益造成重大影响"},
        "withheld.query_matter": {"governing_law": "《不动产登记暂行条例》"},
        "not_processed.repeated": {"earlier_number": f"{DEMO_OFFICE['numbers.request_prefix']}〔{earlier.year}〕第0001号",
                                   "earlier_received": earlier, "earlier_replied_on": earlier + timedelta(days=14),
                                   "earlier_doc_number": f"{DEMO_OFFICE['numbers.document_prefix']}〔{earlier.year}〕1号",
                                   "earlier_result": "予以公开"},
        "other.other": {"other_reason": "您的申请实为咨询政策如何适用,所要求的内容不是本机关已制作或者获取并记录、保存的政府信息",
                        "basis": "《中华人民共和国政府信息公开条例》第二条"},
    }
    return details.get(result_key or "", {})
