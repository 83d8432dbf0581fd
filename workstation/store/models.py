"""SQLAlchemy 2 models: the register (登记簿) and everything kept beside it.

Only workstation.services opens sessions on these; widgets never see them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    event,
    false,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from workstation.domain.search_grams import bigrams


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """One office setting (office data, number patterns, day counts…), declared in settings.py."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(300))
    roles: Mapped[str] = mapped_column(String(100))  # comma separated role keys
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # set by an admin's password reset: the next login must choose a new password first
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the unit (承办单位) the user works in; None: the office itself (sees every request)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), nullable=True)


class Request(Base):
    """A request for government information (政府信息公开申请): the case."""

    __tablename__ = "request"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    number_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="window")  # window | import | cli | demo

    # Art. 31: the facts and the received date derived from them
    channel: Mapped[str] = mapped_column(String(20))
    handed_in_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    confirmed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    received: Mapped[date] = mapped_column(Date)

    # Art. 29: the applicant
    applicant_kind: Mapped[str] = mapped_column(String(20))
    applicant_name: Mapped[str] = mapped_column(String(200))
    id_type: Mapped[str | None] = mapped_column(String(30), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    id_override_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    legal_representative: Mapped[str | None] = mapped_column(String(100), nullable=True)
    contact_person: Mapped[str | None] = mapped_column(String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)

    content: Mapped[str] = mapped_column(Text)
    wanted_form: Mapped[str | None] = mapped_column(String(20), nullable=True)
    delivery: Mapped[str | None] = mapped_column(String(20), nullable=True)
    oral: Mapped[bool] = mapped_column(Boolean, default=False)
    fee_waiver_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    # state; the clock facts live in events, the due date is cached from the engine
    status: Mapped[str] = mapped_column(String(30))
    result_key: Mapped[str | None] = mapped_column(String(60), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    __table_args__ = (
        Index("ix_request_received", "received"),
        Index("ix_request_closed_on", "closed_on"),
        Index("ix_request_status_due", "status", "due"),
        Index("ix_request_applicant_name", "applicant_name"),
        UniqueConstraint("number_year", "number_seq", name="uq_request_year_seq"),
    )


class Event(Base):
    """The timeline of a case and the audit trail in one append-only, hash-chained table."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), nullable=True, index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40), index=True)
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The head of the event chain; a writer holds its row while it appends its events, just before commit."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class NumberSequence(Base):
    """Per-year counters for registration numbers and document numbers (文号)."""

    __tablename__ = "number_sequence"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    """An issued notice: an archived record whose PDF bytes are never regenerated."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str | None] = mapped_column(String(60), nullable=True, unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    template: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[str] = mapped_column(String(40))
    fonts_embedded: Mapped[bool] = mapped_column(Boolean, default=True)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), nullable=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Review(Base):
    """The confidentiality review (保密审查) of a case: prepared by one, signed off by another."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposed_result: Mapped[str | None] = mapped_column(String(60), nullable=True)
    chosen_result: Mapped[str | None] = mapped_column(String(60), nullable=True)
    choice_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # submitted | signed | returned
    prepared_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    prepared_at: Mapped[datetime] = mapped_column(DateTime)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    self_signoff: Mapped[bool] = mapped_column(Boolean, default=False)


class Appeal(Base):
    """行政复议 / 行政诉讼 on a request: the data of table 四."""

    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # review | litigation_direct | litigation_after_review
    filed_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str | None] = mapped_column(String(200), nullable=True)
    result: Mapped[str | None] = mapped_column(String(20), nullable=True)  # upheld | corrected | other
    result_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class CalendarOverride(Base):
    """An office's own decision for one date (manual)."""

    __tablename__ = "calendar_override"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))


class ImportedNotice(Base):
    """A State Council holiday notice imported for a year the office needed."""

    __tablename__ = "imported_notice"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    off: Mapped[dict] = mapped_column(JSON)  # ISO date -> festival
    work: Mapped[dict] = mapped_column(JSON)  # ISO date -> festival
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)


class Attachment(Base):
    """Scanned pages and files of a case (the request form, ID copies, released material)."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30), default="intake")  # intake | release
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)


class PeriodLock(Base):
    """A reporting period whose figures were sent or published (锁定)."""

    __tablename__ = "period_lock"
    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSON)
    locked_at: Mapped[datetime] = mapped_column(DateTime)
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    __table_args__ = (UniqueConstraint("start", "end", name="uq_period_lock_range"),)


class ReportPackage(Base):
    """A 报送包 imported at the county: one office's tables for one period (docs/report-package.md).

    A corrected package for the same office and period supersedes the earlier (kept, with ``superseded_at``);
    the current one of each office and period is the one not superseded.
    """

    __tablename__ = "report_package"
    id: Mapped[int] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(18))
    office_name: Mapped[str] = mapped_column(String(200))
    office_kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict] = mapped_column(JSON)
    correction: Mapped[str | None] = mapped_column(Text, nullable=True)  # the reason of a corrected package
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    __table_args__ = (Index("ix_report_package_period", "start", "end", "office_code"),)


class Unit(Base):
    """A unit of the office that holds information (承办单位: 科室、县直部门、乡镇街道、站所)."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Handover(Base):
    """A request handed to a unit (转办), its signing for, its draft reply and the office's answer to it."""

    __tablename__ = "handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[str] = mapped_column(String(20))  # domain.handover.HandoverStatus
    handed_on: Mapped[date] = mapped_column(Date)
    handed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    internal_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # the office's instructions
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    draft: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # result_key, text, opinion
    sent_back_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (
        Index("ix_handover_unit_status", "unit_id", "status"),
        Index("ix_handover_request", "request_id"),
    )


class Supervision(Base):
    """A reminder (督办) the office sent a unit, about one request or all its late ones."""

    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), nullable=True)
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class SearchGram(Base):
    """The search index (检索索引): one row per pair of adjacent characters of a request's number, applicant
    and content (domain/search_grams.py). Derived data, kept up to date by the listeners below; no foreign
    key, so writing it costs no check of the request row."""

    __tablename__ = "search_gram"
    gram: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    __table_args__ = {"sqlite_with_rowid": False}


# The register sorted by number or by due date reads these instead of sorting 100,000 rows (migration 0006).
Index("ix_request_number_order", Request.number_year, Request.number_seq, Request.number)
Index("ix_request_due", Request.due)

SEARCHED = ("number", "applicant_name", "content")  # the fields the register's search reads
# How services.cases.register begins a registration's number until it takes its real one just before commit
# (unique, never committed): not indexed, its pairs would be written and deleted again within the transaction.
PROVISIONAL_NUMBER = "登记中-"


def searched_values(number: str | None, *others: str | None) -> tuple[str | None, ...]:
    """The values of SEARCHED that the index holds: a provisional number is left out."""
    return ("" if number and number.startswith(PROVISIONAL_NUMBER) else number, *others)


def gram_rows(request_id: int, grams: set[int]) -> list[dict[str, int]]:
    return [{"gram": g, "request_id": request_id} for g in sorted(grams)]


# PostgreSQL: a request's pairs (about 40 for a registration) in one statement instead of one each
_INSERT_GRAMS = text("INSERT INTO search_gram (gram, request_id) "
                     "SELECT * FROM unnest(CAST(:grams AS bigint[]), CAST(:ids AS integer[]))")


def add_grams(connection: Connection, rows: list[dict[str, int]]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(_INSERT_GRAMS, {"grams": [r["gram"] for r in rows], "ids": [r["request_id"] for r in rows]})
    else:
        connection.execute(insert(SearchGram), rows)


@event.listens_for(Request, "after_insert")
def _index_new_request(_mapper: Mapper, connection: Connection, target: Request) -> None:
    add_grams(connection, gram_rows(target.id, bigrams(*searched_values(*(getattr(target, k) for k in SEARCHED)))))


@event.listens_for(Request, "before_update")
def _index_changed_request(_mapper: Mapper, connection: Connection, target: Request) -> None:
    """A searched field changed: the old values are read from the row before it is written."""
    state = inspect(target)
    histories = [state.attrs[k].history for k in SEARCHED]
    if not any(h.has_changes() for h in histories):
        return
    known = [h.deleted or h.unchanged for h in histories]  # the values before, if the session holds them
    old_row = (tuple(v[0] for v in known) if all(known) else
               connection.execute(select(*(getattr(Request, k) for k in SEARCHED)).where(Request.id == target.id)).one())
    old = bigrams(*searched_values(*old_row))
    new = bigrams(*searched_values(*(getattr(target, k) for k in SEARCHED)))
    if gone := old - new:
        connection.execute(delete(SearchGram).where(SearchGram.gram == bindparam("g"),
                                                    SearchGram.request_id == bindparam("r")),
                           [{"g": g, "r": target.id} for g in sorted(gone)])
    add_grams(connection, gram_rows(target.id, new - old))
