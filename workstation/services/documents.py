"""Issuing documents (出具文书): number, render, archive. Re-printing prints the archive.

Once issued, a notice is an archived record: its PDF bytes are kept and never
regenerated; a correction is a new document that names the one it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workstation.domain.citations import clause, join_citations
from workstation.domain.errors import UserError
from workstation.domain.notices import CORRECTION_POINTS, KINDS, NUMBERED
from workstation.domain.numbers import format_number
from workstation.domain.remedies import remedies_for
from workstation.domain.results import (
    APPLICANT_KINDS_BY_KEY,
    CHANNELS,
    DELIVERY_WAYS,
    RESULTS_BY_KEY,
    WANTED_FORMS,
)
from workstation.domain.status import Role
from workstation.services.access import check_reach
from workstation.services.base import (
    Actor,
    PermissionDenied,
    office_settings,
    require,
    utcnow,
    writing,
)
from workstation.services.case_records import get_request, issuable_documents
from workstation.services.review import PROVISION_FORMS
from workstation.settings import SETTINGS, OfficeSettings
from workstation.store.database import Database
from workstation.store.models import Document, Event, NumberSequence, Request

_FONTS_WARNED = "fonts_warned"


class ProvisionalDates(UserError):
    """The document would print a date counted through a year whose holiday schedule is not official yet:
    the clerk is asked first (import the State Council's notice, or issue it anyway, the date marked)."""


def provisional_dates(db: Database, context: dict[str, Any], kind: str) -> tuple[str, list[int]]:
    """The date a document prints that depends on a provisional year, and those years ("" when none).

    The receipt and the explanation of the clock mark their estimate in the text already; these are the
    notices that promise a date: the extension's new due date, the correction's last day."""
    from workstation.services.clock import load_calendar

    calendar = load_calendar(db)
    if kind == "extension":
        start, end = context["case"]["received"], context["extension"]["new_due"]
    elif kind == "correction" and context["correction"]["correct_by"]:
        start, end = context["issue_date"], context["correction"]["correct_by"]
    else:
        return "", []
    if end is None or not calendar.touches_provisional(start, end):
        return "", []
    return f"{end.year}年{end.month}月{end.day}日", [y for y in range(start.year, end.year + 1)
                                                    if calendar.is_provisional_year(y)]


@dataclass(frozen=True)
class IssuedDocument:
    id: int
    request_id: int
    kind: str
    template: str
    template_version: str
    number: str | None
    issued_on: date
    fonts_embedded: bool
    pdf: bytes
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def _latest_after(session: Any, case_id: int, action: str) -> dict[str, Any]:
    after = session.execute(select(Event.after).where(Event.request_id == case_id, Event.action == action)
                            .order_by(Event.seq.desc()).limit(1)).scalar_one_or_none()
    return dict(after or {})


def _iso(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def build_context(db: Database, session: Any, r: Request, kind: str, issue_date: date,
                  doc_number: str | None, *, handler: str = "", details: dict[str, str] | None = None
                  ) -> dict[str, Any]:
    """Everything a template may print about the office, the case and this document.

    ``handler`` is the 经办人; ``details`` what the clerk wrote for this document only (the content and
    reason of a 公开决定告知书).
    """
    details = details or {}
    from workstation.domain.identity import mask_id
    from workstation.services.cases import deadline as case_deadline
    from workstation.services.clock import clock_of

    settings = office_settings(db, session)
    d = case_deadline(db, r.id, as_of=issue_date, explain=False)
    office = {
        "name": settings.office_name or "(请在“设置”中填写机关名称)",
        "address": settings.office_address, "phone": settings.office_phone,
        "postcode": settings.office_postcode, "seal_text": settings.seal_text or settings.office_name,
        "review_body": settings.review_body or "(请在“设置”中填写行政复议机关)",
        "court": settings.court,
    }
    case = {
        "number": r.number, "received": r.received, "channel": CHANNELS.get(r.channel, r.channel),
        "applicant_name": r.applicant_name, "applicant_kind": r.applicant_kind,
        "address": r.address or "", "postcode": r.postcode or "", "phone": r.phone or "", "email": r.email or "",
        "id_number_masked": mask_id(r.id_number or ""), "content": r.content,
        "wanted_form": WANTED_FORMS.get(r.wanted_form or "", ""), "delivery": DELIVERY_WAYS.get(r.delivery or "", ""),
        "due": d.due, "due_provisional": d.provisional, "correction_notice_by": d.correction_notice_by,
        "original_due": d.original_due, "reply_days": clock_of(db, session, r).reply_days,
    }
    context: dict[str, Any] = {"office": office, "case": case, "doc_number": doc_number or "",
                               "issue_date": issue_date, "title": KINDS[kind], "handler": handler,
                               "applicant_is_person": r.applicant_kind == "natural",
                               "provisional_mark": False}  # issue() sets it: a promised date is an estimate
    if kind == "correction":
        asked = _latest_after(session, r.id, "correction_requested")
        missing = asked.get("missing") or []
        context["correction"] = {
            "points": asked.get("items", ""), "correct_by": _iso(asked.get("correct_by")),
            "period_days": settings.correction_period_days,
            "boxes": [{"label": label, "ticked": key in missing} for key, label in CORRECTION_POINTS.items()],
        }
    elif kind == "extension":
        ext = _latest_after(session, r.id, "extended")
        context["extension"] = {"days": ext.get("days", 0), "reason": clause(ext.get("reason", "")),
                                "original_due": _iso(ext.get("original_due")) or d.original_due, "new_due": d.due}
    elif kind == "third-party":
        pause = _latest_pause(session, r.id, "third_party")
        context["third_party"] = {"name": pause.get("party", ""), "answer_by": _iso(pause.get("answer_by")),
                                  "days": settings.third_party_days}
    elif kind == "third-party-decision":
        pause = _latest_pause(session, r.id, "third_party")
        if not pause:
            raise UserError("公开决定告知书发给不同意公开的第三方:这件申请没有征求过第三方意见")
        what = clause(details.get("what", "")) or clause(r.content)
        reason = clause(details.get("reason", ""))
        if not reason:
            raise UserError("请写明决定公开的理由(不公开可能对公共利益造成的重大影响,条例第三十二条)",
                            field="reason")
        context["third_party"] = {"name": pause.get("party", ""), "asked_on": _iso(pause.get("on"))}
        context["decision"] = {"what": what, "reason": reason}
    elif kind == "consultation":
        pause = _latest_pause(session, r.id, "other_body")
        if not pause.get("party"):
            raise UserError("征求意见函需要被征求意见的机关:请先以“征求其他机关意见”暂停计时并填写机关名称")
        context["consultation"] = {"body": pause["party"], "answer_by": _iso(pause.get("answer_by")),
                                   "days": settings.third_party_days}
    elif kind == "reasons":
        since = date(issue_date.year, 1, 1)
        context["reasons"] = {"since": since, "count": applicant_requests(session, r, since, issue_date)}
    elif kind == "delay":
        manual = _latest_after(session, r.id, "manual_due_set")
        if not manual.get("due"):
            raise UserError("延迟答复告知书需要另行确定的答复期限:请先由负责人“另行确定期限”(条例第三十五条)")
        asked = session.execute(select(Document.issued_on).where(Document.request_id == r.id,
                                                                Document.kind == "reasons")
                                .order_by(Document.id.desc()).limit(1)).scalar_one_or_none()
        context["delay"] = {"due": _iso(manual["due"]), "reason": clause(manual.get("reason", "")),
                            "reasons_asked_on": asked}
    elif kind == "application-form":
        case["id_type"] = r.id_type or ""
        case["id_number"] = r.id_number or ""  # the applicant's own form, signed by them: printed in full
        case["legal_representative"] = r.legal_representative or ""
        case["contact_person"] = r.contact_person or ""
        case["applicant_kind_label"] = APPLICANT_KINDS_BY_KEY[r.applicant_kind].label if (
            r.applicant_kind in APPLICANT_KINDS_BY_KEY) else r.applicant_kind
        case["oral"] = bool(r.oral)
    elif kind == "fee":
        context["fee"] = _fee(session, r, settings)
    elif kind in ("reply", "delivery"):
        closed = _latest_after(session, r.id, "closed")
        if not r.result_key:
            raise UserError("尚未答复,不能出具答复告知书或送达回证")
        row = RESULTS_BY_KEY[r.result_key]
        context["remedies"] = remedies_for(r.result_key, office["review_body"], settings.court).text
        context["reply"] = _reply_context(r, row, closed)
        if kind == "reply":
            _check_reasons(r.result_key, closed)
        if kind == "delivery":
            delivered = _latest_after(session, r.id, "delivered")
            reply_doc = session.execute(select(Document).where(Document.request_id == r.id,
                                                               Document.kind == "reply")
                                        .order_by(Document.id.desc()).limit(1)).scalar_one_or_none()
            context["delivery"] = {"method": delivered.get("method_label", ""), "on": _iso(delivered.get("on")),
                                   "tracking_no": delivered.get("tracking_no", ""),
                                   "signed_by": delivered.get("signed_by", ""),
                                   "document_number": reply_doc.number if reply_doc else ""}
    if kind == "deadline-explanation":  # the clock's own block: every figure from the deadline engine
        from workstation.services.cases import explanation_context

        context["clock"] = explanation_context(db, session, r, issue_date)
    return context


def _reply_context(r: Request, row: Any, closed: dict[str, Any]) -> dict[str, Any]:
    """What a reply notice prints: the result, its basis and the reasons stated when replying."""
    from workstation.domain.reply_reasons import (
        REGULATION,
        WITHHELD_GROUNDS_BY_KEY,
        is_not_responsible,
    )

    ground = WITHHELD_GROUNDS_BY_KEY.get(closed.get("withheld_ground", ""))
    text = {name: clause(closed.get(name, "")) for name in (
        "published_at", "provision_place", "provision_time", "withheld_part", "withheld_reason", "prohibiting_law",
        "harm", "third_party_objection", "weighing", "governing_law", "not_responsible_reason",
        "responsible_body", "responsible_contact", "earlier_number", "earlier_doc_number", "earlier_result",
        "other_reason")}
    return {
        **text, "result_key": r.result_key, "result": row.label, "category": row.category,
        "basis": join_citations([closed.get("basis") or row.basis]), "refusal_14_16": row.is_refusal_14_16,
        "provision_form": _label(PROVISION_FORMS, closed.get("provision_form", "")),
        "provision_way": _label(DELIVERY_WAYS, closed.get("provision_way", "")),
        "materials": list(closed.get("materials", [])),
        "withheld_ground": ground.label if ground else "",
        "withheld_ground_basis": f"{REGULATION}{ground.article}" if ground else "",
        "not_responsible": is_not_responsible(r.result_key or "", closed),
        "earlier_received": _iso(closed.get("earlier_received")),
        "earlier_replied_on": _iso(closed.get("earlier_replied_on")),
        "replied_on": r.closed_on,
    }


def _check_reasons(result_key: str, closed: dict[str, Any]) -> None:
    """A reply notice is not printed without the reasons its result must state (Art. 36, 37)."""
    from workstation.domain.reply_reasons import slot_errors
    from workstation.services.review import stated_values

    errors = slot_errors(result_key, stated_values(closed))
    if errors:
        missing = ";".join(errors.values())
        raise UserError(f"这件申请答复时没有记录答复告知书必须写明的内容,不能出具:{missing}。"
                        "请由负责人“更正办理结果”后重新答复,或在答复时补全。")


def _fee(session: Any, r: Request, settings: OfficeSettings) -> dict[str, Any]:
    """The 收费通知's standard, calculation and amount: 按量 from the pages the clerk gave, else 按件 from this
    applicant's requests in the calendar month of this one, counted in the register (国办函〔2020〕109号)."""
    from decimal import Decimal

    from workstation.domain.fees import per_page, per_piece

    pause = _latest_pause(session, r.id, "fee")
    if not pause:
        raise UserError("收费通知需要先以“等待缴费”暂停计时")
    if pause.get("pages"):
        calc = per_page(int(pause["pages"]))
    else:
        first = r.received.replace(day=1)
        earlier = (Request.received < r.received) | ((Request.received == r.received) & (Request.id <= r.id))
        ordinal = session.execute(select(func.count()).select_from(Request)
                                  .where(_same_applicant(r), Request.received >= first, earlier)).scalar_one()
        calc = per_piece(ordinal, f"{r.received.year}年{r.received.month}月")
    if calc.amount <= 0:
        raise UserError(f"按{'量' if calc.basis == 'page' else '件'}计收,本申请不收费({calc.calculation}),不能出具收费通知")
    typed = pause.get("amount")
    if typed and Decimal(typed) != calc.amount:
        raise UserError(f"暂停时填写的应缴金额{typed}元与按标准计算的{calc.amount}元不符({calc.calculation}),"
                        "请核对后重新暂停计时")
    return {"amount": calc.amount, "standard": calc.standard, "tier": calc.tier, "calculation": calc.calculation,
            "basis": calc.basis, "payment": settings.fee_payment, "days": settings.fee_days,
            "pay_by": _iso(pause.get("answer_by"))}


def _latest_pause(session: Any, case_id: int, kind: str) -> dict[str, Any]:
    """The latest pause of one kind (third party, other body, fee), or {}."""
    rows = session.execute(select(Event.after).where(Event.request_id == case_id, Event.action == "pause_started")
                           .order_by(Event.seq.desc())).scalars()
    return next((dict(after) for after in rows if after and after.get("kind") == kind), {})


def applicant_requests(session: Any, r: Request, start: date, end: date) -> int:
    """How many requests this applicant made from ``start`` to ``end`` (received dates, both included), this
    one among them: the same ID document number, or without one the same name and kind of applicant."""
    return session.execute(select(func.count()).select_from(Request)
                           .where(_same_applicant(r), Request.received >= start, Request.received <= end)).scalar_one()


def _same_applicant(r: Request) -> Any:
    """The requests of the same applicant as ``r``: the same ID document number, or without one the same
    name and kind of applicant."""
    return (Request.id_number == r.id_number) if r.id_number else (
        (Request.applicant_name == r.applicant_name) & (Request.applicant_kind == r.applicant_kind))


def _label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value)


def _template_kind(kind: str, context: dict[str, Any]) -> str:
    from workstation.documents import reply_kind_for

    if kind == "reply":
        reply = context["reply"]
        if reply["not_responsible"]:
            return "reply_not_responsible"
        return reply_kind_for(reply["result_key"], reply["responsible_body"], reply["basis"])
    return kind.replace("-", "_")


def notice_date(session: Any, r: Request, kind: str, today: date) -> date:
    """The date a document bears: a reply notice its reply date (also when printed years later, so its 文号
    is of that year too); a 送达回证 the recorded delivery date; a letter that starts a period (补正, 延期, 征求意见,
    收费) the day it was recorded; any other document the day it is printed."""
    if kind == "reply" and r.closed_on:
        return r.closed_on
    if kind == "delivery":
        return _iso(_latest_after(session, r.id, "delivered").get("on")) or today
    if kind in _LETTER_EVENTS:
        action, field, pause_kind = _LETTER_EVENTS[kind]
        after = _latest_pause(session, r.id, pause_kind) if pause_kind else _latest_after(session, r.id, action)
        return _iso(after.get(field)) or today
    return today


# A letter whose period runs from its own date bears the day it was decided, also when printed again later:
# document kind → (event, field of the date, pause kind).
_LETTER_EVENTS = {"correction": ("correction_requested", "on", None),
                  "extension": ("extended", "approved_on", None),
                  "third-party": ("pause_started", "on", "third_party"),
                  "consultation": ("pause_started", "on", "other_body"),
                  "fee": ("pause_started", "on", "fee")}


_ATTEMPTS = 5


# Why a document does not fit the case yet (the step that makes it fit).
_NOT_YET = {
    "correction": "发出补正告知后才能出具", "extension": "批准延期后才能出具",
    "third-party": "征询第三方意见期间才能出具", "fee": "等待缴费期间才能出具",
    "consultation": "征求其他机关意见期间才能出具", "third-party-decision": "征询过第三方意见后才能出具",
    "reasons": "办结后不能再要求说明理由", "delay": "另行确定答复期限后才能出具",
    "reply": "尚未答复,答复后才能出具", "delivery": "尚未答复,答复后才能出具",
}


def issue(db: Database, actor: Actor, case_id: int, kind: str, *, today: date | None = None,
          replaces: int | None = None, details: dict[str, str] | None = None,
          provisional_ok: bool = False) -> IssuedDocument:
    """Issue a document: read the case and the 文号 it will bear, render it with no transaction open, then
    take the number and archive the PDF with an event in one short write.

    An office's template may take seconds to render (or be stopped at its time limit); meanwhile other
    windows keep registering. If the case changed or another window took the number in between, the
    document is rendered again with what is now true; a render that fails writes nothing, so no number
    is used up. ``details`` are what the clerk wrote for this document alone; they are kept in the event.
    A notice that would print a date counted through a provisional year raises ProvisionalDates (nothing
    written) unless ``provisional_ok``: the clerk chose to issue it anyway, and the date is marked.
    """
    from workstation.documents import render_document

    require(actor, Role.CLERK, Role.HEAD, action="出具文书")
    if actor.in_unit:
        raise PermissionDenied("文书以办公室的名义出具,由办公室办理;承办单位请提交答复草稿")
    if kind not in KINDS:
        raise UserError(f"未知的文书种类:{kind}。可用:{'、'.join(KINDS)}")
    today = today or date.today()
    settings = office_settings(db)
    override = Path(settings.template_dir) if settings.template_dir else None
    fonts = font_paths(settings)
    handler = actor.display_name if actor.id is not None else ""
    for _attempt in range(_ATTEMPTS):
        with db.read() as s:
            r = get_request(s, case_id)
            dated = notice_date(s, r, kind, today)
            seq = _document_seq(s, dated.year) + 1 if kind in NUMBERED else None
            number = _document_number(settings, dated.year, seq) if seq else None
            mark = _case_mark(s, case_id)
            context = build_context(db, s, r, kind, dated, number, details=details, handler=handler)
            if kind != "deadline-explanation" and kind not in issuable_documents(s, r):  # that one: any case
                raise UserError(f"本申请现在不能出具{KINDS[kind]}:{_NOT_YET.get(kind, '办理到相应步骤后才能出具')}")
        when, years = provisional_dates(db, context, kind)
        if years and not provisional_ok:
            listed = "、".join(str(y) for y in years)
            raise ProvisionalDates(
                f"这份{KINDS[kind]}要写明的日期({when})是按预估的{listed}年节假日安排推算的:{listed}年的"
                "放假安排尚未导入。请先在“节假日”中导入国务院办公厅的放假通知,再出具;确需现在出具的,"
                "可选择“仍然出具”,文书上的这个日期将注明为预估。")
        context["provisional_mark"] = bool(years)  # the template marks the date it promises
        rendered = render_document(_template_kind(kind, context), context, override_dir=override,
                                   font_paths=fonts)
        with writing(db, actor) as tx:
            get_request(tx.session, case_id)  # locked: the case and the 文号 stay as checked until commit
            if _case_mark(tx.session, case_id) != mark or (
                    seq is not None and tx.lock_number("document", dated.year) + 1 != seq):
                continue  # changed while rendering: render again
            if seq is not None:
                tx.next_number("document", dated.year)
            estimate = f"{when}按预估的节假日安排推算,经办人确认后出具" if years else ""
            doc = _archive(tx, case_id, kind, number, dated, rendered, replaces, today, details, estimate)
        warnings = tuple(rendered.warnings)
        if warnings and db.cache.get(_FONTS_WARNED):
            warnings = ()  # the missing-font warning is said once per session
        if rendered.warnings:
            db.cache[_FONTS_WARNED] = True
        return IssuedDocument(doc.id, case_id, kind, doc.template, doc.template_version, number, dated,
                              doc.fonts_embedded, doc.pdf, warnings)
    raise UserError("其他窗口正在同时办理这件申请或出具文书,文书未能出具;请稍后再试。")


def _document_seq(session: Any, year: int) -> int:
    """The last 文号 sequence number used in ``year`` (0 before the first)."""
    row = session.get(NumberSequence, ("document", year))
    return row.last if row is not None else 0


def _document_number(settings: OfficeSettings, year: int, seq: int) -> str:
    return format_number(settings.document_pattern, settings.document_prefix,
                         year, seq, label=SETTINGS["numbers.document_pattern"].label)


def _case_mark(session: Any, case_id: int) -> int | None:
    """The case's latest event: a document rendered before it changed is rendered again."""
    return session.execute(select(func.max(Event.seq)).where(Event.request_id == case_id)).scalar_one()


def _archive(tx: Any, case_id: int, kind: str, number: str | None, dated: date, rendered: Any,
             replaces: int | None, today: date, details: dict[str, str] | None, estimate: str = "") -> Document:
    doc = Document(request_id=case_id, kind=kind, number=number, issued_on=dated, issued_by=tx.actor.id,
                   template=rendered.template, template_version=rendered.template_version,
                   fonts_embedded=rendered.fonts_embedded, replaces_id=replaces, pdf=rendered.pdf,
                   created_at=utcnow())
    tx.session.add(doc)
    tx.session.flush()
    tx.event("document_issued", request_id=case_id, effective_on=today,
             after={"document_id": doc.id, "kind": kind, "label": KINDS[kind], "number": number,
                    "template": rendered.template, "template_version": rendered.template_version,
                    "fonts_embedded": rendered.fonts_embedded, "replaces": replaces,
                    "bytes": len(rendered.pdf), **({"details": dict(details)} if details else {})},
             note=";".join(n for n in ("" if rendered.fonts_embedded else "未找到可嵌入的中文字体,使用了内置字体(未嵌入)",
                                       estimate) if n) or None)
    return doc


def font_paths(settings: OfficeSettings) -> list[Path]:
    """The CJK font files the office set in Settings (";"-separated), tried before the system's."""
    return [Path(p) for p in settings.font_paths.split(";") if p.strip()]


def warm_up(db: Database) -> bool:
    """Load the office's CJK fonts ahead of the first receipt (in the background at start-up).

    Reading and registering the TrueType collections costs about 0.3 s once per process; done
    before the first citizen arrives, the first receipt of the day is as quick as the others.
    Returns whether embeddable fonts were found.
    """
    from workstation.documents.fonts import find_fonts

    fonts = font_paths(office_settings(db))
    return find_fonts(fonts).embedded


def documents_of(db: Database, case_id: int) -> list[IssuedDocument]:
    with db.read() as s:
        rows = s.execute(select(Document).where(Document.request_id == case_id).order_by(Document.id)).scalars()
        return [IssuedDocument(d.id, d.request_id, d.kind, d.template, d.template_version, d.number, d.issued_on,
                               d.fonts_embedded, d.pdf) for d in rows]


def archived_pdf(db: Database, document_id: int, *, viewer: Actor | None = None) -> bytes:
    """The archived bytes of an issued document (re-printing never re-renders)."""
    with db.read() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise UserError("找不到这份文书")
        check_reach(s, viewer, doc.request_id)
        return doc.pdf
