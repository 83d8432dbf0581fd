"""The timeline's before/after data in words a clerk reads (状态:办理中 → 待补正)."""

from __future__ import annotations

from typing import Any

from workstation.domain.deadline import LETTER_KINDS, LETTER_WAYS, PAUSE_KINDS, PAUSE_WAITS_FOR
from workstation.domain.intake import FIELD_LABELS
from workstation.domain.reply_reasons import WITHHELD_GROUNDS
from workstation.domain.results import (
    APPLICANT_KINDS_BY_KEY,
    CHANNELS,
    DELIVERY_WAYS,
    RESULTS_BY_KEY,
    WANTED_FORMS,
)
from workstation.domain.status import STATUS_LABELS, Status
from workstation.services.cases import TimelineEntry
from workstation.services.review import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    DELIVERY_METHODS,
    POSTAL_CARRIERS,
    PROVISION_FORMS,
)

KEY_LABELS: dict[str, str] = {
    **FIELD_LABELS,
    "number": "受理编号",
    "on": "日期",
    "items": "补正事项",
    "correct_by": "补正期限",
    "limit": "补正告知期限",
    "status": "状态",
    "due": "答复期限",
    "provisional": "预估",
    "days": "延长工作日",
    "approved_by": "批准人",
    "approved_on": "批准日期",
    "reason": "理由",
    "original_due": "原答复期限",
    "kind": "暂停原因",
    "party": "征询对象",
    "answer_by": "答复期限",
    "result": "办理结果",
    "closed_on": "办结日期",
    "method": "方式",
    "filename": "文件",
    "size": "大小(字节)",
    "withdrawn": "申请人撤回",
    "oral": "口头申请",
    "tracking_no": "邮件号",
    "basis": "法律依据",
    "provision_form": "提供形式",
    "provision_way": "获取方式",
    "published_at": "公开途径",
    "withheld_part": "不予公开的部分",
    "withheld_reason": "不予公开的理由",
    "responsible_body": "负责公开的机关",
    "responsible_contact": "联系方式",
    "provision_place": "提供地点",
    "provision_time": "提供时间",
    "materials": "提供的材料",
    "withheld_ground": "不予公开的理由类别",
    "prohibiting_law": "禁止公开的法律法规",
    "harm": "可能造成的危害",
    "third_party_objection": "第三方意见",
    "weighing": "权衡结果",
    "governing_law": "查询所依据的法律法规",
    "not_responsible": "非本机关负责公开",
    "not_responsible_reason": "非本机关负责的理由",
    "earlier_number": "此前申请的受理编号",
    "earlier_received": "此前申请的收到日期",
    "earlier_replied_on": "此前答复日期",
    "earlier_doc_number": "此前答复文号",
    "earlier_result": "此前答复结果",
    "other_reason": "处理理由",
    "reviewed_result": "审查结论",
    "proposed": "建议结果",
    "chosen": "另选结果",
    "answers_yes": "回答“是”的项目",
    "self_signoff": "承办人自行审核",
    "signed_by": "签收人",
    "email": "电子邮箱",
    "filed_on": "提起日期",
    "body": "受理机关",
    "result_on": "结果日期",
    "amount": "应缴金额",
    "login": "登录名",
    "counting_basis": "期限计算时点",
    "carrier": "寄递企业",
    "on_time": "按期",
    "late_days": "逾期工作日",
    "way": "函件送达方式",
    "received_on": "函件收到日期",
    "estimated_end": "期限(预计)",
    "letter": "函件",
    "sent_on": "发出日期",
    "estimated": "预计",
    "on_the_spot": "当场答复",
    "unit": "承办单位",  # 转办 and 督办 (issue 19)
    "internal_due": "内部办理期限",
    "legal_due": "法定答复期限",
    "name": "名称",
    "active": "启用",
}
# Where an action uses a key in its own sense.
ACTION_KEY_LABELS: dict[str, dict[str, str]] = {"appeal_recorded": {"kind": "类别"},
                                                "unit_created": {"kind": "单位类别"},
                                                "unit_changed": {"kind": "单位类别"},
                                                "delivered": {"on": "送达日期", "body": "代为送达的机关"},
                                                "letter_received": {"on": "收到日期"}}
# What an event's note is, where it is not a plain 说明.
NOTE_LABELS = {"registration_corrected": "更正原因"}
# Keys kept for the machine (hashes, keys behind a label shown elsewhere).
HIDDEN = {"result_key", "resume_status", "sha256", "mime", "purpose", "field", "fee_waiver_requested", "review_id",
          "appeal_id", "method_label", "document_id", "earlier_request_id",
          "counting_on", "handover_id", "unit_id", "supervision_id"}
# A registration event carries the whole form; the timeline shows its gist.
REGISTERED_KEYS = ("number", "received", "channel", "applicant_kind", "due", "provisional")
# An issued document: its name and 文号, which template printed it, whether its fonts are embedded.
DOCUMENT_KEYS = {"label": "文书", "number": "文号", "template": "模板", "template_version": "模板版本",
                 "fonts_embedded": "字体已嵌入"}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {str(k): v for k, v in STATUS_LABELS.items()} | {s.value: s.label for s in Status},
    "resume_status": {s.value: s.label for s in Status},
    "kind": {**PAUSE_KINDS, **APPEAL_KINDS},
    "channel": CHANNELS,
    "applicant_kind": {k: v.label for k, v in APPLICANT_KINDS_BY_KEY.items()},
    "wanted_form": WANTED_FORMS,
    "delivery": DELIVERY_WAYS,
    # a result key (or, in a closing, already its label) and an appeal's result
    "result": {k: r.label for k, r in RESULTS_BY_KEY.items()} | APPEAL_RESULTS,
    "proposed": {k: r.label for k, r in RESULTS_BY_KEY.items()},
    "chosen": {k: r.label for k, r in RESULTS_BY_KEY.items()},
    "reviewed_result": {k: r.label for k, r in RESULTS_BY_KEY.items()},
    "method": DELIVERY_METHODS,
    "carrier": POSTAL_CARRIERS,
    "way": LETTER_WAYS,
    "letter": LETTER_KINDS,
    "provision_form": PROVISION_FORMS,
    "provision_way": DELIVERY_WAYS,
    "withheld_ground": {g.key: g.label for g in WITHHELD_GROUNDS},
}


def clerk_text(entry: TimelineEntry) -> str:
    """The case timeline's words for an event (see ``describe``)."""
    return describe(entry, technical=False)


def value_text(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and key in VALUE_LABELS:
        return VALUE_LABELS[key].get(value, value)
    if isinstance(value, (list, tuple)):
        return f"{len(value)} 项"
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


# What only the audit view shows: how a document was made, and "预估:否" (a date that is not provisional).
TECHNICAL_DOCUMENT_KEYS = ("template", "template_version", "fonts_embedded")


def describe(entry: TimelineEntry, *, technical: bool = True) -> str:
    """One line: what changed, before → after.

    ``technical=False`` is the clerk's case timeline: no template names or versions, and a due date
    marked (预估) only when it is provisional; the audit view keeps every fact.
    """
    before = entry.before or {}
    after = entry.after or {}
    keys = [k for k in after if k not in HIDDEN]
    if entry.action == "registered":
        keys = [k for k in REGISTERED_KEYS if k in after]
    if not technical and "provisional" in keys:
        keys.remove("provisional")
        if after.get("provisional") and "due" in after:
            after = {**after, "due": f"{value_text('due', after['due'])}(预估)"}
    if entry.action == "document_issued":
        parts = [f"{label}:{value_text(key, after[key])}" for key, label in DOCUMENT_KEYS.items()
                 if after.get(key) not in (None, "") and (technical or key not in TECHNICAL_DOCUMENT_KEYS)]
        return ";".join(parts + ([f"说明:{entry.note}"] if entry.note else []))
    parts = []
    own = ACTION_KEY_LABELS.get(entry.action, {})
    waits_for = PAUSE_WAITS_FOR.get(after.get("kind") or after.get("letter") or "")
    if waits_for:  # a pause's (or its letter's) answer_by is the third party's, the organ's or the fee's date
        own = {**own, "answer_by": waits_for}
    for key in keys:
        label = own.get(key) or KEY_LABELS.get(key, key)
        if key in before and before[key] != after[key]:
            parts.append(f"{label}:{value_text(key, before[key])} → {value_text(key, after[key])}")
        else:
            parts.append(f"{label}:{value_text(key, after[key])}")
    for key in before:
        if key not in after and key not in HIDDEN:
            parts.append(f"{KEY_LABELS.get(key, key)}:{value_text(key, before[key])} → —")
    if entry.note:
        parts.append(f"{NOTE_LABELS.get(entry.action, '说明')}:{entry.note}")
    return ";".join(parts)
