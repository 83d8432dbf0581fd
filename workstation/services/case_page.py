"""Everything the case window shows, read in one call (on the worker) as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workstation.domain.deadline import Deadline, LetterPeriod
from workstation.domain.intake import IntakeData
from workstation.domain.status import Status
from workstation.services import cases, documents, office, review
from workstation.services.access import check_reach
from workstation.services.base import Actor
from workstation.services.cases import CaseSummary, TimelineEntry
from workstation.services.documents import IssuedDocument
from workstation.services.office import AttachmentInfo
from workstation.services.review import AppealInfo, ReviewInfo
from workstation.store.database import Database


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


def clock_end(case: CaseSummary, today: date) -> date:
    """The day the deadline is counted to: the delivery, the closing, or today while the clock runs."""
    if case.delivered_on is not None:
        return case.delivered_on
    if case.closed_on is not None and case.status != Status.REPLIED:
        return case.closed_on
    return today  # open, or replied and awaiting delivery: the clock runs until the delivery counts


def case_page(db: Database, case_id: int, *, viewer: Actor, today: date) -> CasePage:
    """The case, its deadline counted as of ``today``, its timeline, data, files, documents and review."""
    with db.read() as s:
        check_reach(s, viewer, case_id)
    case = cases.get_case(db, case_id)
    return CasePage(
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
    )
