"""转办 / 签收 / 退回 / 答复草稿 / 督办: the county office's work with its units (rules in domain.handover).

Every step checks the actor's role and place (office or unit), writes its change and an audit event in one
transaction, and counts its dates with the register's calendar. The office's review and reply wait for
every unit handed the request (case_records.units_waiting, asked by the state machine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.domain.errors import UserError
from workstation.domain.handover import (
    HANDOVER_STEPS,
    Flag,
    HandoverStatus,
    handover_reason,
    internal_due,
    refuse_handover_unless,
    supervision_flags,
)
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Role, Status
from workstation.services.access import VISIBLE, check_reach
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
from workstation.services.case_records import get_request, today_or
from workstation.services.clock import load_calendar
from workstation.services.gui_queries import due_soon_limit
from workstation.store.database import Database
from workstation.store.models import Handover, Request, Supervision, Unit

# the states of a request the office may still hand it over in: before its review is submitted
HANDABLE = (Status.OPEN, Status.CORRECTION, Status.PAUSED)
MAX_TEXT = 2000


@dataclass(frozen=True)
class HandoverInfo:
    id: int
    request_id: int
    number: str
    unit_id: int
    unit: str
    status: HandoverStatus
    handed_on: date
    internal_due: date | None
    legal_due: date | None
    note: str
    signed_on: date | None
    returned_on: date | None
    return_reason: str
    submitted_on: date | None
    draft: dict | None
    sent_back_reason: str

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def on_time(self) -> bool | None:
        """The draft came by the internal deadline (None while it has not come)."""
        if self.submitted_on is None:
            return None
        return self.internal_due is None or self.submitted_on <= self.internal_due


class Dues:
    """The internal deadline of each hand-over: the one the office set, else ``days.handover`` working days
    before the request's legal due date as it is now (an extension or a restart after 补正 moves it too)."""

    def __init__(self, db: Database) -> None:
        self.calendar = load_calendar(db)
        self.days = office_settings(db).handover_days

    def __call__(self, h: Handover, r: Request) -> date | None:
        if h.internal_due is not None:
            return h.internal_due
        return internal_due(self.calendar, r.due, self.days, h.handed_on)


def _info(h: Handover, r: Request, unit: str, dues: Dues) -> HandoverInfo:
    return HandoverInfo(
        id=h.id, request_id=h.request_id, number=r.number, unit_id=h.unit_id, unit=unit,
        status=HandoverStatus(h.status), handed_on=h.handed_on, internal_due=dues(h, r), legal_due=r.due,
        note=h.note or "", signed_on=h.signed_on, returned_on=h.returned_on, return_reason=h.return_reason or "",
        submitted_on=h.submitted_on, draft=h.draft, sent_back_reason=h.sent_back_reason or "")


def _text(value: str, field: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{what}"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"{what}最多{MAX_TEXT}字,现有{len(value)}字"})
    return value


def _require_step(actor: Actor, key: str) -> None:
    step = HANDOVER_STEPS[key]
    require(actor, *step.roles, action=step.label)


def _unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit is not None else "?"


# --- the office hands over -------------------------------------------------------------------
def default_internal_due(db: Database, case_id: int, *, today: date | None = None) -> date | None:
    """The internal deadline a hand-over gets unless the office sets one (setting days.handover)."""
    today = today_or(today)
    with db.read() as s:
        r = get_request(s, case_id)
        due = r.due
    dues = Dues(db)
    return internal_due(dues.calendar, due, dues.days, today)


def _dated_after(today: date, what: str, *marks: tuple[str, date | None]) -> None:
    """A step is not dated before the steps it follows (a date typed wrong, a computer's clock set back)."""
    for since, on in marks:
        if on is not None and today < on:
            raise UserError(f"{what}日期({today.isoformat()})不能早于{since}({on.isoformat()}),请检查日期")


def hand_over(db: Database, actor: Actor, case_id: int, unit_ids: Sequence[int], *, due: date | None = None,
              note: str = "", today: date | None = None) -> list[HandoverInfo]:
    """转办: hand the request to one unit or several (联合办理), each with the internal deadline."""
    _require_step(actor, "hand_over")
    today = today_or(today)
    note = _text(note, "note", "转办说明", required=False)
    if not unit_ids:
        raise ValidationError({"units": "请选择承办单位"})
    dues = Dues(db)
    with writing(db, actor) as tx:
        refuse_handover_unless("hand_over", None, in_unit=actor.in_unit, roles=actor.roles)
        r = get_request(tx.session, case_id)
        if r.closed_on is not None or not Status(r.status).is_open:
            raise UserError(f"申请 {r.number} 已办结,不能再转办")
        if Status(r.status) not in HANDABLE:
            raise UserError("审查已提交,不能再转办;如需转办,请审核人先退回审查")
        _dated_after(today, "转办", ("申请的收到日期", r.received))
        wanted = internal_due(dues.calendar, r.due, dues.days, today) if due is None else due
        if due is not None:
            if due < today:
                raise ValidationError({"due": "内部办理期限不能早于今天"})
            if r.due is not None and due > r.due:
                raise ValidationError({"due": f"内部办理期限不能晚于法定答复期限({r.due.isoformat()})"})
        made = []
        for unit_id in dict.fromkeys(unit_ids):
            unit = tx.session.get(Unit, unit_id)
            if unit is None or not unit.active:
                raise UserError("承办单位不存在或已停用", field="units")
            current = _current(tx.session, case_id, unit_id)
            if current is not None:
                raise UserError(f"已转办给{unit.name}({HandoverStatus(current.status).label}),无需重复转办",
                                field="units")
            h = Handover(request_id=case_id, unit_id=unit_id, status=HandoverStatus.HANDED, handed_on=today,
                         handed_by=actor.id, internal_due=due, note=note or None)  # None: by the setting
            tx.session.add(h)
            tx.session.flush()
            tx.event("handed_over", request_id=case_id, effective_on=today,
                     after={"handover_id": h.id, "unit_id": unit_id, "unit": unit.name, "internal_due": wanted,
                            "legal_due": r.due}, note=note or None)
            made.append(_info(h, r, unit.name, dues))
        return made


def _current(session: Session, case_id: int, unit_id: int) -> Handover | None:
    """The unit's hand-over of the request that is still going (not sent back, not taken back)."""
    return session.execute(select(Handover).where(
        Handover.request_id == case_id, Handover.unit_id == unit_id,
        Handover.status.in_(VISIBLE)).order_by(Handover.id.desc())
        .limit(1)).scalar_one_or_none()


# --- the unit's steps ------------------------------------------------------------------------
def _unit_step(tx: Tx, case_id: int, key: str) -> tuple[Handover, Request]:
    """The acting unit's hand-over of the request, if step ``key`` may be taken on it now."""
    actor = tx.actor
    _require_step(actor, key)
    if not actor.in_unit:
        raise PermissionDenied(handover_reason(key, None, in_unit=False, roles=actor.roles))
    check_reach(tx.session, actor, case_id)
    r = get_request(tx.session, case_id)
    h = _current(tx.session, case_id, actor.unit_id)  # type: ignore[arg-type]
    refuse_handover_unless(key, HandoverStatus(h.status) if h else None, in_unit=True, roles=actor.roles,
                           case_open=r.closed_on is None)
    assert h is not None
    return h, r


def sign_for(db: Database, actor: Actor, case_id: int, *, today: date | None = None) -> HandoverInfo:
    """签收: the unit takes the request."""
    today = today_or(today)
    dues = Dues(db)
    with writing(db, actor) as tx:
        h, r = _unit_step(tx, case_id, "sign_for")
        _dated_after(today, "签收", ("转办日期", h.handed_on))
        h.status, h.signed_on = HandoverStatus.SIGNED, today
        tx.event("handover_signed", request_id=case_id, effective_on=today,
                 after={"handover_id": h.id, "unit": actor.unit_name, "internal_due": dues(h, r)})
        return _info(h, r, actor.unit_name, dues)


def return_to_office(db: Database, actor: Actor, case_id: int, reason: str, *,
                     today: date | None = None) -> HandoverInfo:
    """退回: the unit does not hold the information (or not all of it); the office hands it again."""
    today = today_or(today)
    reason = _text(reason, "reason", "退回理由")
    dues = Dues(db)
    with writing(db, actor) as tx:
        h, r = _unit_step(tx, case_id, "return")
        _dated_after(today, "退回", ("转办日期", h.handed_on), ("签收日期", h.signed_on))
        h.status, h.returned_on, h.return_reason = HandoverStatus.RETURNED, today, reason
        tx.event("handover_returned", request_id=case_id, effective_on=today,
                 after={"handover_id": h.id, "unit": actor.unit_name}, note=reason)
        return _info(h, r, actor.unit_name, dues)


def submit_draft(db: Database, actor: Actor, case_id: int, *, result_key: str, text: str, opinion: str = "",
                 today: date | None = None) -> HandoverInfo:
    """提交答复草稿: the unit's proposed result, its draft reply and its confidentiality opinion."""
    today = today_or(today)
    errors = {}
    if result_key not in RESULTS_BY_KEY:
        errors["result"] = "请选择拟答复结果"
    try:
        text = _text(text, "text", "答复草稿")
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    opinion = _text(opinion, "opinion", "保密审查意见", required=False)
    dues = Dues(db)
    with writing(db, actor) as tx:
        h, r = _unit_step(tx, case_id, "submit_draft")
        _dated_after(today, "提交草稿", ("转办日期", h.handed_on), ("签收日期", h.signed_on))
        h.status, h.submitted_on, h.sent_back_reason = HandoverStatus.SUBMITTED, today, None
        h.draft = {"result_key": result_key, "result": RESULTS_BY_KEY[result_key].label, "text": text,
                   "opinion": opinion}
        due = dues(h, r)
        late = due is not None and today > due
        tx.event("draft_submitted", request_id=case_id, effective_on=today,
                 after={"handover_id": h.id, "unit": actor.unit_name, "result_key": result_key,
                        "result": RESULTS_BY_KEY[result_key].label, "on_time": not late})
        return _info(h, r, actor.unit_name, dues)


# --- the office answers a draft, or takes a hand-over back -----------------------------------------
def _office_step(tx: Tx, handover_id: int, key: str) -> tuple[Handover, Request, str]:
    actor = tx.actor
    _require_step(actor, key)
    h = tx.session.get(Handover, handover_id)
    if h is None:
        raise UserError("没有这项转办")
    r = get_request(tx.session, h.request_id)
    refuse_handover_unless(key, HandoverStatus(h.status), in_unit=actor.in_unit, roles=actor.roles,
                           case_open=r.closed_on is None)
    return h, r, _unit_name(tx.session, h.unit_id)


def accept_draft(db: Database, actor: Actor, handover_id: int, *, today: date | None = None) -> HandoverInfo:
    """采纳草稿: the office's reviewer takes the unit's draft; the office then reviews and replies in its name."""
    today = today_or(today)
    dues = Dues(db)
    with writing(db, actor) as tx:
        h, r, unit = _office_step(tx, handover_id, "accept_draft")
        _dated_after(today, "采纳草稿", ("草稿提交日期", h.submitted_on))
        h.status = HandoverStatus.ACCEPTED
        tx.event("draft_accepted", request_id=r.id, effective_on=today,
                 after={"handover_id": h.id, "unit": unit, "result_key": (h.draft or {}).get("result_key")})
        return _info(h, r, unit, dues)


def send_back_draft(db: Database, actor: Actor, handover_id: int, reason: str, *,
                    today: date | None = None) -> HandoverInfo:
    """退回草稿: the office's reviewer sends the draft back to the unit with what to change."""
    return _office_with_reason(db, actor, handover_id, "send_back_draft", HandoverStatus.SIGNED, reason,
                               what="退回草稿的意见", action="draft_sent_back", today=today)


def withdraw_handover(db: Database, actor: Actor, handover_id: int, reason: str, *,
                      today: date | None = None) -> HandoverInfo:
    """收回: the office takes a hand-over back (handed to the wrong unit; the unit no longer sees it)."""
    return _office_with_reason(db, actor, handover_id, "withdraw_handover", HandoverStatus.WITHDRAWN, reason,
                               what="收回理由", action="handover_withdrawn", today=today)


def _office_with_reason(db: Database, actor: Actor, handover_id: int, key: str, to: HandoverStatus, reason: str,
                        *, what: str, action: str, today: date | None) -> HandoverInfo:
    today = today_or(today)
    reason = _text(reason, "reason", what)
    dues = Dues(db)
    with writing(db, actor) as tx:
        h, r, unit = _office_step(tx, handover_id, key)
        if key == "send_back_draft":
            _dated_after(today, "退回草稿", ("草稿提交日期", h.submitted_on))
            h.sent_back_reason = reason
        else:
            _dated_after(today, "收回", ("转办日期", h.handed_on))
        h.status = to
        tx.event(action, request_id=r.id, effective_on=today, after={"handover_id": h.id, "unit": unit},
                 note=reason)
        return _info(h, r, unit, dues)


# --- reading --------------------------------------------------------------------------------
def handovers_of(db: Database, case_id: int, *, viewer: Actor) -> list[HandoverInfo]:
    """The request's hand-overs, oldest first (a unit's user sees its own unit's only)."""
    dues = Dues(db)
    with db.read() as s:
        check_reach(s, viewer, case_id)
        r = get_request(s, case_id)
        q = (select(Handover, Unit.name).join(Unit, Unit.id == Handover.unit_id)
             .where(Handover.request_id == case_id).order_by(Handover.id))
        if viewer.in_unit:
            q = q.where(Handover.unit_id == viewer.unit_id)
        return [_info(h, r, name, dues) for h, name in s.execute(q).all()]


def handover_actions(db: Database, case_id: int, *, viewer: Actor) -> dict[str, str]:
    """The hand-over steps the viewer may take on the request now: "" where allowed, else why not.

    For the office: 转办; for a unit's user: 签收, 退回, 提交答复草稿 on its own hand-over. (The office's
    answers to a draft are per hand-over: ``draft_actions``.)"""
    with db.read() as s:
        check_reach(s, viewer, case_id)
        r = get_request(s, case_id)
        is_open = r.closed_on is None
        if not viewer.in_unit:
            reason = handover_reason("hand_over", None, in_unit=False, roles=viewer.roles, case_open=is_open)
            if not reason and Status(r.status) not in HANDABLE:
                reason = "审查已提交,不能再转办"
            return {"hand_over": reason}
        h = _current(s, case_id, viewer.unit_id)  # type: ignore[arg-type]
        status = HandoverStatus(h.status) if h else None
        return {key: handover_reason(key, status, in_unit=True, roles=viewer.roles, case_open=is_open)
                for key in ("sign_for", "return", "submit_draft")}


def draft_actions(info: HandoverInfo, viewer: Actor, *, case_open: bool = True) -> dict[str, str]:
    """The office's steps on one hand-over: 采纳草稿, 退回草稿, 收回 ("" where allowed)."""
    return {key: handover_reason(key, info.status, in_unit=viewer.in_unit, roles=viewer.roles, case_open=case_open)
            for key in ("accept_draft", "send_back_draft", "withdraw_handover")}


# --- supervision (督办) ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Chase:
    """One hand-over the office should chase, with why."""

    handover: HandoverInfo
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class UnitBoard:
    unit_id: int
    unit: str
    handed: int  # hand-overs going (待签收 or 办理中)
    counts: dict[Flag, int]
    chases: list[Chase]
    reminders: int  # 督办 recorded for the unit


@dataclass(frozen=True)
class Reminder:
    id: int
    unit_id: int
    unit: str
    request_id: int | None
    number: str
    on: date
    note: str


def supervision(db: Database, viewer: Actor, *, today: date | None = None) -> list[UnitBoard]:
    """Per unit, the hand-overs to chase: not signed for after 1 working day, internal deadline within 2
    working days or past, legal due date near. A unit's user sees its own unit's board."""
    today = today_or(today)
    dues = Dues(db)
    soon = due_soon_limit(db, today)
    with db.read() as s:
        q = (select(Handover, Request, Unit.name).join(Request, Request.id == Handover.request_id)
             .join(Unit, Unit.id == Handover.unit_id)
             .where(Handover.status.in_((HandoverStatus.HANDED, HandoverStatus.SIGNED)),
                    Request.closed_on.is_(None))
             .order_by(Unit.kind, Unit.name, Handover.id))
        units = select(Unit).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.name)
        if viewer.in_unit:
            q = q.where(Handover.unit_id == viewer.unit_id)
            units = select(Unit).where(Unit.id == viewer.unit_id)
        reminded = dict(s.execute(select(Supervision.unit_id, func.count(Supervision.id))
                                  .group_by(Supervision.unit_id)).all())
        boards = {u.id: UnitBoard(u.id, u.name, 0, {f: 0 for f in Flag}, [], reminded.get(u.id, 0))
                  for u in s.execute(units).scalars()}
        handed: dict[int, int] = {}
        for h, r, name in s.execute(q).all():
            board = boards.get(h.unit_id)
            if board is None:  # a unit stopped since: still shown while it holds requests
                board = boards[h.unit_id] = UnitBoard(h.unit_id, name, 0, {f: 0 for f in Flag}, [],
                                                      reminded.get(h.unit_id, 0))
            handed[h.unit_id] = handed.get(h.unit_id, 0) + 1
            flags = supervision_flags(dues.calendar, status=HandoverStatus(h.status), handed_on=h.handed_on,
                                      internal=dues(h, r), legal_due=r.due, due_soon=soon, today=today)
            for f in flags:
                board.counts[f] += 1
            if flags:
                board.chases.append(Chase(_info(h, r, name, dues), tuple(flags)))
    return [UnitBoard(b.unit_id, b.unit, handed.get(b.unit_id, 0), b.counts,
                      sorted(b.chases, key=lambda c: (c.handover.internal_due or date.max, c.handover.id)),
                      b.reminders) for b in boards.values()]


def remind(db: Database, actor: Actor, unit_id: int, note: str, *, case_id: int | None = None,
           today: date | None = None) -> Reminder:
    """督办: record a reminder to a unit (about one request, or all its late ones); the unit's board shows it."""
    require(actor, Role.CLERK, Role.HEAD, action="督办")
    if actor.in_unit:
        raise PermissionDenied("督办由办公室办理")
    today = today_or(today)
    note = _text(note, "note", "督办内容")
    with writing(db, actor) as tx:
        unit = tx.session.get(Unit, unit_id)
        if unit is None:
            raise UserError("承办单位不存在", field="unit")
        number = ""
        if case_id is not None:
            r = get_request(tx.session, case_id)
            if _current(tx.session, case_id, unit_id) is None:
                raise UserError(f"申请 {r.number} 没有转办给{unit.name}", field="unit")
            number = r.number
        row = Supervision(unit_id=unit_id, request_id=case_id, on=today, note=note, by=actor.id, at=utcnow())
        tx.session.add(row)
        tx.session.flush()
        tx.event("supervised", request_id=case_id, effective_on=today,
                 after={"supervision_id": row.id, "unit_id": unit_id, "unit": unit.name}, note=note)
        return Reminder(row.id, unit_id, unit.name, case_id, number, today, note)


def reminders(db: Database, viewer: Actor, *, limit: int = 50) -> list[Reminder]:
    """The reminders recorded, newest first (a unit's user: those to its unit)."""
    with db.read() as s:
        q = (select(Supervision, Unit.name, Request.number).join(Unit, Unit.id == Supervision.unit_id)
             .outerjoin(Request, Request.id == Supervision.request_id)
             .order_by(Supervision.id.desc()).limit(limit))
        if viewer.in_unit:
            q = q.where(Supervision.unit_id == viewer.unit_id)
        return [Reminder(row.id, row.unit_id, name, row.request_id, number or "", row.on, row.note)
                for row, name, number in s.execute(q).all()]


def unit_work(db: Database, viewer: Actor, *, today: date | None = None) -> list[HandoverInfo]:
    """A unit's list: its hand-overs going (待签收, 办理中, 草稿已提交), earliest internal deadline first."""
    if not viewer.in_unit:
        return []
    dues = Dues(db)
    with db.read() as s:
        rows = s.execute(
            select(Handover, Request).join(Request, Request.id == Handover.request_id)
            .where(Handover.unit_id == viewer.unit_id, Request.closed_on.is_(None),
                   Handover.status.in_((HandoverStatus.HANDED, HandoverStatus.SIGNED, HandoverStatus.SUBMITTED)))
            .order_by(Handover.id)).all()
        work = [_info(h, r, viewer.unit_name, dues) for h, r in rows]
    return sorted(work, key=lambda w: (w.internal_due or date.max, w.id))


# --- the tally by unit ------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitTally:
    unit: str
    handed: int  # handed over in the period
    returned: int  # of those, sent back by the unit
    submitted: int  # drafts submitted
    on_time: int  # of those, by the internal deadline
    late: int
    going: int  # not yet submitted nor returned


def unit_tally(db: Database, viewer: Actor, start: date, end: date) -> list[UnitTally]:
    """How many requests each unit was handed in the period, sent back, answered, on time (a unit: its own)."""
    if end < start:
        raise UserError("统计期间的结束日期不能早于开始日期")
    dues = Dues(db)
    with db.read() as s:
        q = (select(Handover, Request, Unit.name).join(Request, Request.id == Handover.request_id)
             .join(Unit, Unit.id == Handover.unit_id)
             .where(Handover.handed_on >= start, Handover.handed_on <= end,
                    Handover.status != HandoverStatus.WITHDRAWN))
        if viewer.in_unit:
            q = q.where(Handover.unit_id == viewer.unit_id)
        rows: dict[str, list[int]] = {}
        for h, r, name in s.execute(q.order_by(Unit.kind, Unit.name)).all():
            row = rows.setdefault(name, [0, 0, 0, 0, 0, 0])
            row[0] += 1
            status = HandoverStatus(h.status)
            if status == HandoverStatus.RETURNED:
                row[1] += 1
            elif h.submitted_on is not None and status in (HandoverStatus.SUBMITTED, HandoverStatus.ACCEPTED):
                row[2] += 1
                due = dues(h, r)
                if due is None or h.submitted_on <= due:
                    row[3] += 1
                else:
                    row[4] += 1
            else:
                row[5] += 1
        return [UnitTally(name, *counts) for name, counts in rows.items()]
