"""Everything the case window shows, read in one call (on the worker) as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from workstation.domain.deadline import Deadline, LetterPeriod
from workstation.domain.intake import IntakeData
from workstation.domain.status import Status
from workstation.services import cases, documents, handover, office, review, units
from workstation.services.access import check_reach
from workstation.services.base import Actor
from workstation.services.cases import CaseSummary, TimelineEntry
from workstation.services.documents import IssuedDocument
from workstation.services.handover import HandoverInfo
from workstation.services.office import AttachmentInfo
from workstation.services.review import AppealInfo, ReviewInfo
from workstation.services.units import UnitInfo
from workstation.store.database import Database
from workstation.store.models import Request, Unit


@dataclass(frozen=True)
class CasePage:
    case: CaseSummary
    deadline: Deadline
    letter: LetterPeriod | None  # the letter whose answer the case waits for (补正 or a pause)
    entries: list[TimelineEntry]  # oldest first
    intake: IntakeData  # the ID number masked unless the viewer may reveal it
    attachments: list[AttachmentInfo]
    documents: list[IssuedDocument]  # oldest first
    latest_review: ReviewInfo | None
    appeals: list[AppealInfo]
    state: cases.CaseState  # each step allowed or why not, for this viewer; the documents that fit
    # 转办: all empty in an office without units (the case window then shows nothing of hand-overs)
    units: list[UnitInfo] = field(default_factory=list)  # the active units the office may hand it to
    handovers: list[HandoverInfo] = field(default_factory=list)  # oldest first; a unit's user: its own
    handover_actions: dict[str, str] = field(default_factory=dict)  # 转办 / 签收, 退回, 提交答复草稿: "" or why not
    draft_actions: dict[int, dict[str, str]] = field(default_factory=dict)  # per hand-over: 采纳草稿, 退回草稿, 收回
    handover_due: date | None = None  # the internal deadline a new hand-over gets by default

    @property
    def shows_handovers(self) -> bool:
        return bool(self.units or self.handovers)


def clock_end(case: CaseSummary, today: date) -> date:
    """The day the deadline is counted to: the delivery, the closing, or today while the clock runs."""
    if case.delivered_on is not None:
        return case.delivered_on
    if case.closed_on is not None and case.status != Status.REPLIED:
        return case.closed_on
    return today  # open, or replied and awaiting delivery: the clock runs until the delivery counts


def case_page(db: Database, case_id: int, *, viewer: Actor, today: date) -> CasePage:
    """The case, its deadline counted as of ``today``, its timeline, data, files, documents and review."""
    with db.one_read():  # the services below share one session: one connection, the case row read once
        return _case_page(db, case_id, viewer=viewer, today=today)


def _case_page(db: Database, case_id: int, *, viewer: Actor, today: date) -> CasePage:
    with db.read() as s:
        check_reach(s, viewer, case_id)
        county = s.execute(select(Unit.id).limit(1)).first() is not None  # an office that ever had units
        row = s.get(Request, case_id)  # held: the services below find it in the session instead of reading it again
    case = cases.get_case(db, case_id)
    active_units = units.list_units(db) if county else []
    handed = handover.handovers_of(db, case_id, viewer=viewer) if county else []
    shown = bool(active_units or handed)
    is_open = case.closed_on is None
    page = CasePage(
        case=case,
        deadline=cases.deadline(db, case_id, as_of=clock_end(case, today)),
        letter=cases.awaited_letter(db, case_id),
        entries=cases.timeline(db, case_id),
        intake=cases.intake_of(db, case_id, viewer=viewer),
        attachments=office.list_attachments(db, case_id),
        documents=documents.documents_of(db, case_id),
        latest_review=review.latest_review(db, case_id),
        appeals=review.appeals_of(db, case_id),
        state=cases.state_of(db, case_id, viewer),
        units=active_units,
        handovers=handed,
        handover_actions=handover.handover_actions(db, case_id, viewer=viewer) if shown else {},
        draft_actions={h.id: handover.draft_actions(h, viewer, case_open=is_open) for h in handed},
        handover_due=(handover.default_internal_due(db, case_id, today=today)
                      if active_units and not viewer.in_unit and is_open else None),
    )
    del row
    return page
