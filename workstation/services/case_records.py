"""The case as the services hold it: its summary, finding it, its state-machine facts, and closing it.

Shared by the services that change a case (cases.py, review.py, documents.py): each finds the case with
``step`` (which asks the domain's state machine whether the step is allowed now) or ``get_request``, and
a reply or another ending closes it with ``close_request``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.case_actions import CaseFacts, issuable_kinds, refuse_unless_allowed
from workstation.domain.errors import UserError
from workstation.domain.handover import OFFICE_ONLY, HandoverStatus
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Status
from workstation.services.access import check_reach
from workstation.services.base import WRITING, Tx
from workstation.services.clock import clock_of, deadline_engine
from workstation.store.models import Event, Handover, Request, Review, Unit


@dataclass(frozen=True)
class CaseSummary:
    id: int
    number: str
    received: date
    channel: str
    applicant_kind: str
    applicant_name: str
    id_number_masked: str
    content: str
    status: Status
    due: date | None
    due_provisional: bool
    result_key: str | None
    closed_on: date | None
    delivered_on: date | None
    extended: bool

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def result_label(self) -> str:
        return RESULTS_BY_KEY[self.result_key].label if self.result_key in RESULTS_BY_KEY else ""


def mask_id_number(value: str | None) -> str:
    from workstation.domain.identity import mask_id

    return mask_id(value or "")


def summary(r: Request) -> CaseSummary:
    return CaseSummary(
        id=r.id, number=r.number, received=r.received, channel=r.channel, applicant_kind=r.applicant_kind,
        applicant_name=r.applicant_name, id_number_masked=mask_id_number(r.id_number), content=r.content,
        status=Status(r.status), due=r.due, due_provisional=r.due_provisional, result_key=r.result_key,
        closed_on=r.closed_on, delivered_on=r.delivered_on, extended=r.extended,
    )


def today_or(today: date | None) -> date:
    """The day a service counts as today: the one given (tests, the bench), else the system's."""
    return today or date.today()


def get_request(session: Session, case_id: int) -> Request:
    """The case; in a write transaction its row is locked until commit, so that two windows acting on one
    case take turns (PostgreSQL; SQLite has one writer at a time)."""
    writing = bool(session.info.get(WRITING))
    r = session.get(Request, case_id, with_for_update=writing or None, populate_existing=writing)
    if r is None:
        raise UserError(f"找不到编号为 {case_id} 的申请")
    return r


def get_open(tx: Tx, case_id: int, action: str) -> Request:
    """The case, if it is not finished (for a step outside the state machine, as 当场答复)."""
    if tx.actor.in_unit:
        check_reach(tx.session, tx.actor, case_id)
        raise UserError(OFFICE_ONLY)
    r = get_request(tx.session, case_id)
    if r.closed_on is not None or r.status in (Status.REPLIED, Status.CLOSED):
        raise UserError(f"申请 {r.number} 已办结,不能再{action}")
    return r


def facts_of(session: Session, r: Request) -> CaseFacts:
    """What the state machine (domain.case_actions) needs to know of the case."""
    asked = session.execute(select(Event.id).where(Event.request_id == r.id,
                                                   Event.action == "correction_requested").limit(1)).first()
    review = session.execute(select(Review.status).where(Review.request_id == r.id)
                             .order_by(Review.id.desc()).limit(1)).scalar_one_or_none()
    return CaseFacts(status=Status(r.status), closed=r.closed_on is not None, delivered=r.delivered_on is not None,
                     extended=bool(r.extended), correction_asked=asked is not None, review=review,
                     units_waiting=units_waiting(session, r.id))


def units_waiting(session: Session, request_id: int) -> tuple[str, ...]:
    """The units handed the request whose draft the office has not yet taken, as "name(state)"."""
    rows = session.execute(
        select(Unit.name, Handover.status).join(Unit, Unit.id == Handover.unit_id)
        .where(Handover.request_id == request_id,
               Handover.status.in_((HandoverStatus.HANDED, HandoverStatus.SIGNED, HandoverStatus.SUBMITTED)))
        .order_by(Handover.id)).all()
    return tuple(f"{name}({HandoverStatus(status).label})" for name, status in rows)


def issuable_documents(session: Session, r: Request, facts: CaseFacts | None = None) -> list[str]:
    """The documents that fit the case now (domain.case_actions.issuable_kinds)."""
    events = session.execute(select(Event.action, Event.after).where(Event.request_id == r.id)
                             .order_by(Event.seq)).all()
    return issuable_kinds(facts or facts_of(session, r), r.result_key, [(a, after) for a, after in events])


def step(tx: Tx, case_id: int, key: str) -> Request:
    """The case, if the state machine allows step ``key`` now (the service checked the role before)."""
    if tx.actor.in_unit:  # the unit's own steps are services.handover's
        check_reach(tx.session, tx.actor, case_id)
        raise UserError(OFFICE_ONLY)
    r = get_request(tx.session, case_id)
    refuse_unless_allowed(facts_of(tx.session, r), key)
    return r


def close_request(tx: Tx, r: Request, result_key: str, on: date, *, status: Status, note: str | None = None,
                  extra: dict[str, Any] | None = None) -> CaseSummary:
    """Record the case's result and closing date (a reply, a withdrawal, another ending) with its event."""
    from workstation.services.locks import check_not_locked

    if result_key not in RESULTS_BY_KEY:
        raise UserError(f"未知的办理结果:{result_key}", field="result")
    if on < r.received:
        raise UserError("办结日期不能早于收到申请日期", field="on")
    check_not_locked(tx.session, [on], what=f"在{on.isoformat()}办结")
    before = {"status": r.status, "result_key": r.result_key, "closed_on": r.closed_on}
    if status == Status.REPLIED:  # a reply stays on the clock until its delivery counts (235号)
        clock = clock_of(tx.db, tx.session, r)
        r.due = deadline_engine(tx.db, tx.session).compute(clock, as_of=max(on, r.received), explain=False).due
    else:
        r.due = None
    r.result_key, r.closed_on, r.status = result_key, on, status
    tx.event("closed", request_id=r.id, before=before,
             after={"status": status, "result_key": result_key, "result": RESULTS_BY_KEY[result_key].label,
                    "closed_on": on, **(extra or {})}, effective_on=on, note=note)
    return summary(r)
