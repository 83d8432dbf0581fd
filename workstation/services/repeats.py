"""The repeat finder (重复申请, Art. 36(6)): earlier requests of the same applicant that ask for much the same.

Read-only. The same applicant is the same ID number (居民身份证 or 统一社会信用代码),
or the same name with the same phone number. The screens call this on the worker:
the ID number has no index, so on a large register the look-up takes a moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.similarity import LIKELY_REPEAT, similarity
from workstation.store.database import Database
from workstation.store.models import Document, Request


@dataclass(frozen=True)
class Applicant:
    """Who asks, as the repeat finder compares applicants."""

    name: str
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class EarlierRequest:
    id: int
    number: str
    received: date
    content: str
    result_key: str | None
    closed_on: date | None
    reply_number: str  # 文号 of its latest reply notice; "" if none was issued in this register
    score: float

    @property
    def result_label(self) -> str:
        return RESULTS_BY_KEY[self.result_key].label if self.result_key else "尚未答复"

    @property
    def replied(self) -> bool:
        return self.result_key is not None and self.closed_on is not None


def _id(value: str | None) -> str:
    return (value or "").strip().upper()


def _phone(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def same_applicant(applicant: Applicant, r: Request) -> bool:
    """The same ID number, or the same name and phone number."""
    if _id(applicant.id_number) and _id(r.id_number) == _id(applicant.id_number):
        return True
    return (bool(_phone(applicant.phone)) and r.applicant_name.strip() == applicant.name.strip()
            and _phone(r.phone) == _phone(applicant.phone))


def earlier_requests(db: Database, applicant: Applicant, content: str, *, exclude_id: int | None = None,
                     received_by: date | None = None, minimum: float = LIKELY_REPEAT,
                     replied_only: bool = False) -> list[EarlierRequest]:
    """The applicant's other requests scoring at least ``minimum`` against ``content``, most alike first."""
    conditions = [Request.applicant_name == applicant.name.strip()]
    if _id(applicant.id_number):
        conditions.append(func.upper(Request.id_number) == _id(applicant.id_number))
    with db.read() as s:
        q = select(Request).where(or_(*conditions))
        if exclude_id is not None:
            q = q.where(Request.id != exclude_id)
        if received_by is not None:
            q = q.where(Request.received <= received_by)
        if replied_only:
            q = q.where(Request.result_key.is_not(None), Request.closed_on.is_not(None))
        found = []
        for r in s.execute(q).scalars():
            if not same_applicant(applicant, r):
                continue
            score = similarity(content, r.content)
            if score < minimum:
                continue
            reply_number = s.execute(
                select(Document.number).where(Document.request_id == r.id, Document.kind == "reply")
                .order_by(Document.id.desc()).limit(1)).scalar_one_or_none()
            found.append(EarlierRequest(r.id, r.number, r.received, r.content, r.result_key, r.closed_on,
                                        reply_number or "", score))
    found.sort(key=lambda e: (-e.score, e.received, e.id))
    return found


def repeats_of(db: Database, case_id: int, *, minimum: float = LIKELY_REPEAT,
               replied_only: bool = False) -> list[EarlierRequest]:
    """Likely repeats of a registered request: the same applicant's earlier requests with similar content."""
    with db.read() as s:
        r = s.get(Request, case_id)
        if r is None:
            return []
        applicant = Applicant(r.applicant_name, r.id_number or "", r.phone or "")
        content, received = r.content, r.received
    return earlier_requests(db, applicant, content, exclude_id=case_id, received_by=received, minimum=minimum,
                            replied_only=replied_only)
