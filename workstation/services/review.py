"""Review (保密审查 and the other checks), sign-off, reply, delivery (送达) and appeals.

The handling clerk (承办人) answers the checklist; the program proposes the
result; a reviewer (审核人), another person, signs off or sends it back. The
reply closes the case with exactly one result; delivery ends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from workstation.domain.deadline import (  # DELIVERY_METHODS and POSTAL_CARRIERS: for the screens too
    COUNTING_BASIS,
    DELIVERY_METHODS,
    NON_POSTAL,
    NON_POSTAL_RULE,
    POSTAL_CARRIERS,
    Delivered,
)
from workstation.domain.errors import UserError
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Role, Status
from workstation.services.base import Actor, office_settings, require, utcnow, writing
from workstation.services.case_records import CaseSummary, close_request, step, summary, today_or
from workstation.services.cases import CASE_ROLES, PauseStarted, pause_in
from workstation.store.database import Database
from workstation.store.models import Appeal, Review


def _checklist(db: Database) -> Any:
    from pathlib import Path

    from workstation.domain.checklist import load_checklist

    cached = db.cache.get("checklist")
    if cached is None:
        extra = office_settings(db).extra_checklist
        cached = load_checklist(extra=Path(extra) if extra else None)
        db.cache["checklist"] = cached
    return cached


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    request_id: int
    status: str  # submitted | signed | returned
    answers: dict[str, bool]
    notes: str
    proposed_result: str | None
    chosen_result: str | None
    choice_reason: str
    basis: str
    because: tuple[str, ...]
    prepared_by: str
    prepared_at: str
    signed_by: str
    signed_at: str
    return_reason: str
    self_signoff: bool
    third_party_pause: PauseStarted | None = None

    @property
    def result_key(self) -> str | None:
        return self.chosen_result or self.proposed_result


def _user_name(session: Any, user_id: int | None) -> str:
    from workstation.store.models import User

    if user_id is None:
        return ""
    user = session.get(User, user_id)
    return user.display_name if user else ""


def _info(session: Any, rv: Review, pause: PauseStarted | None = None, db: Database | None = None) -> ReviewInfo:
    basis, because = "", ()
    if db is not None and rv.answers:
        from workstation.domain.checklist import propose

        proposal = propose(_checklist(db), rv.answers)
        basis, because = proposal.basis, tuple(proposal.because)
    if rv.chosen_result and rv.chosen_result != rv.proposed_result:
        basis = RESULTS_BY_KEY[rv.chosen_result].basis
    return ReviewInfo(
        rv.id, rv.request_id, rv.status, dict(rv.answers), rv.notes or "", rv.proposed_result, rv.chosen_result,
        rv.choice_reason or "", basis, because, _user_name(session, rv.prepared_by),
        rv.prepared_at.strftime("%Y-%m-%d %H:%M"), _user_name(session, rv.signed_by),
        rv.signed_at.strftime("%Y-%m-%d %H:%M") if rv.signed_at else "", rv.return_reason or "", rv.self_signoff,
        pause,
    )


def propose_result(db: Database, answers: dict[str, bool]) -> Any:
    """The proposal for a set of answers (for the dialog to show before submitting)."""
    from workstation.domain.checklist import propose

    return propose(_checklist(db), answers)


@dataclass(frozen=True)
class Consultation:
    """A third party asked (Art. 32) and the clock resumed: its answer is on record for the review."""

    party: str
    started: date
    ended: date
    answer: str  # what the clerk noted when the clock resumed (the third party's opinion)

    def sentence(self) -> str:
        return (f"已于{self.started.isoformat()}征求第三方{('(' + self.party + ')') if self.party else ''}意见,"
                f"{self.ended.isoformat()}恢复计时" + (f";第三方意见:{self.answer}" if self.answer else ""))


def _consultation(session: Any, case_id: int) -> Consultation | None:
    """The latest finished third-party consultation of a request, if any."""
    from workstation.store.models import Event

    rows = session.execute(select(Event.action, Event.after, Event.note).where(
        Event.request_id == case_id, Event.action.in_(("pause_started", "pause_ended"))).order_by(Event.seq)).all()
    found, started = None, None
    for action, after, note in rows:
        after = after or {}
        if action == "pause_started":
            started = after if after.get("kind") == "third_party" else None
        elif started is not None:
            found = Consultation(str(started.get("party") or ""), date.fromisoformat(started["on"]),
                                 date.fromisoformat(after["on"]), (note or "").strip())
            started = None
    return found


def third_party_on_record(db: Database, case_id: int) -> Consultation | None:
    with db.read() as s:
        return _consultation(s, case_id)


def checklist_items(db: Database) -> list[Any]:
    return list(_checklist(db).items)


def submit_review(db: Database, actor: Actor, case_id: int, answers: dict[str, bool], *, notes: str = "",
                  chosen_result: str | None = None, choice_reason: str = "", third_party: str = "",
                  on: date | None = None, today: date | None = None) -> ReviewInfo:
    """The handling clerk submits the answered checklist for sign-off.

    A yes to the third-party item starts the third-party pause (Art. 32) in the same transaction, unless
    the third party was already asked (a finished third-party pause): then that consultation is used.
    """
    from workstation.domain.checklist import propose

    require(actor, *CASE_ROLES, action="提交审查")
    today = today_or(today)
    checklist = _checklist(db)
    known = {item.id for item in checklist.items}
    unknown = set(answers) - known
    if unknown:
        raise UserError(f"审查表中没有这些项目:{'、'.join(sorted(unknown))}")
    missing = known - set(answers)
    if missing:
        raise UserError(f"还有 {len(missing)} 个审查项目没有回答", field="answers")
    proposal = propose(checklist, answers)
    if chosen_result is not None:
        if chosen_result not in RESULTS_BY_KEY:
            raise UserError(f"未知的办理结果:{chosen_result}", field="result")
        if chosen_result != proposal.result_key and not choice_reason.strip():
            raise UserError("所选结果与审查建议不同,请说明理由", field="choice_reason")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "review")
        asked = _consultation(tx.session, r.id) if proposal.consult_third_party else None
        rv = Review(request_id=r.id, answers=dict(answers), notes=notes.strip() or None,
                    proposed_result=proposal.result_key, chosen_result=chosen_result,
                    choice_reason=choice_reason.strip() or None, status="submitted", prepared_by=actor.id,
                    prepared_at=utcnow())
        tx.session.add(rv)
        tx.session.flush()
        before = {"status": r.status}
        r.status = Status.REVIEW
        tx.event("review_submitted", request_id=r.id, before=before,
                 after={"review_id": rv.id, "proposed": proposal.result_key, "chosen": chosen_result,
                        "answers_yes": sorted(k for k, v in answers.items() if v), "status": r.status},
                 note="\n".join(t for t in (notes.strip(), asked.sentence() if asked else "") if t) or None)
        pause = None
        if proposal.consult_third_party and asked is None:
            # resumes into review: once the third party answered, the review waits for sign-off
            pause = pause_in(tx, r, "third_party", on or today, party=third_party, today=today,
                             note="审查认为涉及第三方合法权益,征询第三方意见")
        return _info(tx.session, rv, pause, db)


def latest_review(db: Database, case_id: int) -> ReviewInfo | None:
    with db.read() as s:
        rv = s.execute(select(Review).where(Review.request_id == case_id).order_by(Review.id.desc())
                       .limit(1)).scalar_one_or_none()
        return _info(s, rv, None, db) if rv else None


def _pending(tx: Any, case_id: int) -> Review:
    rv = tx.session.execute(select(Review).where(Review.request_id == case_id, Review.status == "submitted")
                            .order_by(Review.id.desc()).limit(1)).scalar_one_or_none()
    if rv is None:
        raise UserError("本申请没有待审核的审查")
    return rv


def sign_off(db: Database, actor: Actor, case_id: int, *, today: date | None = None) -> ReviewInfo:
    """The reviewer signs off; the same person who prepared it may not, unless the office allows it."""
    require(actor, Role.REVIEWER, Role.HEAD, action="审核签发")
    allow_self = office_settings(db).allow_self_signoff
    with writing(db, actor) as tx:
        r = step(tx, case_id, "signoff")
        rv = _pending(tx, case_id)
        same = rv.prepared_by == actor.id
        if same and not allow_self:
            raise UserError("承办人和审核人不能是同一人。单人机关可在“设置”中允许同一人承办并审核。")
        rv.status, rv.signed_by, rv.signed_at, rv.self_signoff = "signed", actor.id, utcnow(), same
        before = {"status": r.status}
        r.status = Status.REPLY
        tx.event("review_signed", request_id=r.id, before=before,
                 after={"review_id": rv.id, "result": rv.chosen_result or rv.proposed_result,
                        "self_signoff": same, "status": r.status},
                 note="单人机关:承办人自行审核" if same else None)
        return _info(tx.session, rv, None, db)


def send_back(db: Database, actor: Actor, case_id: int, reason: str) -> ReviewInfo:
    require(actor, Role.REVIEWER, Role.HEAD, action="退回审查")
    if not reason.strip():
        raise UserError("请填写退回理由", field="reason")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "send_back")
        rv = _pending(tx, case_id)
        rv.status, rv.return_reason, rv.signed_by, rv.signed_at = "returned", reason.strip(), actor.id, utcnow()
        before = {"status": r.status}
        r.status = Status.OPEN
        tx.event("review_returned", request_id=r.id, before=before,
                 after={"review_id": rv.id, "status": r.status}, note=reason.strip())
        return _info(tx.session, rv, None, db)


# --- reply -------------------------------------------------------------------------------
PROVISION_FORMS = {"paper": "纸质", "electronic": "电子文本", "disc": "光盘", "other": "其他"}


@dataclass(frozen=True)
class ReplyData:
    """What the reply notice states besides the result (the slots of domain.reply_reasons)."""

    result_key: str
    on: date
    basis: str = ""
    provision_form: str = ""  # how the information is provided (form)
    provision_way: str = ""  # how it reaches the applicant (way, a key of DELIVERY_WAYS)
    provision_place: str = ""  # 予以公开: where (postal address, e-mail, the room to collect or read it)
    provision_time: str = ""  # 予以公开: when
    materials: tuple[str, ...] = ()  # 予以公开: the documents released, one each
    published_at: str = ""  # 已主动公开: where to find it
    withheld_part: str = ""  # 部分公开: what is withheld
    withheld_ground: str = ""  # 部分公开: a key of WITHHELD_GROUNDS
    withheld_reason: str = ""  # 部分公开: the specific reason
    prohibiting_law: str = ""  # 不予公开·法律行政法规禁止: the law and article
    harm: str = ""  # 不予公开·三安全一稳定: the concrete harm, in a sentence
    third_party_objection: str = ""  # 不予公开·第三方: what the third party answered
    weighing: str = ""  # 不予公开·第三方: why withholding does not hurt the public interest much
    governing_law: str = ""  # 行政查询事项: the law whose procedure governs access
    not_responsible: bool = False  # 非本机关负责公开 (Art. 36(5)), recorded under 本机关不掌握
    not_responsible_reason: str = ""
    responsible_body: str = ""  # 非本机关负责公开: who is, where known
    responsible_contact: str = ""
    earlier_request_id: int | None = None  # 重复申请: the earlier request, picked from the register
    earlier_doc_number: str = ""  # 重复申请: its reply's 文号 when the register holds no notice for it
    other_reason: str = ""  # 其他处理·其他: the specific reason
    reason: str = ""  # why the result differs from the reviewed one


_TEXT_SLOTS = ("provision_place", "provision_time", "published_at", "withheld_part", "withheld_reason",
               "prohibiting_law", "harm", "third_party_objection", "weighing", "governing_law",
               "not_responsible_reason", "responsible_body", "responsible_contact", "other_reason")


def _earlier(tx: Any, r: Any, data: ReplyData) -> dict[str, Any]:
    """The earlier request a 重复申请 reply names: its number, its reply's 文号 and date."""
    from workstation.services.repeats import Applicant, same_applicant
    from workstation.store.models import Document, Request

    if data.earlier_request_id is None:
        return {}
    earlier = tx.session.get(Request, data.earlier_request_id)
    if earlier is None or earlier.id == r.id:
        raise UserError("请从登记簿中选择此前已答复的另一件申请", field="earlier_request")
    if not same_applicant(Applicant(r.applicant_name, r.id_number or "", r.phone or ""), earlier):
        raise UserError(f"{earlier.number} 不是同一申请人提出的,不能作为重复申请的依据", field="earlier_request")
    if earlier.result_key is None or earlier.closed_on is None or earlier.closed_on > data.on:
        raise UserError(f"{earlier.number} 在本次答复前尚未答复,不能作为重复申请的依据", field="earlier_request")
    number = tx.session.execute(select(Document.number).where(Document.request_id == earlier.id,
                                                              Document.kind == "reply")
                                .order_by(Document.id.desc()).limit(1)).scalar_one_or_none()
    return {"earlier_request_id": earlier.id, "earlier_number": earlier.number,
            "earlier_received": earlier.received, "earlier_replied_on": earlier.closed_on,
            "earlier_result": RESULTS_BY_KEY[earlier.result_key].label,
            "earlier_doc_number": number or data.earlier_doc_number.strip()}


def stated_values(details: dict[str, Any]) -> dict[str, Any]:
    """A reply's stored details as domain.reply_reasons checks them (the earlier request by its number)."""
    return {**details, "earlier_request": details.get("earlier_number", "")}


def reply(db: Database, actor: Actor, case_id: int, data: ReplyData, *, today: date | None = None) -> CaseSummary:
    """Reply with exactly one result: the case closes on that date (counts in that period's tally).

    A reply needs a signed-off review; a result different from the reviewed one needs a reason;
    each result needs the reasons Art. 36/37 make it state (domain.reply_reasons).
    """
    from workstation.domain.reply_reasons import is_not_responsible, sentence, slot_errors
    from workstation.services.base import ValidationError

    require(actor, *CASE_ROLES, action="答复")
    today = today_or(today)
    if data.result_key not in RESULTS_BY_KEY:
        raise UserError("请选择办理结果", field="result")
    if data.on > today:
        raise UserError("答复日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "reply")
        rv = tx.session.execute(select(Review).where(Review.request_id == r.id, Review.status == "signed")
                                .order_by(Review.id.desc()).limit(1)).scalar_one_or_none()
        if rv is None:
            raise UserError("尚未完成审查(需审核人签发)后才能答复")
        reviewed = rv.chosen_result or rv.proposed_result
        if data.result_key != reviewed and not data.reason.strip():
            raise UserError("答复结果与审查结论不同,请说明理由", field="reason")
        texts = {name: sentence(getattr(data, name)) for name in _TEXT_SLOTS}
        stated: dict[str, Any] = {
            **texts, "basis": data.basis.strip() or RESULTS_BY_KEY[data.result_key].basis,
            "provision_form": data.provision_form, "provision_way": data.provision_way,
            "materials": [m.strip() for m in data.materials if m.strip()],
            "withheld_ground": data.withheld_ground, **_earlier(tx, r, data)}
        if data.result_key == "other.other" and not data.basis.strip():
            stated["basis"] = ""
        stated["not_responsible"] = is_not_responsible(data.result_key, {**stated,
                                                                          "not_responsible": data.not_responsible})
        errors = slot_errors(data.result_key, stated_values(stated))
        if errors:
            raise ValidationError(errors)
        extra = {k: v for k, v in {**stated, "review_id": rv.id, "reviewed_result": reviewed}.items() if v}
        return close_request(tx, r, data.result_key, data.on, status=Status.REPLIED, note=data.reason.strip() or None,
                      extra=extra)


def release_materials(db: Database, case_id: int) -> list[str]:
    """The names of the files the review set aside for release (待公开材料), oldest first."""
    from workstation.store.models import Attachment

    with db.read() as s:
        return list(s.execute(select(Attachment.filename).where(Attachment.request_id == case_id,
                                                                Attachment.purpose == "release")
                              .order_by(Attachment.id)).scalars())


def reply_details(db: Database, case_id: int) -> dict[str, Any]:
    """The reply's stated details (from the closing event), for the notice."""
    from workstation.store.models import Event

    with db.read() as s:
        after = s.execute(select(Event.after).where(Event.request_id == case_id, Event.action == "closed")
                          .order_by(Event.seq.desc()).limit(1)).scalar_one_or_none()
    return dict(after or {})


# --- delivery (送达) ------------------------------------------------------------------------
def deliver(db: Database, actor: Actor, case_id: int, method: str, on: date, *, tracking_no: str = "",
            carrier: str = "", signed_by: str = "", body: str = "", email: str = "", override_reason: str = "",
            note: str = "", today: date | None = None) -> CaseSummary:
    """Record how the reply reached the applicant and the day that counts (国办公开办函〔2016〕235号).

    ``on`` is the counting date: the day signed for (直接送达, 委托送达 — ``body`` is the body that
    delivered it), the day handed to the post (邮寄送达, through ``carrier``), or the day sent (电子邮件).
    Post by a courier that is not 邮政企业 is recorded only with ``override_reason``. The case is then
    finished (已办结) and judged on time or late against its due date.
    """
    from workstation.services.clock import clock_of, deadline_engine

    require(actor, *CASE_ROLES, action="登记送达")
    today = today_or(today)
    if method not in DELIVERY_METHODS:
        raise UserError("请选择送达方式", field="method")
    basis = COUNTING_BASIS[method]
    if on > today:
        raise UserError(f"{basis.removesuffix('之日')}日期不能晚于今天", field="on")
    if method == "post":
        if not tracking_no.strip():
            raise UserError("邮寄送达的,请填写邮件单号", field="tracking_no")
        if carrier not in POSTAL_CARRIERS:
            raise UserError("邮寄送达的,请选择寄递企业", field="carrier")
        if carrier == NON_POSTAL and not override_reason.strip():
            raise UserError(NON_POSTAL_RULE + "如已交其他快递企业寄出,请写明快递企业名称和原因。",
                            field="override_reason")
    if method in ("in_person", "entrusted") and not signed_by.strip():
        raise UserError("请填写签收人(申请人或其法定代理人)", field="signed_by")
    if method == "entrusted" and not body.strip():
        raise UserError("委托送达的,请填写代为送达的机关", field="body")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "deliver")
        if on < r.closed_on:
            raise UserError(f"{basis.removesuffix('之日')}日期不能早于答复日期", field="on")
        label = DELIVERY_METHODS[method]
        if method == "post":
            label += f"({POSTAL_CARRIERS[carrier]})"
        elif method == "entrusted":
            label += f"({body.strip()}代为送达)"
        clock = clock_of(db, tx.session, r)
        d = deadline_engine(db).compute(clock, as_of=on, explain=False)
        judged = deadline_engine(db).judge(d.due, Delivered(method, on))
        r.delivered_on = on
        r.due = d.due
        r.status = Status.CLOSED
        after: dict[str, Any] = {
            "method": method, "method_label": label, "on": on, "counting_on": on, "counting_basis": basis,
            "carrier": carrier if method == "post" else "", "tracking_no": tracking_no.strip(),
            "body": body.strip(), "signed_by": signed_by.strip(), "email": email.strip(), "due": d.due,
            "on_time": judged.on_time, "late_days": judged.late_days or None, "status": r.status}
        tx.event("delivered", request_id=r.id, before={"status": Status.REPLIED},
                 after={k: v for k, v in after.items() if v not in ("", None)},  # only what this way records
                 effective_on=on, note="; ".join(x for x in (override_reason.strip(), note.strip()) if x) or None)
        return summary(r)


# --- appeals (行政复议 / 行政诉讼) ---------------------------------------------------------------
APPEAL_KINDS = {"review": "行政复议", "litigation_direct": "行政诉讼(未经复议直接起诉)",
                "litigation_after_review": "行政诉讼(复议后起诉)"}
APPEAL_RESULTS = {"upheld": "维持", "corrected": "纠正", "other": "其他结果"}


@dataclass(frozen=True)
class AppealInfo:
    id: int
    request_id: int
    kind: str
    filed_on: date
    body: str
    result: str | None
    result_on: date | None
    note: str

    @property
    def label(self) -> str:
        return APPEAL_KINDS[self.kind]

    @property
    def result_label(self) -> str:
        return APPEAL_RESULTS.get(self.result or "", "尚未审结")


def _appeal_info(a: Appeal) -> AppealInfo:
    return AppealInfo(a.id, a.request_id, a.kind, a.filed_on, a.body or "", a.result, a.result_on, a.note or "")


def record_appeal(db: Database, actor: Actor, case_id: int, kind: str, filed_on: date, *, body: str = "",
                  note: str = "", today: date | None = None) -> AppealInfo:
    require(actor, *CASE_ROLES, action="登记复议或诉讼")
    today = today_or(today)
    if kind not in APPEAL_KINDS:
        raise UserError("请选择类型:行政复议、行政诉讼(未经复议直接起诉)或行政诉讼(复议后起诉)", field="kind")
    if filed_on > today:
        raise UserError("申请或起诉日期不能晚于今天", field="filed_on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "appeal")
        if filed_on < r.received:
            raise UserError("申请或起诉日期不能早于收到政府信息公开申请的日期", field="filed_on")
        a = Appeal(request_id=r.id, kind=kind, filed_on=filed_on, body=body.strip() or None, note=note or None)
        tx.session.add(a)
        tx.session.flush()
        tx.event("appeal_recorded", request_id=r.id, after={"appeal_id": a.id, "kind": kind, "filed_on": filed_on,
                                                             "body": body.strip()}, effective_on=filed_on)
        return _appeal_info(a)


def set_appeal_result(db: Database, actor: Actor, appeal_id: int, result: str, result_on: date, *,
                      note: str = "", today: date | None = None) -> AppealInfo:
    require(actor, *CASE_ROLES, action="登记复议或诉讼结果")
    today = today_or(today)
    if result not in APPEAL_RESULTS:
        raise UserError("请选择结果:维持、纠正或其他结果", field="result")
    if result_on > today:
        raise UserError("结果日期不能晚于今天", field="result_on")
    with writing(db, actor) as tx:
        a = tx.session.get(Appeal, appeal_id)
        if a is None:
            raise UserError("找不到这条复议或诉讼记录")
        if result_on < a.filed_on:
            raise UserError("结果日期不能早于申请或起诉日期", field="result_on")
        before = {"result": a.result, "result_on": a.result_on}
        a.result, a.result_on = result, result_on
        if note:
            a.note = note
        tx.event("appeal_updated", request_id=a.request_id, before=before,
                 after={"appeal_id": a.id, "result": result, "result_on": result_on}, effective_on=result_on)
        return _appeal_info(a)


def appeals_of(db: Database, case_id: int) -> list[AppealInfo]:
    with db.read() as s:
        return [_appeal_info(a) for a in s.execute(select(Appeal).where(Appeal.request_id == case_id)
                                                   .order_by(Appeal.filed_on)).scalars()]
