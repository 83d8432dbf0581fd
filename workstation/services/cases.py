"""Use cases on a request (the case): register, correct, pause, extend, withdraw, close.

Each function takes the acting user, checks the role, writes the change and its
audit event in one transaction, and returns plain data. Due dates always come
from the deadline engine, recomputed from the case's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.calendar import WorkCalendar
from workstation.domain.case_actions import (
    CASE_ROLES,
    allowed_actions,
    ending_result_reason,
)
from workstation.domain.deadline import (
    LETTER_WAYS,
    Deadline,
    Delivered,
    LetterPeriod,
    Timeliness,
    letter_period,
)
from workstation.domain.errors import UserError
from workstation.domain.handover import OFFICE_ONLY
from workstation.domain.intake import IntakeData, received_date, validate_intake
from workstation.domain.numbers import format_number
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Role, Status
from workstation.services.access import check_reach
from workstation.services.base import (
    Actor,
    PermissionDenied,
    Tx,
    ValidationError,
    office_settings,
    require,
    utcnow,
    writing,
)
from workstation.services.case_records import (
    CaseSummary,
    close_request,
    facts_of,
    get_open,
    get_request,
    issuable_documents,
    mask_id_number,
    step,
    summary,
    today_or,
)
from workstation.services.clock import clock_of, deadline_engine, load_calendar, refresh_due
from workstation.settings import SETTINGS, OfficeSettings
from workstation.store.database import Database
from workstation.store.models import Event, Request


@dataclass(frozen=True)
class Registered:
    case: CaseSummary
    deadline: Deadline


# --- the deadline (the clock itself is services/clock.py) ---------------------------------
def deadline(db: Database, case_id: int, *, as_of: date | None = None, explain: bool = True) -> Deadline:
    with db.read() as s:
        r = get_request(s, case_id)
        clock = clock_of(db, s, r)
        engine = deadline_engine(db, s)  # the calendar's version read in the same session
    if as_of is not None:
        end = as_of
    elif r.delivered_on is not None:
        end = r.delivered_on
    elif r.closed_on is not None and r.status != Status.REPLIED:
        end = r.closed_on
    else:  # open, or replied and still to be delivered: the clock runs until delivery
        end = date.today()
    return engine.compute(clock, as_of=max(end, r.received), explain=explain)


def explanation_context(db: Database, session: Session, r: Request, issue_date: date) -> dict[str, Any]:
    """What the 办理时限计算说明 prints: the engine's day-by-day count and how the case ended, as data."""
    from workstation.domain.deadline import DELIVERY_METHODS, cn_date

    clock = clock_of(db, session, r)
    if r.delivered_on is not None:
        as_of = r.delivered_on
    elif r.closed_on is not None and r.status != Status.REPLIED:
        as_of = r.closed_on
    else:
        as_of = issue_date
    d = deadline_engine(db).compute(clock, as_of=max(as_of, r.received))
    counted = [span for span in d.explanation if span.counted]
    events = {e.action: dict(e.after or {}) for e in session.execute(
        select(Event).where(Event.request_id == r.id, Event.action.in_(("extended", "manual_due_set", "delivered")))
        .order_by(Event.seq)).scalars()}
    ext = events.get("extended")
    manual = events.get("manual_due_set")
    delivered = events.get("delivered")

    def when(span: Any) -> str:
        return cn_date(span.first) if span.first == span.last else f"{cn_date(span.first)}至{cn_date(span.last)}"

    def what(span: Any) -> str:
        return span.text().split(":", 1)[1]  # the count or the reason, after the dates

    return {
        "received": d.received, "start": d.start if d.start != d.received else None,
        "day1": counted[0].first if counted else None,
        "reply_days": clock.reply_days, "total_days": d.total_days, "original_due": d.original_due,
        "due": d.due, "provisional": d.provisional, "manual": d.manual,
        "manual_reason": (manual or {}).get("reason", ""),
        "extension": {"days": ext.get("days"), "approved_by": ext.get("approved_by", ""),
                      "approved_on": _iso_date(ext.get("approved_on")), "reason": ext.get("reason", "")}
        if ext else None,
        "pauses": [{"label": p.label, "start": p.start, "end": p.end} for p in clock.pauses],
        "letters": [x.label + ":" + x.text() for x in reversed(_letters(db, session, r))],
        "spans": [{"when": when(span), "what": what(span), "counted": span.counted} for span in d.explanation],
        "replied_on": r.closed_on if r.result_key else None,
        "delivery": {"method": DELIVERY_METHODS.get(delivered.get("method", ""), delivered.get("method_label", "")),
                     "basis": d.timeliness.basis if d.timeliness else "", "on": r.delivered_on}
        if delivered and r.delivered_on else None,
        "verdict": d.timeliness.text() if d.timeliness else "",
        "on_time": d.timeliness.on_time if d.timeliness else None,
        "as_of": d.as_of, "used": d.used, "left": d.left,
        "awaiting_delivery": r.status == Status.REPLIED,
        "open": r.closed_on is None,
    }


def _iso_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def judge_delivery(db: Database, case_id: int, method: str, on: date) -> Timeliness:
    """On time or late if the delivery counted on ``on`` (the delivery dialog shows it before recording)."""
    d = deadline(db, case_id, as_of=on, explain=False)
    return deadline_engine(db).judge(d.due, Delivered(method, on))


@dataclass(frozen=True)
class CaseState:
    """The case's state-machine view for one user: each step allowed ("") or why not, and the documents that fit."""

    allowed: dict[str, str]
    documents: list[str]


def state_of(db: Database, case_id: int, actor: Actor) -> CaseState:
    """What the case view offers: the same answers the services give when the step is tried."""
    with db.read() as s:
        check_reach(s, actor, case_id)
        r = get_request(s, case_id)
        facts = facts_of(s, r)
        return CaseState(allowed_actions(facts, actor.roles, in_unit=actor.in_unit),
                         issuable_documents(s, r, facts))


def find_by_number(db: Database, number: str, *, viewer: Actor | None = None) -> CaseSummary:
    with db.read() as s:
        r = s.execute(select(Request).where(Request.number == number.strip())).scalar_one_or_none()
        if r is None:
            raise UserError(f"找不到受理编号为“{number}”的申请")
        check_reach(s, viewer, r.id)
        return summary(r)


def get_case(db: Database, case_id: int) -> CaseSummary:
    with db.read() as s:
        return summary(get_request(s, case_id))


# --- register ---------------------------------------------------------------------
_INTAKE_COLUMNS = (
    "channel", "handed_in_on", "signed_on", "confirmed_on", "applicant_kind", "applicant_name", "id_type",
    "id_number", "id_override_reason", "legal_representative", "contact_person", "phone", "address",
    "postcode", "email", "content", "wanted_form", "delivery", "oral", "fee_waiver_requested",
)


def register(db: Database, actor: Actor, data: IntakeData, *, today: date | None = None,
             source: str = "window") -> Registered:
    """Register a request: validate, derive the received date, number it, and start its clock."""
    require(actor, *CASE_ROLES, action="登记申请")
    if actor.in_unit:
        raise PermissionDenied("承办单位不在窗口登记申请;申请由办公室登记后转办")
    today = today_or(today)
    data = data.cleaned()
    errors = validate_intake(data, today)
    if errors:
        raise ValidationError(errors)
    received = received_date(data)
    assert received is not None  # validate_intake demands the channel's fact
    settings = office_settings(db)
    with writing(db, actor) as tx:
        from workstation.services.locks import check_not_locked

        check_not_locked(tx.session, [received], what=f"登记收到日期为{received.isoformat()}的申请")
        year = received.year
        # the number is taken last, with the audit chain's head: numbering and the chain are one short turn
        # before commit (each registration waits for the one before; nobody waits for its computing)
        r = Request(number=f"登记中-{uuid4().hex}", number_year=year, number_seq=None, source=source,
                    received=received, status=Status.OPEN, created_at=utcnow(), created_by=actor.id,
                    notes=data.notes or None, **{k: getattr(data, k) or None for k in _INTAKE_COLUMNS
                                                  if k not in ("oral", "fee_waiver_requested")})
        r.oral, r.fee_waiver_requested = data.oral, data.fee_waiver_requested
        r.applicant_name, r.content = data.applicant_name, data.content
        tx.session.add(r)
        tx.session.flush()
        d = refresh_due(tx, r, today)
        tx.lock_head()
        seq = tx.next_number("request", year)
        number = format_number(settings.request_pattern, settings.request_prefix, year, seq,
                               label=SETTINGS["numbers.request_pattern"].label)
        r.number, r.number_seq = number, seq
        after = {k: getattr(r, k) for k in _INTAKE_COLUMNS}
        after.update(number=number, received=received, due=d.due, provisional=d.provisional)
        tx.event("registered", request_id=r.id, after=after, effective_on=received,
                 note=data.id_override_reason and f"证件号码校验不符,理由:{data.id_override_reason}")
        return Registered(summary(r), d)


def intake_of(db: Database, case_id: int, *, viewer: Actor) -> IntakeData:
    """The registration data of a case, as the intake form shows it; the ID number masked unless
    ``viewer`` may reveal it (services/privacy.py)."""
    from workstation.services.privacy import may_reveal_ids

    require(viewer, *Role, action="查看登记信息")
    with db.read() as s:
        check_reach(s, viewer, case_id)
        r = get_request(s, case_id)
        values = {k: getattr(r, k) for k in _INTAKE_COLUMNS}
    if values["id_number"] and not may_reveal_ids(viewer):
        values["id_number"] = mask_id_number(values["id_number"])
    return IntakeData(**{k: (v if v is not None else ("" if k not in ("handed_in_on", "signed_on", "confirmed_on") else None))
                         for k, v in values.items()})


def correct_registration(db: Database, actor: Actor, case_id: int, data: IntakeData, reason: str,
                         *, today: date | None = None) -> CaseSummary:
    """Correct registration data; the old and new values and the reason are kept in the event."""
    require(actor, *CASE_ROLES, action="更正登记信息")
    if not reason.strip():
        raise UserError("请填写更正原因", field="reason")
    today = today_or(today)
    data = data.cleaned()
    errors = validate_intake(data, today)
    if errors:
        raise ValidationError(errors)
    if actor.in_unit:
        raise PermissionDenied(OFFICE_ONLY)
    with writing(db, actor) as tx:
        r = get_request(tx.session, case_id)
        before, after = {}, {}
        for k in _INTAKE_COLUMNS:
            new = getattr(data, k)
            new = new if new not in ("",) else None
            old = getattr(r, k)
            if old != new and not (old in (None, "") and new in (None, "")):
                before[k], after[k] = old, new
                setattr(r, k, new)
        received = received_date(data)
        if received != r.received:
            before["received"], after["received"] = r.received, received
            r.received = received  # type: ignore[assignment]
        if not after:
            raise UserError("没有需要更正的内容")
        tx.event("registration_corrected", request_id=r.id, before=before, after=after, note=reason.strip())
        refresh_due(tx, r, today)
        return summary(r)


# --- correction (补正) ----------------------------------------------------------------
def request_correction(db: Database, actor: Actor, case_id: int, on: date, items: str,
                       *, missing: Sequence[str] = (), override_reason: str = "", way: str = "in_person",
                       today: date | None = None) -> date:
    """Record the correction notice (补正告知); returns the last day for the applicant to correct.

    ``missing`` are keys of CORRECTION_POINTS (what Art. 29 asks a request to contain), ``items`` free text;
    one of them is needed. Allowed once, within the correction-notice limit (7 working days) unless an
    override reason is given. The period runs from the day the applicant receives the notice: handed over
    (``way`` in_person), that is the day it went out; posted or e-mailed, the returned date is an estimate
    until the receipt is recorded (record_letter_received).
    """
    from workstation.domain.notices import CORRECTION_POINTS

    require(actor, *CASE_ROLES, action="发出补正告知")
    today = today_or(today)
    unknown = [m for m in missing if m not in CORRECTION_POINTS]
    if unknown:
        raise ValueError(f"unknown correction points: {unknown}")
    missing = [key for key in CORRECTION_POINTS if key in missing]
    if not items.strip() and not missing:
        raise UserError("请勾选或写明需要补正的事项", field="items")
    if on > today:
        raise UserError("补正告知日期不能晚于今天", field="on")
    settings = office_settings(db)
    with writing(db, actor) as tx:
        r = step(tx, case_id, "correction")
        if on < r.received:
            raise UserError("补正告知日期不能早于收到申请日期", field="on")
        calendar = load_calendar(db)
        limit = calendar.add_workdays(r.received, settings.correction_notice_days)
        if on > limit and not override_reason.strip():
            raise UserError(f"补正告知期限已过(应在{limit.isoformat()}前发出)。如确需补正,请填写理由。",
                            field="override_reason")
        days = settings.correction_period_days
        letter = letter_period(calendar, "correction", on, _way(way), days, None, settings.postal_days)
        before = {"status": r.status}
        r.status = Status.CORRECTION
        tx.event("correction_requested", request_id=r.id, before=before,
                 after={"on": on, "items": items.strip(), "missing": missing, **_letter_after(letter),
                        "limit": limit, "status": r.status}, effective_on=on, note=override_reason.strip() or None)
        refresh_due(tx, r, today)
        return letter.end


def record_corrected(db: Database, actor: Actor, case_id: int, on: date, *, note: str = "",
                     today: date | None = None) -> Deadline:
    """The corrected request arrived: the reply period starts again from that day (a restart)."""
    require(actor, *CASE_ROLES, action="登记补正材料")
    today = today_or(today)
    if on > today:
        raise UserError("收到补正日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "corrected")
        asked = tx.session.execute(
            select(Event.after).where(Event.request_id == r.id, Event.action == "correction_requested")
        ).scalar_one_or_none()
        if asked is None or r.status != Status.CORRECTION:
            raise UserError("本申请没有待补正的告知,不能登记补正(重新起算需先发出补正告知)。")
        if on < date.fromisoformat(asked["on"]):
            raise UserError("收到补正日期不能早于补正告知日期", field="on")
        r.status = Status.OPEN
        tx.event("correction_received", request_id=r.id, before={"status": Status.CORRECTION},
                 after={"on": on, "status": r.status}, effective_on=on, note=note or None)
        return refresh_due(tx, r, today)


def correction_due(db: Database, case_id: int) -> date | None:
    """The last day for the applicant to correct (an estimate until the notice's receipt is recorded)."""
    letter = correction_letter(db, case_id)
    return letter.end if letter else None


def correction_letter(db: Database, case_id: int) -> LetterPeriod | None:
    return next((x for x in letters(db, case_id) if x.kind == "correction"), None)


# --- letters (函): periods that run from their receipt (Art. 30, 32, 34; the fee notice) ------------------
LETTER_ACTIONS = ("correction_requested", "pause_started", "letter_received")
# the key under which an event (and the notice) keeps the end of the period: a date only once it is final
_END_KEY = {"correction": "correct_by", "third_party": "answer_by", "other_body": "answer_by", "fee": "answer_by"}


def _letter_days(settings: OfficeSettings, kind: str) -> int:
    """The working days a letter of ``kind`` gives for the answer (or the payment), as the office set them."""
    return {"correction": settings.correction_period_days, "third_party": settings.third_party_days,
            "other_body": settings.third_party_days, "fee": settings.fee_days}[kind]


def _way(way: str) -> str:
    if way not in LETTER_WAYS:
        raise UserError("请选择函件的送达方式(当面送交、邮寄或电子邮件)", field="way")
    return way


def _letter_after(letter: LetterPeriod) -> dict[str, Any]:
    """What a letter's event keeps: how it went out, its days, and the end of its period (None until final)."""
    return {"way": letter.way, "days": letter.days, "received_on": letter.received,
            _END_KEY[letter.kind]: None if letter.estimated else letter.end,
            "estimated_end": letter.end if letter.estimated else None}


def _letters(db: Database, session: Session, r: Request) -> list[LetterPeriod]:
    rows = session.execute(select(Event.action, Event.after).where(
        Event.request_id == r.id, Event.action.in_(LETTER_ACTIONS)).order_by(Event.seq)).all()
    return _letters_of(office_settings(db, session), load_calendar(db), rows)


def _letters_of(settings: OfficeSettings, calendar: WorkCalendar,
                rows: Sequence[tuple[str, Any]]) -> list[LetterPeriod]:
    """The letters told by one case's letter events (action, after), oldest first."""
    postal = settings.postal_days
    out: list[LetterPeriod] = []
    for action, after in rows:
        after = after or {}
        if action == "letter_received":
            if out:
                x = out[-1]
                out[-1] = letter_period(calendar, x.kind, x.sent, x.way, x.days,
                                        date.fromisoformat(after["on"]), postal)
            continue
        kind = "correction" if action == "correction_requested" else after.get("kind", "third_party")
        days = int(after.get("days") or _letter_days(settings, kind))
        # events from before the way was recorded: the period was counted from the day sent
        out.append(letter_period(calendar, kind, date.fromisoformat(after["on"]), after.get("way", "in_person"),
                                 days, None, postal))
    return out


def letters(db: Database, case_id: int) -> list[LetterPeriod]:
    """The case's letters, latest first, each with the end of its period (final, or 预计)."""
    with db.read() as s:
        return list(reversed(_letters(db, s, get_request(s, case_id))))


def awaited_letter(db: Database, case_id: int) -> LetterPeriod | None:
    """The letter whose answer the case now waits for (补正 or a pause), if any."""
    with db.read() as s:
        r = get_request(s, case_id)
        if r.status not in (Status.CORRECTION, Status.PAUSED):
            return None
        found = _letters(db, s, r)
    return found[-1] if found else None


def awaited_letters(db: Database, case_ids: Sequence[int]) -> dict[int, LetterPeriod]:
    """``awaited_letter`` of many cases in two queries (the dashboard's lists); a case awaiting none is left out."""
    with db.read() as s:
        waiting = set(s.execute(select(Request.id).where(
            Request.id.in_(case_ids), Request.status.in_((Status.CORRECTION, Status.PAUSED)))).scalars())
        rows = s.execute(select(Event.request_id, Event.action, Event.after).where(
            Event.request_id.in_(waiting), Event.action.in_(LETTER_ACTIONS)).order_by(Event.seq)).all()
        by_case: dict[int, list[tuple[str, Any]]] = {}
        for case_id, action, after in rows:
            by_case.setdefault(case_id, []).append((action, after))
        settings, calendar = office_settings(db, s), load_calendar(db)
        found = {case_id: _letters_of(settings, calendar, events) for case_id, events in by_case.items()}
    return {case_id: letters[-1] for case_id, letters in found.items() if letters}


def record_letter_received(db: Database, actor: Actor, case_id: int, on: date, *, note: str = "",
                           today: date | None = None) -> LetterPeriod:
    """The day the awaited letter was received (the signed postal receipt): its period's end becomes final."""
    require(actor, *CASE_ROLES, action="登记函件收到日期")
    today = today_or(today)
    if on > today:
        raise UserError("收到日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "letter_received")
        found = _letters(db, tx.session, r)
        if not found:
            raise UserError("本申请没有等待答复的函件(补正告知、征求意见函或收费通知)")
        letter = found[-1]
        if on < letter.sent:
            raise UserError(f"收到日期不能早于发出日期({letter.sent.isoformat()})", field="on")
        final = letter_period(load_calendar(db), letter.kind, letter.sent, letter.way, letter.days, on, 0)
        tx.event("letter_received", request_id=r.id,
                 before={_END_KEY[letter.kind]: letter.end, "estimated": letter.estimated},
                 after={"letter": letter.kind, "sent_on": letter.sent, "on": on, _END_KEY[letter.kind]: final.end},
                 effective_on=on, note=note.strip() or None)
        return final


def deem_withdrawn(db: Database, actor: Actor, case_id: int, on: date, *, today: date | None = None) -> CaseSummary:
    """No correction within the period and no good reason: 视为放弃申请 (其他处理·逾期不补正)."""
    require(actor, *CASE_ROLES, action="按视为放弃申请办结")
    today = today_or(today)
    with writing(db, actor) as tx:
        r = step(tx, case_id, "deem_withdrawn")
        letter = next(x for x in reversed(_letters(db, tx.session, r)) if x.kind == "correction")
        correct_by = letter.end
        if letter.estimated:
            raise UserError(f"补正告知书的收到日期尚未登记(补正期限预计至{correct_by.isoformat()})。"
                            "请先登记申请人收到告知书的日期(邮件签收回执),补正期限才能确定。", field="on")
        if on <= correct_by:
            raise UserError(f"补正期限到{correct_by.isoformat()}才届满,届满后才能视为放弃申请", field="on")
        if on > today:
            raise UserError("办结日期不能晚于今天", field="on")
        return close_request(tx, r, "other.no_correction", on, status=Status.CLOSED,
                      note=f"申请人未在补正期限({correct_by.isoformat()})内补正")


# --- pauses (暂停) ------------------------------------------------------------------
@dataclass(frozen=True)
class PauseStarted:
    kind: str
    on: date
    answer_by: date | None  # the third party's (or other body's) answer limit, or the fee's
    estimated: bool = False  # answer_by is 预计 until the letter's receipt is recorded


def start_pause(db: Database, actor: Actor, case_id: int, kind: str, on: date, *, party: str = "",
                note: str = "", amount: str = "", pages: int = 0, way: str = "in_person",
                today: date | None = None) -> PauseStarted:
    """Stop the clock (third party, other body, fee); ``amount`` is the fee in 元 for the 收费通知, ``pages``
    the pages charged 按量 (0: charged 按件).

    ``way`` is how the letter went out; the answer (or payment) period runs from its receipt.
    """
    require(actor, *CASE_ROLES, action="暂停计时")
    today = today_or(today)
    with writing(db, actor) as tx:
        r = step(tx, case_id, "pause")
        return pause_in(tx, r, kind, on, party=party, note=note, amount=amount, pages=pages, way=way, today=today)


def _fee_amount(text: str) -> str:
    from decimal import Decimal, InvalidOperation

    text = text.strip().removesuffix("元").strip()
    if not text:
        return ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(f"应缴金额“{text}”不是数字,请填写如 100 或 100.50", field="amount") from None
    if not value.is_finite() or value <= 0 or value >= 1_000_000:
        raise UserError("应缴金额应大于0元且小于100万元", field="amount")
    return f"{value.quantize(Decimal('0.01')):f}".removesuffix(".00")


def pause_in(tx: Tx, r: Request, kind: str, on: date, *, party: str = "", note: str = "", amount: str = "",
             pages: int = 0, way: str = "in_person", today: date) -> PauseStarted:
    """Start a pause inside a transaction another service opened (the review starts the third-party pause)."""
    from workstation.domain.deadline import PAUSE_KINDS

    if kind not in PAUSE_KINDS:
        raise UserError("请选择暂停的原因(征询第三方、征求其他机关意见、等待缴费)", field="kind")
    if on > today:
        raise UserError("暂停开始日期不能晚于今天", field="on")
    if r.status == Status.PAUSED:
        raise UserError("本申请已在暂停中,请先恢复计时")
    if r.status == Status.CORRECTION:
        raise UserError("等待补正期间不计时,无需暂停")
    if on < r.received:
        raise UserError("暂停开始日期不能早于收到申请日期", field="on")
    fee = _fee_amount(amount) if kind == "fee" else ""
    settings = office_settings(tx.db, tx.session)
    letter = letter_period(load_calendar(tx.db), kind, on, _way(way), _letter_days(settings, kind), None,
                           settings.postal_days)
    before = {"status": r.status}
    r.status = Status.PAUSED
    tx.event("pause_started", request_id=r.id, before=before,
             after={"kind": kind, "on": on, "party": party.strip(), **_letter_after(letter),
                    "resume_status": before["status"], "status": r.status, **({"amount": fee} if fee else {}),
                    **({"pages": pages} if kind == "fee" and pages > 0 else {})},
             effective_on=on, note=note or None)
    refresh_due(tx, r, today)
    return PauseStarted(kind, on, letter.end, letter.estimated)


def end_pause(db: Database, actor: Actor, case_id: int, on: date, *, note: str = "",
              today: date | None = None) -> Deadline:
    require(actor, *CASE_ROLES, action="恢复计时")
    today = today_or(today)
    if on > today:
        raise UserError("恢复计时日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "resume")
        started = tx.session.execute(
            select(Event.after).where(Event.request_id == r.id, Event.action == "pause_started")
            .order_by(Event.seq.desc()).limit(1)).scalar_one_or_none()
        if r.status != Status.PAUSED or started is None:
            raise UserError("本申请没有在暂停中")
        if on < date.fromisoformat(started["on"]):
            raise UserError("恢复计时日期不能早于暂停开始日期", field="on")
        r.status = started.get("resume_status", Status.OPEN)
        tx.event("pause_ended", request_id=r.id, before={"status": Status.PAUSED},
                 after={"on": on, "kind": started["kind"], "status": r.status}, effective_on=on, note=note or None)
        return refresh_due(tx, r, today)


# --- extension (延期) and Art. 35 ------------------------------------------------------
def extend(db: Database, actor: Actor, case_id: int, days: int, approved_on: date, *, reason: str,
           override_reason: str = "", today: date | None = None) -> Deadline:
    """Extend the reply period (Art. 33): only the head (负责人) approves, before the original due date."""
    require(actor, Role.HEAD, action="批准延期答复")
    today = today_or(today)
    limit = office_settings(db).extension_days
    if not 1 <= days <= limit:
        raise UserError(f"延期天数应为 1 至 {limit} 个工作日", field="days")
    if not reason.strip():
        raise UserError("请填写延期理由(将写入延期答复告知书)", field="reason")
    if approved_on > today:
        raise UserError("批准日期不能晚于今天", field="approved_on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "extend")
        engine, clock = deadline_engine(db), clock_of(db, tx.session, r)
        d = engine.compute(clock, as_of=approved_on, explain=False)
        if approved_on > d.original_due and not override_reason.strip():
            raise UserError(f"原答复期限{d.original_due.isoformat()}已过,不能再延期;确有正当理由的,请填写理由后继续。",
                            field="override_reason")
        r.extended = True
        extended = engine.compute(replace(clock, extension_days=clock.extension_days + days),
                                  as_of=approved_on, explain=False)
        tx.event("extended", request_id=r.id, before={"due": d.due},
                 after={"days": days, "approved_by": actor.display_name, "approved_on": approved_on,
                        "reason": reason.strip(), "original_due": d.original_due, "due": extended.due},
                 effective_on=approved_on, note=override_reason.strip() or None)
        return refresh_due(tx, r, today)


def set_manual_due(db: Database, actor: Actor, case_id: int, due: date, reason: str,
                   *, today: date | None = None) -> Deadline:
    """Art. 35: a request far beyond a reasonable number gets a stated period set by hand."""
    require(actor, Role.HEAD, action="另行确定答复期限")
    today = today_or(today)
    if not reason.strip():
        raise UserError("请填写另行确定期限的理由(条例第三十五条)", field="reason")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "manual_due")
        if due <= r.received:
            raise UserError("答复期限必须晚于收到申请日期", field="due")
        before = {"due": r.due}
        tx.event("manual_due_set", request_id=r.id, before=before, after={"due": due, "reason": reason.strip()},
                 note=reason.strip())
        return refresh_due(tx, r, today)


# --- ending a case -----------------------------------------------------------------------
def close(db: Database, actor: Actor, case_id: int, result_key: str, on: date, *, note: str = "",
          extra: dict[str, Any] | None = None, today: date | None = None) -> CaseSummary:
    """其他处理办结: end the request with a 其他处理 result (fee not paid, 其他) and a notice that says so.

    A reply on the substance (公开, 不予公开, 无法提供, 不予处理) goes through the review (review.reply);
    逾期不补正 through deem_withdrawn, withdrawal through withdraw. Counts in the tally of that date.
    """
    require(actor, *CASE_ROLES, action="其他处理办结")
    today = today_or(today)
    if result_key not in RESULTS_BY_KEY:
        raise UserError(f"未知的办理结果:{result_key}", field="result")
    refused = ending_result_reason(result_key)
    if refused:
        raise UserError(refused, field="result")
    if on > today:
        raise UserError("办结日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "close")
        return close_request(tx, r, result_key, on, status=Status.REPLIED, note=note or None, extra=extra)


# Events that leave a request as it came in at the window (a reply on the spot is still possible).
_AT_INTAKE = ("registered", "document_issued", "attachment_added", "id_revealed")


def reply_on_the_spot(db: Database, actor: Actor, case_id: int, *, published_at: str, signed_by: str,
                      materials: Sequence[str] = (), today: date | None = None) -> CaseSummary:
    """当场答复 (Art. 33 para. 1) at the window: the information is already public (Art. 36(1)).

    Only a request handed in at the window today, untouched since, and only to say where the already
    published information is found: nothing new is released, so no review is needed. The reply is
    handed over and signed for at once, so it is delivered, and on time, the day it was received.
    """
    from workstation.domain.reply_reasons import slot_errors

    require(actor, *CASE_ROLES, action="当场答复")
    today = today_or(today)
    if not published_at.strip():
        raise UserError("请写明已主动公开的信息在哪里可以获取(网址、公开栏、查阅场所等)", field="published_at")
    released = [m.strip() for m in materials if m.strip()]
    errors = slot_errors("disclosed", {"published_at": published_at, "materials": released})
    if errors:  # the notice states what it points to (Art. 36(1)), as every 予以公开 reply does
        field, message = next(iter(errors.items()))
        raise UserError(message, field=field)
    if not signed_by.strip():
        raise UserError("请填写签收人(当场签收答复的申请人或其代理人)", field="signed_by")
    with writing(db, actor) as tx:
        r = get_open(tx, case_id, "当场答复")
        if r.channel != "in_person" or r.received != today:
            raise UserError("只有今天当面提交的申请才能当场答复;其他申请请按审查、答复、送达办理。")
        other = tx.session.execute(select(Event.action).where(
            Event.request_id == r.id, Event.action.not_in(_AT_INTAKE)).limit(1)).first()
        if other is not None or r.status != Status.OPEN:
            raise UserError("本申请登记后已有办理记录,不能再当场答复;请按审查、答复、送达办理。")
        close_request(tx, r, "disclosed", today, status=Status.REPLIED, note="当场答复(条例第三十三条第一款)",
               extra={"on_the_spot": True, "published_at": published_at.strip(), "materials": released,
                      "basis": "《中华人民共和国政府信息公开条例》第三十六条第(一)项"})
        due = r.due  # kept by the reply: the delivery is judged against it
        r.delivered_on, r.status = today, Status.CLOSED
        tx.event("delivered", request_id=r.id, before={"status": Status.REPLIED},
                 after={"method": "in_person", "method_label": "直接送达(当场答复)", "on": today,
                        "counting_on": today, "counting_basis": "签收之日", "signed_by": signed_by.strip(),
                        "due": due, "on_time": True, "status": r.status}, effective_on=today)
        return summary(r)


def withdraw(db: Database, actor: Actor, case_id: int, on: date, *, note: str = "",
             today: date | None = None) -> CaseSummary:
    """The applicant withdrew (申请人撤回): 其他处理·其他. The number is never reused."""
    require(actor, *CASE_ROLES, action="登记撤回")
    today = today_or(today)
    if on > today:
        raise UserError("撤回日期不能晚于今天", field="on")
    with writing(db, actor) as tx:
        r = step(tx, case_id, "withdraw")
        return close_request(tx, r, "other.other", on, status=Status.CLOSED, note=note or "申请人撤回申请",
                      extra={"withdrawn": True})


# --- the timeline -------------------------------------------------------------------------
ACTION_LABELS = {
    "registered": "登记",
    "registration_corrected": "更正登记信息",
    "correction_requested": "补正告知",
    "correction_received": "收到补正(重新起算)",
    "pause_started": "暂停计时",
    "pause_ended": "恢复计时",
    "extended": "延期答复",
    "manual_due_set": "另行确定答复期限",
    "closed": "办结",
    "due_recomputed": "期限重新计算",
    "document_issued": "出具文书",
    "review_submitted": "提交审查",
    "review_signed": "审核通过",
    "review_returned": "审核退回",
    "delivered": "送达",
    "appeal_recorded": "登记复议/诉讼",
    "appeal_updated": "更新复议/诉讼结果",
    "id_revealed": "查看完整证件号码",
    "attachment_added": "添加附件",
    "result_corrected": "更正办理结果",
    "imported": "从台账导入",
    "letter_received": "登记函件收到日期",
    "handed_over": "转办",
    "handover_signed": "承办单位签收",
    "handover_returned": "承办单位退回",
    "draft_submitted": "提交答复草稿",
    "draft_accepted": "采纳答复草稿",
    "draft_sent_back": "退回答复草稿",
    "handover_withdrawn": "收回转办",
    "supervised": "督办",
}


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: str
    actor: str
    action: str
    label: str
    effective_on: date | None
    before: dict | None
    after: dict | None
    note: str | None


def timeline(db: Database, case_id: int, *, viewer: Actor | None = None) -> list[TimelineEntry]:
    """A case's events in order; ID numbers masked unless ``viewer`` may reveal them (none: masked)."""
    from workstation.services.privacy import event_data_for

    with db.read() as s:
        check_reach(s, viewer, case_id)
        rows = s.execute(select(Event).where(Event.request_id == case_id).order_by(Event.seq)).scalars().all()
        return [TimelineEntry(e.seq, e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action,
                              ACTION_LABELS.get(e.action, e.action), e.effective_on,
                              event_data_for(viewer, e.before), event_data_for(viewer, e.after), e.note)
                for e in rows]


def full_id_number(db: Database, actor: Actor, case_id: int) -> str:
    """The unmasked ID number, for a user with the right; the look is an audit event."""
    from workstation.services.privacy import REVEAL_ROLES

    require(actor, *REVEAL_ROLES, action="查看完整证件号码")
    if actor.in_unit:
        raise PermissionDenied("承办单位不能查看完整证件号码")
    with writing(db, actor) as tx:
        r = get_request(tx.session, case_id)
        tx.event("id_revealed", request_id=r.id, after={"field": "id_number"})
        return r.id_number or ""
