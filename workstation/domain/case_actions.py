"""The case's state machine: which step may be taken in which state, by whom, and why not.

One function, ``allowed_actions``, answers for every step of the case: the services ask it before
they change anything (``refuse_unless_allowed``), the case view asks it to enable a button and to show
the reason as its tooltip. A refusal's reason is one sentence the clerk can act on.

The one path to a reply result (答复) is the review: 审查 → 审核签发 → 答复. The endings without
a reply on the substance keep their own steps: 撤回 (withdrawal), 视为放弃申请 (no correction in time,
Art. 30) and 其他处理办结 (the 其他处理 rows other than the correction one: fee not paid, Art. 42 and
《政府信息公开信息处理费管理办法》, and 其他).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import UserError
from .handover import OFFICE_ONLY
from .status import Role, Status

# Who works a case; who signs off a review; who decides on the clock (Art. 33 para. 2, Art. 35).
CASE_ROLES = (Role.CLERK, Role.HEAD)
REVIEW_ROLES = (Role.REVIEWER, Role.HEAD)
HEAD_ROLES = (Role.HEAD,)

# The statuses in which the clock runs and the case waits for nothing but the office.
OPEN_STATES = (Status.OPEN, Status.REVIEW, Status.REPLY)

# The results 其他处理办结 may record without a review; 逾期不补正 only through 视为放弃申请 (its period
# is checked there), withdrawal through 撤回.
ENDING_RESULTS = ("other.no_fee", "other.other")


@dataclass(frozen=True)
class CaseFacts:
    """What the state machine needs to know of a case."""

    status: Status
    closed: bool  # a closing date is recorded (replied, withdrawn or otherwise ended)
    delivered: bool
    extended: bool
    correction_asked: bool  # 补正 is asked once only (Art. 30)
    review: str | None = None  # the latest review's state: submitted, signed, returned (None: none yet)
    # the units (承办单位) the request is handed to whose draft the office has not yet taken, with its state:
    # the office's review and reply wait for every one of them (联合办理)
    units_waiting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    key: str
    verb: str  # as in "不能再{verb}"
    roles: tuple[Role, ...]
    role_reason: str


_WORKER = "需要承办人或负责人角色"
STEPS: dict[str, Step] = {s.key: s for s in (
    Step("correction", "要求补正", CASE_ROLES, _WORKER),
    Step("corrected", "登记补正", CASE_ROLES, _WORKER),
    Step("letter_received", "登记函件收到日期", CASE_ROLES, _WORKER),
    Step("pause", "暂停计时", CASE_ROLES, _WORKER),
    Step("resume", "恢复计时", CASE_ROLES, _WORKER),
    Step("extend", "延期", HEAD_ROLES, "需要负责人批准"),
    Step("manual_due", "另行确定期限", HEAD_ROLES, "需要负责人决定"),
    Step("withdraw", "撤回", CASE_ROLES, _WORKER),
    Step("deem_withdrawn", "办结", CASE_ROLES, _WORKER),
    Step("close", "办结", CASE_ROLES, _WORKER),
    Step("review", "提交审查", CASE_ROLES, _WORKER),
    Step("signoff", "审核", REVIEW_ROLES, "需要审核人或负责人角色"),
    Step("send_back", "退回", REVIEW_ROLES, "需要审核人或负责人角色"),
    Step("reply", "答复", CASE_ROLES, _WORKER),
    Step("deliver", "登记送达", CASE_ROLES, _WORKER),
    Step("appeal", "登记复议或诉讼", CASE_ROLES, _WORKER),
    Step("correct_result", "更正结果", HEAD_ROLES, "需要负责人决定"),
    Step("correct_registration", "更正登记信息", CASE_ROLES, _WORKER),
)}
ACTIONS: tuple[str, ...] = tuple(STEPS)

# Steps taken on a finished case; every other step needs the case open. 更正登记信息 is taken in every
# state: a reply still goes to the applicant's address (and an appeal comes later), and the event keeps
# the old value, the new one and the reason, so the register stays evidence of what was first recorded.
_AFTER_CLOSE = ("deliver", "appeal", "correct_result", "correct_registration")


def _state_reason(key: str, f: CaseFacts) -> str:
    """Why the step cannot be taken in this state ("" when it can); roles aside."""
    s = f.status
    if key == "deliver":
        if s == Status.REPLIED and not f.delivered:
            return ""
        if f.delivered:
            return "已登记送达"
        return "本申请已办结,没有待送达的答复" if f.closed else "答复后才能登记送达"
    if key == "correct_registration":
        return ""
    if key == "appeal":  # also before a reply: the applicant may appeal a reply not given in time
        return ""
    if key == "correct_result":
        return "" if f.closed else "办结后才能更正办理结果"
    if f.closed or not s.is_open:
        return f"本申请已办结,不能再{STEPS[key].verb}"
    if key == "correction":
        if f.correction_asked:
            return "本申请已经要求过补正;条例第三十条规定只能一次性告知补正。"
        return "" if s == Status.OPEN else f"当前状态({s.label})不能要求补正;补正应在收到申请后及时告知"
    if key in ("corrected", "deem_withdrawn"):
        return "" if s == Status.CORRECTION else "本申请没有待补正的告知"
    if key == "letter_received":
        return "" if s in (Status.CORRECTION, Status.PAUSED) else \
            "本申请没有等待答复的函件(补正告知、征求意见函或收费通知)"
    if key == "pause":
        if s == Status.PAUSED:
            return "本申请已在暂停中,请先恢复计时"
        return "等待补正期间不计时,无需暂停" if s == Status.CORRECTION else ""
    if key == "resume":
        return "" if s == Status.PAUSED else "本申请没有在暂停中"
    if key == "extend":
        if f.extended:
            return "本申请已经延期过一次,不能再次延期"
        return "等待补正期间答复期限尚未起算,不能延期" if s == Status.CORRECTION else ""
    if key == "manual_due":
        return "等待补正期间答复期限尚未起算,收到补正后再确定" if s == Status.CORRECTION else ""
    if key == "withdraw":
        return ""
    if key == "close":
        return "等待补正期间请用“撤回”或“视为放弃申请”办结" if s == Status.CORRECTION else ""
    if key in ("review", "reply") and f.units_waiting and s in (Status.OPEN, Status.REPLY):
        return "等待承办单位的答复草稿:" + "、".join(f.units_waiting)
    if key == "review":
        return {
            Status.CORRECTION: "申请正在等待补正,收到补正后才能审查",
            Status.PAUSED: "暂停计时期间不能提交审查,请先恢复计时",
            Status.REVIEW: "审查已提交,等待审核人签发",
            Status.REPLY: "审查已审核签发,可以答复",
        }.get(s, "")
    if key in ("signoff", "send_back"):
        if s == Status.REVIEW:
            return ""
        if s == Status.PAUSED and f.review == "submitted":
            return "正在征询第三方意见(暂停计时),请在收到意见或期限届满、恢复计时后再审核"
        return "没有待审核的审查"
    if key == "reply":
        return "" if s == Status.REPLY else "尚未完成审查:审查经审核签发后才能答复"
    raise KeyError(key)


def action_reason(facts: CaseFacts, roles: Iterable[Role], key: str) -> str:
    """Why ``key`` cannot be taken now by someone with ``roles`` ("" when it can)."""
    step = STEPS[key]
    state = _state_reason(key, facts)
    if state and (facts.closed or not facts.status.is_open) and key not in _AFTER_CLOSE:
        return state  # a finished case first: no role would help
    if not set(roles) & set(step.roles):
        return step.role_reason
    return state


def allowed_actions(facts: CaseFacts, roles: Iterable[Role], *, in_unit: bool = False) -> dict[str, str]:
    """Every step of the case: "" where it is allowed, else the reason it is not.

    A unit's user (``in_unit``) takes none of them: the office keeps the clock, the review and the reply;
    the unit's own steps are domain.handover's."""
    if in_unit:
        return {key: OFFICE_ONLY for key in ACTIONS}
    held = frozenset(roles)
    return {key: action_reason(facts, held, key) for key in ACTIONS}


def refuse_unless_allowed(facts: CaseFacts, key: str) -> None:
    """In a service, after its role check: refuse a step the case's state does not allow."""
    reason = _state_reason(key, facts)
    if reason:
        raise UserError(reason)


def ending_result_reason(result_key: str) -> str:
    """其他处理办结 records only the 其他处理 endings; a reply on the substance goes through the review."""
    if result_key in ENDING_RESULTS:
        return ""
    if result_key == "other.no_correction":
        return "逾期不补正请用“视为放弃申请”办结(先确认补正期限已届满)"
    return "答复结果须经审查、审核签发后在“答复”中作出;此处只能办结其他处理的情形"


# --- the documents that fit the case ------------------------------------------------------
def issuable_kinds(facts: CaseFacts, result_key: str | None,
                   events: Sequence[tuple[str, Mapping[str, Any] | None]]) -> list[str]:
    """The documents that fit the case now: the receipt always, each notice once its step was taken.

    ``events`` are the case's (action, after) pairs in order.
    """
    kinds = ["receipt", "application-form"]
    actions = {action for action, _after in events}
    if "correction_requested" in actions:
        kinds.append("correction")
    if facts.extended:
        kinds.append("extension")
    pauses = [after or {} for action, after in events if action == "pause_started"]
    if facts.status == Status.PAUSED and pauses:
        kinds += {"third_party": ["third-party"], "fee": ["fee"], "other_body": ["consultation"]}.get(
            pauses[-1].get("kind", ""), [])
    if any(p.get("kind") == "third_party" for p in pauses):
        kinds.append("third-party-decision")
    if facts.status.is_open:
        kinds.append("reasons")  # Art. 35: asking for reasons, while the request is open
    if "manual_due_set" in actions:
        kinds.append("delay")
    closings = [after or {} for action, after in events if action == "closed"]
    if result_key and closings and not closings[-1].get("withdrawn"):
        kinds += ["reply", "delivery"]
    return kinds
