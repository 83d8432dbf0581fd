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
}
# Outgoing notices get a 文号; the receipt, the delivery certificate and the file's own
# 办理时限计算说明 (an attachment kept in the file, not sent out) do not.
NUMBERED = frozenset({"correction", "extension", "third-party", "fee", "reply"})
