"""A request handed to the units that hold the information (转办), and supervision of them (督办).

A county office (or a large township) registers at its window and hands the request to one or more of its
units (科室、县直部门、乡镇、站所): each unit signs for it (签收) or sends it back with a reason (退回, the
office then hands it again), prepares its draft reply (答复草稿) and submits it; the office's reviewer
accepts the drafts or sends one back, and the office replies in its own name. With several units (联合办理)
the office's review and reply wait for every unit's draft.

This module holds the rules: the states of a hand-over, who may take which step, the internal deadline,
and the supervision flags. It imports neither Qt nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .calendar import WorkCalendar
from .errors import UserError
from .status import Role


class HandoverStatus(StrEnum):
    HANDED = "handed"  # 待签收
    SIGNED = "signed"  # 办理中 (signed for; a draft sent back returns here)
    SUBMITTED = "submitted"  # 草稿已提交, awaiting the office
    ACCEPTED = "accepted"  # the office accepted the draft
    RETURNED = "returned"  # 已退回: the unit does not hold the information, the office hands it again
    WITHDRAWN = "withdrawn"  # 已收回 by the office

    @property
    def label(self) -> str:
        return HANDOVER_LABELS[self]

    @property
    def active(self) -> bool:
        """The unit still works on the request (or its draft waits): it sees it and the office waits for it."""
        return self not in (HandoverStatus.RETURNED, HandoverStatus.WITHDRAWN)


HANDOVER_LABELS = {
    HandoverStatus.HANDED: "待签收",
    HandoverStatus.SIGNED: "办理中",
    HandoverStatus.SUBMITTED: "草稿已提交",
    HandoverStatus.ACCEPTED: "草稿已采纳",
    HandoverStatus.RETURNED: "已退回",
    HandoverStatus.WITHDRAWN: "已收回",
}

UNIT_KINDS = ("科室", "县直部门", "乡镇街道", "站所", "其他")

# Who works a hand-over: the office's clerks and head hand over; the unit's clerks and head sign for, send
# back and submit; the office's reviewer or head accepts a draft or sends it back.
WORKER_ROLES = (Role.CLERK, Role.HEAD)
ACCEPT_ROLES = (Role.REVIEWER, Role.HEAD)

# The steps of the case the office alone takes once it has units (the clock, the review, the reply): a unit's
# user is told so instead of being offered them.
OFFICE_ONLY = "此步骤由办公室办理;承办单位签收后办理答复草稿并提交办公室"


@dataclass(frozen=True)
class HandoverStep:
    key: str
    label: str
    office: bool  # taken by the office's users (True) or by the unit's (False)
    roles: tuple[Role, ...]
    role_reason: str


HANDOVER_STEPS: dict[str, HandoverStep] = {s.key: s for s in (
    HandoverStep("hand_over", "转办", True, WORKER_ROLES, "需要承办人或负责人角色"),
    HandoverStep("sign_for", "签收", False, WORKER_ROLES, "需要承办人或负责人角色"),
    HandoverStep("return", "退回", False, WORKER_ROLES, "需要承办人或负责人角色"),
    HandoverStep("submit_draft", "提交答复草稿", False, WORKER_ROLES, "需要承办人或负责人角色"),
    HandoverStep("accept_draft", "采纳草稿", True, ACCEPT_ROLES, "需要审核人或负责人角色"),
    HandoverStep("send_back_draft", "退回草稿", True, ACCEPT_ROLES, "需要审核人或负责人角色"),
    HandoverStep("withdraw_handover", "收回", True, WORKER_ROLES, "需要承办人或负责人角色"),
)}

# The state a hand-over must be in for each step on it (hand_over itself makes a new one).
_FROM: dict[str, tuple[HandoverStatus, ...]] = {
    "sign_for": (HandoverStatus.HANDED,),
    "return": (HandoverStatus.HANDED, HandoverStatus.SIGNED),
    "submit_draft": (HandoverStatus.SIGNED,),
    "accept_draft": (HandoverStatus.SUBMITTED,),
    "send_back_draft": (HandoverStatus.SUBMITTED,),
    "withdraw_handover": (HandoverStatus.HANDED, HandoverStatus.SIGNED, HandoverStatus.SUBMITTED),
}

_NOT_NOW = {
    "sign_for": "本单位已签收,无需再签收",
    "return": "草稿已提交,不能再退回;如需更正请联系办公室退回草稿",
    "submit_draft": "请先签收,签收后才能提交答复草稿",
    "accept_draft": "承办单位尚未提交答复草稿",
    "send_back_draft": "承办单位尚未提交答复草稿",
    "withdraw_handover": "该转办已结束,无需收回",
}


def handover_reason(key: str, status: HandoverStatus | None, *, in_unit: bool, roles: Iterable[Role],
                    case_open: bool = True) -> str:
    """Why step ``key`` on a hand-over in ``status`` cannot be taken ("" when it can)."""
    step = HANDOVER_STEPS[key]
    if not case_open:
        return f"本申请已办结,不能再{step.label}"
    if step.office and in_unit:
        return f"{step.label}由办公室办理"
    if not step.office and not in_unit:
        return f"{step.label}由承办单位办理"
    if not set(roles) & set(step.roles):
        return step.role_reason
    if key == "hand_over":
        return ""
    if status is None:
        return "本单位没有该申请的转办" if in_unit else "没有这项转办"
    if status not in _FROM[key]:
        if status in (HandoverStatus.RETURNED, HandoverStatus.WITHDRAWN, HandoverStatus.ACCEPTED):
            return f"该转办{status.label},不能再{step.label}"
        return _NOT_NOW[key]
    return ""


def refuse_handover_unless(key: str, status: HandoverStatus | None, *, in_unit: bool, roles: Iterable[Role],
                           case_open: bool = True) -> None:
    reason = handover_reason(key, status, in_unit=in_unit, roles=roles, case_open=case_open)
    if reason:
        raise UserError(reason)


def internal_due(calendar: WorkCalendar, legal_due: date | None, days_before: int, handed_on: date) -> date | None:
    """The unit's internal deadline: ``days_before`` working days before the legal due date, never before the
    first working day after the hand-over (a request handed late still gives the unit a day). None while the
    legal period has not started (waiting for a correction)."""
    if legal_due is None:
        return None
    wanted = calendar.workdays_before(legal_due, days_before) if days_before > 0 else legal_due
    earliest = calendar.add_workdays(handed_on, 1)
    return min(max(wanted, earliest), max(legal_due, earliest))


# --- supervision (督办) -------------------------------------------------------------------------
class Flag(StrEnum):
    NOT_SIGNED = "not_signed"  # not signed for after 1 working day
    INTERNAL_SOON = "internal_soon"  # internal deadline within 2 working days
    INTERNAL_PAST = "internal_past"  # internal deadline past
    LEGAL_SOON = "legal_soon"  # the legal due date is near (the office's days.due_soon)

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    Flag.NOT_SIGNED: "超过1个工作日未签收",
    Flag.INTERNAL_SOON: "内部期限2个工作日内到期",
    Flag.INTERNAL_PAST: "已过内部期限",
    Flag.LEGAL_SOON: "法定答复期限临近",
}

NOT_SIGNED_AFTER = 1
INTERNAL_SOON_WITHIN = 2


def supervision_flags(calendar: WorkCalendar, *, status: HandoverStatus, handed_on: date,
                      internal: date | None, legal_due: date | None, due_soon: date, today: date) -> list[Flag]:
    """What the office should chase a unit about on one hand-over (nothing once the draft is in)."""
    if status not in (HandoverStatus.HANDED, HandoverStatus.SIGNED):
        return []
    flags: list[Flag] = []
    if status == HandoverStatus.HANDED and calendar.workdays_between(handed_on, today) > NOT_SIGNED_AFTER:
        flags.append(Flag.NOT_SIGNED)
    if internal is not None:
        if internal < today:
            flags.append(Flag.INTERNAL_PAST)
        elif calendar.workdays_between(today, internal) <= INTERNAL_SOON_WITHIN:
            flags.append(Flag.INTERNAL_SOON)
    if legal_due is not None and legal_due <= due_soon:
        flags.append(Flag.LEGAL_SOON)
    return flags
