"""Ledger import (台账导入): bring an office's spreadsheet register into the database.

All or nothing: the file is read and every row checked (its own content, then
against the register and the period locks) before anything is written; one bad
row means nothing is imported and every bad row is listed. A good ledger goes in
with one write transaction, bulk inserted, each request with its audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workstation.domain.deadline import Clock, DeadlineEngine
from workstation.domain.identity import mask_id
from workstation.domain.intake import RECEIVED_FACT
from workstation.domain.ledger import (
    Ledger,
    LedgerRejected,
    LedgerRow,
    RowProblem,
    number_problem,
    read_ledger,
    sequence_of,
)
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import Role, Status
from workstation.services.base import (
    Actor,
    Tx,
    event_digest,
    office_settings,
    plain,
    require,
    utcnow,
    writing,
)
from workstation.services.clock import load_calendar
from workstation.services.locks import PeriodLocked, check_not_locked
from workstation.services.search_index import index_requests
from workstation.settings import OfficeSettings
from workstation.store.database import Database
from workstation.store.models import Event, NumberSequence, Request

LEDGER_ROLES = (Role.CLERK, Role.HEAD)
_CHUNK = 500  # numbers per IN (...) query
_REPORT_EVERY = 1000

Progress = Callable[[int, int], None]


def _silent(done: int, total: int) -> None:
    """No one listens to the progress."""

__all__ = ["ImportReport", "LedgerRejected", "RowProblem", "import_ledger"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    name: str
    sha256: str
    rows: int  # data rows in the file
    imported: int
    skipped: int  # already in the register with the same received date and applicant
    still_open: int  # of the imported, those without a result
    dry_run: bool
    notes: tuple[RowProblem, ...]  # rows imported with a remark (an ID whose check digit is wrong)

    def text(self) -> str:
        if self.dry_run:
            return f"检查通过:可导入 {self.imported} 件,跳过 {self.skipped} 件(已存在);未写入任何数据"
        return f"已导入 {self.imported} 件,跳过 {self.skipped} 件(已存在)"


@dataclass(frozen=True)
class _Plan:
    new: list[LedgerRow]
    skipped: int
    problems: list[RowProblem]


def import_ledger(db: Database, actor: Actor, path: Path | str, *, dry_run: bool = False,
                  today: date | None = None, progress: Progress | None = None,
                  encoding: str | None = None) -> ImportReport:
    """Import a ledger file (XLSX or CSV); raises LedgerRejected listing every bad row, writing nothing.

    ``progress(done, total)`` hears how many good rows were written so far; it may raise
    (a cancel button) and then, as for any error, nothing is written. ``encoding`` ("utf-8" or
    "gb18030") answers EncodingUnclear for a CSV that is not clean in one encoding.
    """
    require(actor, *LEDGER_ROLES, action="导入台账")
    today = today or date.today()
    report = progress or _silent
    ledger = read_ledger(Path(path), today=today, encoding=encoding)
    report(0, len(ledger.rows))
    if dry_run or not ledger.ok:
        with db.read() as s:
            plan = _plan(s, ledger, office_settings(db, s))
        if plan.problems:
            raise LedgerRejected(ledger.name, plan.problems)
        return _report(ledger, plan, dry_run=True)
    settings = office_settings(db)
    engine = DeadlineEngine(load_calendar(db))
    with writing(db, actor) as tx:
        plan = _plan(tx.session, ledger, settings)
        if plan.problems:
            raise LedgerRejected(ledger.name, plan.problems)
        if plan.new:
            _insert(tx, ledger, plan.new, settings, engine, today, report)
            tx.event("ledger_imported", after={
                "file": ledger.name, "sha256": ledger.sha256, "rows": ledger.data_rows,
                "imported": len(plan.new), "skipped": plan.skipped,
                "open": sum(1 for r in plan.new if r.result_key is None),
            })
    return _report(ledger, plan, dry_run=False)


def _report(ledger: Ledger, plan: _Plan, *, dry_run: bool) -> ImportReport:
    notes = tuple(RowProblem(r.line, "证件号码", r.notes["证件号码校验"]) for r in plan.new
                  if "证件号码校验" in r.notes)
    return ImportReport(ledger.name, ledger.sha256, ledger.data_rows, len(plan.new), plan.skipped,
                        sum(1 for r in plan.new if r.result_key is None), dry_run, notes)


# --- checking against the register -----------------------------------------------------------
def _plan(session: Session, ledger: Ledger, settings: OfficeSettings) -> _Plan:
    """Split the good rows into new and already imported; rows that clash with the register are problems."""
    problems = list(ledger.problems)
    pattern, prefix = settings.request_pattern, settings.request_prefix
    existing: dict[str, tuple[date, str]] = {}
    numbers = [r.number for r in ledger.rows]
    for start in range(0, len(numbers), _CHUNK):
        q = select(Request.number, Request.received, Request.applicant_name).where(
            Request.number.in_(numbers[start:start + _CHUNK]))
        for number, received, applicant in session.execute(q):
            existing[number] = (received, applicant)
    locked: dict[tuple[date, str], str | None] = {}
    new: list[LedgerRow] = []
    skipped = 0
    for row in ledger.rows:
        if reason := number_problem(row.number, row.received, pattern, prefix):
            problems.append(RowProblem(row.line, "受理编号", reason))
            continue
        if row.number in existing:
            received, applicant = existing[row.number]
            if received == row.received and applicant == row.applicant_name:
                skipped += 1
            else:
                problems.append(RowProblem(row.line, "受理编号", (
                    f"登记簿中已有受理编号为“{row.number}”的另一件申请(收到日期{received.isoformat()},"
                    f"申请人{applicant}),与本行不同。请核对编号")))
            continue
        bad = [(header, reason) for header, day, what in (("收到日期", row.received, "导入这一天收到的申请"),
                                                            ("答复日期", row.replied, "导入这一天答复的申请"))
               if day is not None and (reason := _lock_reason(session, locked, day, what))]
        if bad:
            problems.extend(RowProblem(row.line, header, reason) for header, reason in bad)
            continue
        new.append(row)
    return _Plan(new, skipped, problems)


def _lock_reason(session: Session, cache: dict[tuple[date, str], str | None], day: date,
                 what: str) -> str | None:
    """Why a date is closed to imports (a locked period), asked once per date."""
    if (day, what) not in cache:
        try:
            check_not_locked(session, [day], what=f"{what}({day.isoformat()})")
        except PeriodLocked as exc:
            cache[(day, what)] = exc.message
        else:
            cache[(day, what)] = None
    return cache[(day, what)]


# --- writing ---------------------------------------------------------------------------------
def _insert(tx: Tx, ledger: Ledger, rows: Sequence[LedgerRow], settings: OfficeSettings,
            engine: DeadlineEngine, today: date, progress: Progress) -> None:
    now = utcnow()
    extension_days = settings.extension_days
    values: list[dict[str, Any]] = []
    clocks: list[tuple[date | None, bool, date | None]] = []  # due, provisional, original due
    for done, row in enumerate(rows):
        if done % _REPORT_EVERY == 0:
            progress(done, len(rows))
        due = original_due = None
        provisional = False
        if row.result_key is None:
            clock = Clock(received=row.received, extension_days=extension_days if row.extended else 0,
                          reply_days=settings.reply_days,
                          correction_notice_days=settings.correction_notice_days)
            d = engine.compute(clock, as_of=max(today, row.received), explain=False)
            due, provisional, original_due = d.due, d.provisional, d.original_due
        clocks.append((due, provisional, original_due))
        facts = dict.fromkeys(("handed_in_on", "signed_on", "confirmed_on"))
        facts[RECEIVED_FACT[row.channel]] = row.received
        values.append({
            "number": row.number, "number_year": None, "number_seq": None, "source": "import",
            "channel": row.channel, **facts, "received": row.received,
            "applicant_kind": row.applicant_kind, "applicant_name": row.applicant_name,
            "id_type": row.id_type, "id_number": row.id_number or None, "id_override_reason": None,
            "legal_representative": None, "contact_person": None, "phone": row.phone or None,
            "address": row.address or None, "postcode": None, "email": None, "content": row.content,
            "wanted_form": None, "delivery": None, "oral": False, "fee_waiver_requested": False,
            "notes": row.notes or None,
            "status": str(Status.OPEN if row.result_key is None else Status.CLOSED),
            "result_key": row.result_key, "closed_on": row.replied, "delivered_on": None,
            "due": due, "due_provisional": provisional, "extended": row.extended,
            "created_at": now, "created_by": tx.actor.id,
        })
    # render_nulls keeps every row's keys alike, so each table takes one executemany, not one per row
    tx.session.execute(insert(Request).execution_options(render_nulls=True), values)
    # the numbers are unique: looking them up is portable and, unlike RETURNING in bulk, fast on SQLite
    ids: dict[str, int] = {}
    for start in range(0, len(rows), _CHUNK):
        chunk = [r.number for r in rows[start:start + _CHUNK]]
        for number, request_id in tx.session.execute(select(Request.number, Request.id)
                                                     .where(Request.number.in_(chunk))):
            ids[number] = request_id
    index_requests(tx.session, ids.values())
    chain = _Chain(tx, now)
    for row, value, (due, provisional, original_due) in zip(rows, values, clocks, strict=True):
        request_id = ids[row.number]
        after = {k: value[k] for k in ("number", "received", "channel", "applicant_kind", "applicant_name",
                                       "phone", "address", "content", "status", "result_key", "closed_on",
                                       "extended", "notes")}
        after.update(id_number=mask_id(row.id_number), due=due, provisional=provisional,
                     result=RESULTS_BY_KEY[row.result_key].label if row.result_key else None)
        chain.add("imported", request_id, after, row.received, f"台账导入:{ledger.name} 第{row.line}行")
        if original_due is not None and row.extended:
            # the deadline engine reads the extension from this event, as for a case extended at the window
            chain.add("extended", request_id, {"days": extension_days, "approved_by": "", "approved_on": None,
                                               "reason": "台账记载已延期", "original_due": original_due},
                      None, f"台账导入:{ledger.name} 第{row.line}行")
    tx.session.execute(insert(Event).execution_options(render_nulls=True), chain.rows)
    _advance_sequences(tx, rows, settings)
    progress(len(rows), len(rows))


class _Chain:
    """Events appended to the hash chain without a flush each (a ledger brings thousands)."""

    def __init__(self, tx: Tx, at: Any) -> None:
        self.head = tx.lock_head()  # held until commit: these rows are chained here, not by writing()
        self.tx = tx
        self.at = at
        self.rows: list[dict[str, Any]] = []

    def add(self, action: str, request_id: int, after: dict[str, Any], effective_on: date | None,
            note: str) -> None:
        row: dict[str, Any] = {
            "seq": self.head.seq + 1, "request_id": request_id, "at": self.at, "actor_id": self.tx.actor.id,
            "actor": self.tx.actor.display_name, "action": action, "effective_on": effective_on, "before": None,
            "after": plain(after), "note": note, "prev_hash": self.head.last_hash,
        }
        # event_digest reads attributes; a plain namespace spares building thousands of ORM objects
        row["hash"] = event_digest(cast(Event, SimpleNamespace(**row)))
        self.head.seq, self.head.last_hash = row["seq"], row["hash"]
        self.rows.append(row)


def _advance_sequences(tx: Tx, rows: Sequence[LedgerRow], settings: OfficeSettings) -> None:
    """Move each year's number sequence past imported numbers written in the office's own pattern."""
    highest: dict[int, int] = {}
    for row in rows:
        parts = sequence_of(row.number, settings.request_pattern, settings.request_prefix)
        if parts is not None:
            year, seq = parts
            highest[year] = max(highest.get(year, 0), seq)
    for year, seq in highest.items():
        counter = tx.session.get(NumberSequence, ("request", year))
        if counter is None:
            tx.session.add(NumberSequence(name="request", year=year, last=seq))
        elif counter.last < seq:
            counter.last = seq
