"""The register (台账) to Excel, as filtered on screen: every row, the columns shown, ID numbers masked
unless the user may reveal them and chooses to; a title row with the office and the filter.

The columns are one table for the screen (gui/register_model.py) and the export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from workstation.domain.deadline import iso
from workstation.domain.errors import UserError
from workstation.domain.results import APPLICANT_KINDS_BY_KEY, GROUP_SHORT, RESULTS_BY_KEY
from workstation.domain.status import Role
from workstation.files import write_private_bytes
from workstation.services import queries
from workstation.services.base import Actor, office_settings, require, writing
from workstation.services.cases import CaseSummary
from workstation.services.privacy import may_reveal_ids
from workstation.store.database import Database
from workstation.store.models import Request


def due_text(c: CaseSummary) -> str:
    """答复期限; while 待补正 or 暂停, the date the applicant's correction, the fee or the opinion is awaited."""
    if c.due is None and c.waiting is not None:  # the reply's clock stands still: the letter's date instead
        mark = c.waiting.period_name + ("·预计" if c.waiting.estimated else "")
        return f"{iso(c.waiting.end)}({mark})"
    return iso(c.due) + ("(预估)" if c.due and c.due_provisional else "")


def first_line(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"


@dataclass(frozen=True)
class RegisterColumn:
    title: str
    sort_key: str | None  # services.queries.SORT_COLUMNS key; None: not sortable
    value: Callable[[CaseSummary], str]
    centred: bool = False
    shown: bool = True  # shown by default; the header's context menu shows or hides a column
    width: int = 14  # in the Excel export, in character units
    whole: Callable[[CaseSummary], str] | None = None  # the export's value where the screen shortens it

    def export_value(self, c: CaseSummary) -> str:
        return (self.whole or self.value)(c)


COLUMNS: tuple[RegisterColumn, ...] = (
    RegisterColumn("受理编号", "number", lambda c: c.number, width=26),
    RegisterColumn("收到日期", "received", lambda c: iso(c.received), True, width=12),
    RegisterColumn("申请人", "applicant", lambda c: c.applicant_name, width=24),
    RegisterColumn("申请人类型", None, lambda c: APPLICANT_KINDS_BY_KEY[c.applicant_kind].label
                   if c.applicant_kind in APPLICANT_KINDS_BY_KEY else c.applicant_kind, shown=False, width=12),
    RegisterColumn("证件号码", None, lambda c: c.id_number_masked, width=21),
    RegisterColumn("状态", "status", lambda c: c.status_label, True, width=12),
    RegisterColumn("答复期限", "due", due_text, True, width=16),
    RegisterColumn("办理结果", "result", lambda c: c.result_label, width=22),
    RegisterColumn("答复日期", "closed_on", lambda c: iso(c.closed_on), True, width=12),
    RegisterColumn("承办人", None, lambda c: c.handler, True, width=10),
    RegisterColumn("所需信息", None, lambda c: first_line(c.content), width=60, whole=lambda c: c.content),
)
COLUMNS_BY_TITLE = {c.title: c for c in COLUMNS}
ID_COLUMN = "证件号码"

CHUNK = 1000  # rows read at a time
EXPORT_ROLES = tuple(Role)  # whoever sees the register may take it to Excel; full ID numbers as privacy.py says


@dataclass(frozen=True)
class RegisterExport:
    path: Path
    rows: int
    ids_revealed: bool


def describe_filter(f: queries.CaseFilter) -> str:
    """The filter in words, for the title row: 状态:已逾期;收到日期:2026-01-01 至 不限;搜索:王."""
    parts = [f"状态:{queries.VIEWS.get(f.view, f.view)}"]
    if f.received_from or f.received_to:
        parts.append(f"收到日期:{iso(f.received_from) or '不限'} 至 {iso(f.received_to) or '不限'}")
    if f.applicant_kind:
        kind = APPLICANT_KINDS_BY_KEY.get(f.applicant_kind)
        parts.append(f"申请人类型:{kind.label if kind else f.applicant_kind}")
    if f.result_key:
        result = RESULTS_BY_KEY.get(f.result_key)
        parts.append(f"办理结果:{result.label if result else GROUP_SHORT.get(f.result_key, f.result_key)}")
    if f.search.strip():
        parts.append(f"搜索:{f.search.strip()}")
    return ";".join(parts)


def export_register(db: Database, actor: Actor, f: queries.CaseFilter, out: Path, *,
                    columns: Sequence[str] = (), sort: str = "received", descending: bool = True,
                    reveal_ids: bool = False, today: date | None = None,
                    progress: Callable[[int, int], object] | None = None) -> RegisterExport:
    """Write the filtered register to ``out`` (XLSX, owner-only: it holds personal data); an audit event
    says who took which rows, and whether with full ID numbers."""
    from workstation.reports.register_xlsx import render

    require(actor, *EXPORT_ROLES, action="导出台账")
    if reveal_ids and not may_reveal_ids(actor):
        raise UserError("您的角色不能导出完整证件号码;导出的台账中证件号码将隐去中间部分。")
    chosen = [COLUMNS_BY_TITLE[t] for t in columns if t in COLUMNS_BY_TITLE] or [c for c in COLUMNS if c.shown]
    today = today or date.today()
    ids = queries.list_case_ids(db, f, sort=sort, descending=descending, today=today, viewer=actor)
    rows: list[list[str]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        full = _id_numbers(db, chunk) if reveal_ids else {}
        for c in queries.fetch_cases(db, chunk, viewer=actor):
            rows.append([full.get(c.id, "") if reveal_ids and col.title == ID_COLUMN else col.export_value(c)
                         for col in chosen])
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    office = office_settings(db).office_name
    title = f"{office}政府信息公开申请登记台账" if office else "政府信息公开申请登记台账"
    note = f"{describe_filter(f)};共{len(rows)}件;导出时间:{datetime.now():%Y-%m-%d %H:%M}"
    data = render(title, note, [(c.title, c.width) for c in chosen], rows)
    try:
        write_private_bytes(out, data)
    except OSError as exc:
        raise UserError(f"未能保存到 {out}:{exc.strerror or exc}。请换一个文件夹或文件名再试。") from exc
    with writing(db, actor) as tx:
        tx.event("register_exported", after={"rows": len(rows), "filter": describe_filter(f),
                                             "columns": "、".join(c.title for c in chosen),
                                             "ids_revealed": reveal_ids})
    return RegisterExport(out, len(rows), reveal_ids)


def _id_numbers(db: Database, ids: list[int]) -> dict[int, str]:
    with db.read() as s:
        return {i: n or "" for i, n in s.execute(select(Request.id, Request.id_number).where(Request.id.in_(ids)))}

