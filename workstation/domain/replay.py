"""Replay a request's events into the fields they determine, and name where the stored row differs.

The hash chain shows that the events were not rewritten; it says nothing about the ``request`` row
beside them. Every change of a request writes its event in the same transaction, so the row must be
what its events say: replaying them gives the expected registration data (as registered — 登记 — and
corrected — 更正), number, received date, status, result, reply (答复) and delivery (送达) dates, the
extension flag and, where an event records it, the due date. A field no event records is not checked.

Values are compared in their stored JSON form (dates as ISO strings, empty text as nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from workstation.domain.identity import mask_id
from workstation.domain.results import RESULTS_BY_KEY
from workstation.domain.status import STATUS_LABELS, Status

# the fields of a request that events determine, with the name a clerk knows them by
FIELD_LABELS: dict[str, str] = {
    "number": "受理编号",
    "status": "状态",
    "received": "收到申请日期",
    "channel": "申请方式",
    "handed_in_on": "当面提交日期",
    "signed_on": "邮件签收日期",
    "confirmed_on": "确认收到日期",
    "applicant_kind": "申请人类型",
    "applicant_name": "申请人姓名或名称",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "id_override_reason": "证件号码校验说明",
    "legal_representative": "法定代表人",
    "contact_person": "联系人",
    "phone": "联系电话",
    "address": "通信地址",
    "postcode": "邮政编码",
    "email": "电子邮箱",
    "content": "申请内容",
    "wanted_form": "获取信息的形式",
    "delivery": "获取信息的方式",
    "oral": "口头申请",
    "fee_waiver_requested": "申请减免费用",
    "result_key": "办理结果",
    "closed_on": "答复日期",
    "delivered_on": "送达日期",
    "extended": "延期",
    "due": "答复期限",
}

# what registration and correction events may carry (the imported ledger row keeps the ID number masked)
_REGISTRATION = tuple(k for k in FIELD_LABELS if k not in (
    "status", "result_key", "closed_on", "delivered_on", "extended", "due"))
_IMPORTED = ("number", "received", "channel", "applicant_kind", "applicant_name", "phone", "address", "content",
             "status", "result_key", "closed_on", "extended", "due")
_WAITING = (Status.CORRECTION, Status.PAUSED)
# events after which the program recomputes the due date without recording it
_DUE_UNRECORDED = ("registration_corrected", "correction_received", "pause_ended", "extended", "manual_due_set")
_NOTHING = object()  # a due date the events do not record


@dataclass(frozen=True)
class Mismatch:
    number: str
    field: str
    stored: Any
    expected: Any

    def text(self) -> str:
        label = FIELD_LABELS.get(self.field, self.field)
        return (f"{self.number}:{label} 登记为「{_shown(self.field, self.stored)}」,"
                f"事件记录为「{_shown(self.field, self.expected)}」")


def normal(value: Any) -> Any:
    """The stored JSON form of a value: dates as ISO text, empty text as nothing."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown(field: str, value: Any) -> str:
    if value is None:
        return "空"
    if field == "status" and value in STATUS_LABELS:
        return STATUS_LABELS[Status(value)]
    if field == "result_key" and value in RESULTS_BY_KEY:
        return RESULTS_BY_KEY[value].label
    if field == "id_number":
        return mask_id(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def replay(events: Iterable[tuple[str, Mapping[str, Any] | None]]) -> dict[str, Any] | None:
    """The fields a request's events (action, data after) determine, oldest event first.

    None when no event registered or imported the request: its row has no history at all.
    """
    expected: dict[str, Any] | None = None
    for action, after in events:
        data = after or {}
        if action in ("registered", "imported"):
            keys = _REGISTRATION if action == "registered" else _IMPORTED
            expected = {k: normal(data[k]) for k in keys if k in data}
            expected.setdefault("status", str(Status.OPEN))
            for k in ("result_key", "closed_on", "delivered_on"):
                expected.setdefault(k, None)
            expected.setdefault("extended", False)
            expected["due"] = normal(data["due"]) if "due" in data else _NOTHING
            continue
        if expected is None:
            continue
        if action == "registration_corrected":
            expected.update({k: normal(v) for k, v in data.items() if k in _REGISTRATION})
        elif action == "correction_received" and "content" in data:  # the corrected request's content
            expected["content"] = normal(data["content"])
        elif action in ("closed", "result_corrected"):
            expected.update({k: normal(data[k]) for k in ("result_key", "closed_on") if k in data})
        elif action == "delivered":
            expected["delivered_on"] = normal(data.get("on"))
            expected["status"] = data.get("status", str(Status.CLOSED))
            expected["due"] = normal(data["due"]) if "due" in data else _NOTHING
        elif action == "due_recomputed":
            expected["due"] = normal(data.get("due"))
        if action == "extended":
            expected["extended"] = True
        if action in _DUE_UNRECORDED:
            expected["due"] = _NOTHING
        status = data.get("status") if action != "delivered" else None
        if status is not None:
            expected["status"] = status
            if status in _WAITING or (action == "closed" and status == Status.CLOSED):
                expected["due"] = None  # a waiting or finished request keeps no due date
            elif action == "closed":
                expected["due"] = _NOTHING  # a reply stays on the clock, recomputed unrecorded
    if expected is not None and expected.get("due") is _NOTHING:
        del expected["due"]
    return expected


def compare(number: str, row: Mapping[str, Any], expected: Mapping[str, Any]) -> list[Mismatch]:
    """Where the stored row differs from what its events say, field by field in a fixed order."""
    return [Mismatch(number, field, normal(row.get(field)), expected[field])
            for field in FIELD_LABELS if field in expected and normal(row.get(field)) != expected[field]]
