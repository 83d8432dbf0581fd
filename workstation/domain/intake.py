"""Intake (登记): what a request must carry (Art. 29) and when it counts as received (Art. 31)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from datetime import date

from workstation.domain.results import APPLICANT_KINDS_BY_KEY, CHANNELS, DELIVERY_WAYS, WANTED_FORMS

LIMITS = {
    "applicant_name": 200,
    "id_number": 40,
    "id_override_reason": 200,
    "legal_representative": 100,
    "contact_person": 100,
    "phone": 40,
    "address": 300,
    "postcode": 10,
    "email": 200,
    "content": 20000,
}

FIELD_LABELS = {
    "channel": "递交方式",
    "handed_in_on": "递交日期",
    "signed_on": "签收日期",
    "confirmed_on": "确认收到日期",
    "received": "收到申请日期",
    "applicant_kind": "申请人类型",
    "applicant_name": "申请人",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "id_override_reason": "校验不符的理由",
    "legal_representative": "法定代表人/负责人",
    "contact_person": "联系人",
    "phone": "联系电话",
    "address": "通讯地址",
    "postcode": "邮政编码",
    "email": "电子邮箱",
    "content": "所需政府信息",
    "wanted_form": "获取信息的载体形式",
    "delivery": "获取信息的方式",
}

# Which fact decides the received date for each channel (Art. 31).
RECEIVED_FACT = {
    "in_person": "handed_in_on",  # the day it is handed in
    "registered_post": "signed_on",  # the day the office signs for it
    "ordinary_post": "confirmed_on",  # the day the office confirms receipt with the applicant
    "fax": "confirmed_on",  # the day both sides confirm receipt
    "online": "confirmed_on",
}


@dataclass
class IntakeData:
    """A request as typed at the window (or read from a JSON file)."""

    channel: str = "in_person"
    handed_in_on: date | None = None
    signed_on: date | None = None
    confirmed_on: date | None = None
    applicant_kind: str = "natural"
    applicant_name: str = ""
    id_type: str = "居民身份证"
    id_number: str = ""
    id_override_reason: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    content: str = ""
    wanted_form: str = "paper"
    delivery: str = "pickup"
    oral: bool = False
    fee_waiver_requested: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    def cleaned(self) -> IntakeData:
        changes = {f.name: trimmed(getattr(self, f.name)) for f in fields(self)
                   if isinstance(getattr(self, f.name), str)}
        return replace(self, **changes)


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def trimmed(text: str) -> str:
    """Text without the spaces and invisible format characters (zero-width space, BOM, joiners) at its ends.

    A name of only "\u200b\u200b" is no name: the required-field checks see it empty.
    """
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def received_date(data: IntakeData) -> date | None:
    """The received date the channel's fact gives (None when that fact is missing)."""
    fact = RECEIVED_FACT.get(data.channel)
    return getattr(data, fact) if fact else None


_PHONE = re.compile(r"^[0-9+\-() 转]{5,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_intake(data: IntakeData, today: date) -> dict[str, str]:
    """Every problem of a request, field -> Chinese message naming the field. Empty when fine.

    A wrong ID check digit is a problem only while no override reason is given.
    """
    from workstation.domain.identity import check_credit_code, check_id_number

    errors: dict[str, str] = {}
    if data.channel not in CHANNELS:
        errors["channel"] = "请选择递交方式"
    if data.applicant_kind not in APPLICANT_KINDS_BY_KEY:
        errors["applicant_kind"] = "请选择申请人类型"
    fact = RECEIVED_FACT.get(data.channel)
    for name in ("handed_in_on", "signed_on", "confirmed_on"):
        value = getattr(data, name)
        if value is not None and value > today:
            errors[name] = f"{FIELD_LABELS[name]}不能晚于今天"
        elif value is not None and value.year < 2000:
            errors[name] = f"{FIELD_LABELS[name]}不合理,请核对"
    if fact and getattr(data, fact) is None and fact not in errors:
        hint = {"handed_in_on": "当面提交的,请填写递交日期",
                "signed_on": "邮寄(需签收)的,请填写本机关签收日期",
                "confirmed_on": "请填写与申请人确认收到申请的日期"}[fact]
        errors[fact] = hint
    if not data.applicant_name:
        errors["applicant_name"] = "请填写申请人姓名或名称"
    if not data.content:
        errors["content"] = "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述"
    is_person = data.applicant_kind == "natural"
    if not data.id_number:
        errors["id_number"] = "请填写身份证件号码" if is_person else "请填写统一社会信用代码"
    elif not data.id_override_reason:
        if is_person and data.id_type == "居民身份证":
            check = check_id_number(data.id_number)
        elif not is_person:
            check = check_credit_code(data.id_number)
        else:
            check = None
        if check is not None and not check.ok:
            errors["id_number"] = check.problem or "证件号码校验不符"
    if not is_person and not data.legal_representative:
        errors["legal_representative"] = "请填写法定代表人或负责人姓名"
    if not (data.phone or data.address or data.email):
        errors["phone"] = "请至少填写一种联系方式(电话、通讯地址或电子邮箱)"
    if data.phone and not _PHONE.match(data.phone):
        errors["phone"] = "联系电话只能包含数字、空格和 + - ( ),请核对"
    if data.email and not _EMAIL.match(data.email):
        errors["email"] = "电子邮箱格式不正确"
    if data.postcode and not re.fullmatch(r"\d{6}", data.postcode):
        errors["postcode"] = "邮政编码应为6位数字"
    if data.delivery == "post" and not data.address:
        errors["address"] = "选择邮寄的,请填写通讯地址"
    if data.delivery == "email" and not data.email:
        errors["email"] = "选择电子邮件的,请填写电子邮箱"
    if data.wanted_form not in WANTED_FORMS:
        errors["wanted_form"] = "请选择获取信息的载体形式"
    if data.delivery not in DELIVERY_WAYS:
        errors["delivery"] = "请选择获取信息的方式"
    for name, limit in LIMITS.items():
        value = getattr(data, name)
        if isinstance(value, str) and len(value) > limit and name not in errors:
            errors[name] = f"{FIELD_LABELS[name]}过长:最多 {limit} 字,现有 {len(value)} 字"
    return errors
