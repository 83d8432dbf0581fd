"""The reasons a reply must state (答复理由), result by result (Regulation Art. 36, 37).

Art. 36 says what each reply tells the applicant: for 予以公开 the way, route and
time of provision (item 2), for 不予公开 the reason (item 3), for 非本机关负责 why,
and the responsible body where it can be determined (item 5), for 重复申请 that the
earlier request was answered (item 6); Art. 37 asks a 部分公开 reply to give the
reason for each withheld part. The slots named here are what the clerk enters; a
reply, and its notice, is refused while a required slot is empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workstation.domain.results import RESULTS_BY_KEY

REGULATION = "《中华人民共和国政府信息公开条例》"
_TRAILING = re.compile(r"[。.;;,,、\s]+$")


@dataclass(frozen=True)
class WithheldGround:
    """A ground on which part of the information is withheld in a 部分公开 reply."""

    key: str
    label: str  # as the notice prints it after the withheld part
    article: str  # the article of the Regulation that carries the ground


# Art. 37 covers content that "不应当公开" (Art. 14–16) or that "不属于政府信息" (Art. 2's definition).
WITHHELD_GROUNDS: tuple[WithheldGround, ...] = (
    WithheldGround("state_secret", "属于国家秘密", "第十四条"),
    WithheldGround("prohibited_by_law", "属于法律、行政法规禁止公开的政府信息", "第十四条"),
    WithheldGround("security_stability", "公开后可能危及国家安全、公共安全、经济安全、社会稳定", "第十四条"),
    WithheldGround("third_party", "涉及商业秘密、个人隐私等,公开会对第三方合法权益造成损害", "第十五条"),
    WithheldGround("internal_affairs", "属于行政机关的内部事务信息", "第十六条第一款"),
    WithheldGround("process_info", "属于行政机关在履行行政管理职能过程中形成的过程性信息", "第十六条第二款"),
    WithheldGround("enforcement_file", "属于行政执法案卷信息", "第十六条第二款"),
    WithheldGround("not_government_info", "不属于政府信息", "第二条"),
)
WITHHELD_GROUNDS_BY_KEY: dict[str, WithheldGround] = {g.key: g for g in WITHHELD_GROUNDS}

# What the clerk is asked when a slot is empty (the field name is the key of ReplyData).
SLOT_MESSAGES: dict[str, str] = {
    "other_reason": "其他处理的,请写明处理的具体理由",
    "basis": "其他处理的,请写明处理所依据的具体规定(法律、法规或规章的名称及条款)",
    "prohibiting_law": "请写明禁止公开该信息的法律或行政法规及其条款",
    "harm": "请用一句话写明公开后可能造成的具体危害",
    "third_party_objection": "请写明第三方的意见(不同意公开及其理由,或逾期未答复)",
    "weighing": "请写明权衡的结果:为什么不公开不会对公共利益造成重大影响",
    "withheld_part": "部分公开的,须写明不予公开的部分及理由:请写明哪一部分不予公开",
    "withheld_ground": "部分公开的,请选择不予公开部分的理由类别(条例第十四条至第十六条等)",
    "withheld_reason": "部分公开的,请写明不予公开该部分的具体理由",
    "not_responsible_reason": "非本机关负责公开的,请写明理由(为什么不属于本机关负责公开)",
    "earlier_request": "重复申请的,请从登记簿中选择此前已答复的申请",
    "earlier_doc_number": "请填写此前答复告知书的文号(登记簿中没有该答复的文书记录)",
    "published_at": "已主动公开的,请写明获取的途径(如网站栏目及网址)",
    "provision_way": "予以公开的,请选择提供方式",
    "provision_place": "予以公开的,请写明提供的地点(邮寄地址、电子邮箱或领取、查阅地点)",
    "provision_time": "予以公开的,请写明提供的时间",
    "materials": "予以公开的,请列出提供的材料(每行一件)",
}


ART_36_5 = re.compile(r"第三十六条第[(\uff08]五[)\uff09]项")


def is_not_responsible(result_key: str, values: Mapping[str, Any]) -> bool:
    """非本机关负责公开 (Art. 36(5)) is recorded as 无法提供·本机关不掌握 with this mark (table 三 counts it there).

    The mark is set in the reply dialog; a reply naming the responsible body, or citing Art. 36(5) as the
    checklist's 非本机关负责 item proposes, is one too.
    """
    return result_key == "unavailable.not_held" and bool(
        values.get("not_responsible") or _filled(values.get("responsible_body"))
        or ART_36_5.search(str(values.get("basis") or "")))


def required_slots(result_key: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    """The slots a reply of ``result_key`` must fill, given what else it states."""
    if result_key == "disclosed":
        if _filled(values.get("published_at")):
            return ("published_at", "materials")
        return ("provision_way", "provision_place", "provision_time", "materials")
    if result_key == "partly_disclosed":
        return ("withheld_part", "withheld_ground", "withheld_reason")
    if result_key == "withheld.prohibited_by_law":
        return ("prohibiting_law",)
    if result_key == "withheld.security_stability":
        return ("harm",)
    if result_key == "withheld.third_party":
        return ("third_party_objection", "weighing")
    if result_key == "not_processed.repeated":
        return ("earlier_request", "earlier_doc_number")
    if result_key == "other.other":
        return ("other_reason", "basis")
    if is_not_responsible(result_key, values):
        return ("not_responsible_reason",)
    return ()


def slot_errors(result_key: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Each required slot left empty, with the sentence that asks for it (empty dict: all there)."""
    errors = {}
    for name in required_slots(result_key, values):
        value = values.get(name)
        if name == "basis":
            if not _filled(value) or str(value).strip() == RESULTS_BY_KEY["other.other"].basis:
                errors[name] = SLOT_MESSAGES[name]
        elif name == "withheld_ground":
            if value not in WITHHELD_GROUNDS_BY_KEY:
                errors[name] = SLOT_MESSAGES[name]
        elif not _filled(value):
            errors[name] = SLOT_MESSAGES[name]
    return errors


def sentence(text: str) -> str:
    """A clause as the notice prints it inside its own sentence: no trailing full stop or comma."""
    return _TRAILING.sub("", text.strip())


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return any(_filled(v) for v in value)
    return True
