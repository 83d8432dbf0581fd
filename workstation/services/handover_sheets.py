"""转办单 and 督办通知: the office's internal papers to a unit, printed as A4 PDF from forms/.

They go between the office and its units, never to the applicant: no 文号, not archived with the case's
documents (the hand-over and the reminder themselves are the audited record). An office may reword them
in its own template folder as it does its notices.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation.domain.errors import UserError
from workstation.domain.handover import FLAG_LABELS
from workstation.domain.results import CHANNELS, WANTED_FORMS
from workstation.services.access import VISIBLE, check_reach
from workstation.services.base import Actor, PermissionDenied, office_settings
from workstation.services.case_records import get_request, today_or
from workstation.services.documents import font_paths
from workstation.services.handover import Dues, supervision
from workstation.store.database import Database
from workstation.store.models import Handover, Supervision, Unit, User

HANDOVER_SHEET = "handover_sheet"
SUPERVISION_NOTICE = "supervision_notice"


def _render(db: Database, kind: str, context: dict[str, Any]) -> bytes:
    from workstation.documents import render_document

    settings = office_settings(db)
    override = Path(settings.template_dir) if settings.template_dir else None
    context["office"] = {"name": settings.office_name or "(请在“设置”中填写机关名称)"}
    return render_document(kind, context, override_dir=override, font_paths=font_paths(settings)).pdf


def handover_sheet(db: Database, viewer: Actor, handover_id: int, *, today: date | None = None) -> bytes:
    """转办单 of one hand-over: the request, the unit, the dates, the note, a place to sign for it."""
    today = today_or(today)
    dues = Dues(db)
    with db.read() as s:
        h = s.get(Handover, handover_id)
        if h is None:
            raise UserError("没有这项转办")
        check_reach(s, viewer, h.request_id)
        if viewer.in_unit and h.unit_id != viewer.unit_id:
            raise PermissionDenied("该转办不属于本单位")
        r = get_request(s, h.request_id)
        unit = s.get(Unit, h.unit_id)
        others = s.execute(select(Unit.name).join(Handover, Handover.unit_id == Unit.id).where(
            Handover.request_id == r.id, Handover.id != h.id,
            Handover.status.in_(VISIBLE))).scalars().all()
        by = s.get(User, h.handed_by) if h.handed_by is not None else None
        context = {
            "title": "转办单", "issue_date": today, "handler": by.display_name if by else "",
            "case": {"number": r.number, "received": r.received, "channel": CHANNELS.get(r.channel, r.channel),
                     "applicant_name": r.applicant_name, "content": r.content, "due": r.due,
                     "wanted_form": WANTED_FORMS.get(r.wanted_form or "", "")},
            "handover": {"unit": unit.name if unit else "", "handed_on": h.handed_on, "internal_due": dues(h, r),
                         "note": h.note or "", "joint": "、".join(others)},
        }
    return _render(db, HANDOVER_SHEET, context)


def supervision_notice(db: Database, viewer: Actor, reminder_id: int, *, today: date | None = None) -> bytes:
    """督办通知 of one recorded reminder, with the unit's hand-overs to chase as of ``today``."""
    today = today_or(today)
    with db.read() as s:
        row = s.get(Supervision, reminder_id)
        if row is None:
            raise UserError("没有这项督办记录")
        if viewer.in_unit and row.unit_id != viewer.unit_id:
            raise PermissionDenied("该督办不属于本单位")
        unit = s.get(Unit, row.unit_id)
        number = get_request(s, row.request_id).number if row.request_id is not None else ""
        reminder = {"unit": unit.name if unit else "", "note": row.note, "number": number, "on": row.on}
        unit_id = row.unit_id
    boards = [b for b in supervision(db, viewer, today=today) if b.unit_id == unit_id]
    chases = [{"number": c.handover.number, "status": c.handover.status_label, "internal_due": c.handover.internal_due,
               "legal_due": c.handover.legal_due, "flags": "、".join(FLAG_LABELS[f] for f in c.flags)}
              for b in boards for c in b.chases]
    return _render(db, SUPERVISION_NOTICE, {"title": "督办通知", "issue_date": today, "reminder": reminder,
                                            "chases": chases})

