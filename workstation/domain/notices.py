"""The documents the office issues (文书) and which of them carry a document number (文号)."""

from __future__ import annotations

# Kinds as the command line names them, with the Chinese name printed in lists.
KINDS: dict[str, str] = {
    "receipt": "登记回执",
    "correction": "补正申请告知书",
    "extension": "延期答复告知书",
    "third-party": "第三方意见征询函",
    "fee": "收费通知",
    "reply": "答复告知书",
    "delivery": "送达回证",
    "deadline-explanation": "办理时限计算说明",
    "reasons": "说明理由告知书",
    "delay": "延迟答复告知书",
    "third-party-decision": "公开决定告知书(第三方)",
    "consultation": "征求意见函",
    "application-form": "政府信息公开申请表",
}
# Outgoing notices get a 文号; the receipt, the delivery certificate, the application form and the file's
# own 办理时限计算说明 (an attachment kept in the file, not sent out) do not.
NUMBERED = frozenset({"correction", "extension", "third-party", "fee", "reply", "reasons", "delay",
                      "third-party-decision", "consultation"})

# What a correction notice (补正申请告知书) may ask for: the contents a request must have (Art. 29 para. 2).
# The notice prints each with a tick-box, ticked where the clerk chose it.
CORRECTION_POINTS: dict[str, str] = {
    "identity": "申请人的姓名或者名称、身份证明(如身份证件复印件;法人或者其他组织的名称、统一社会信用代码等)",
    "contact": "申请人的联系方式(联系电话、通信地址、邮政编码或者电子邮箱)",
    "description": "申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述",
    "form": "申请公开的政府信息的形式要求,包括获取信息的方式、途径",
}
