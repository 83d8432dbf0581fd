"""States of a case (办理状态) and the roles of the office (角色)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"  # 办理中: the clock runs
    CORRECTION = "correction"  # 待补正: waiting for the applicant's corrected request
    PAUSED = "paused"  # 暂停: third party, other body or fee
    REVIEW = "review"  # 待审核: a review waits for sign-off
    REPLY = "reply"  # 待答复: the review is signed off
    REPLIED = "replied"  # 已答复,待送达
    CLOSED = "closed"  # 已办结

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in (Status.REPLIED, Status.CLOSED)


STATUS_LABELS: dict[Status, str] = {
    Status.OPEN: "办理中",
    Status.CORRECTION: "待补正",
    Status.PAUSED: "暂停计时",
    Status.REVIEW: "待审核",
    Status.REPLY: "待答复",
    Status.REPLIED: "已答复待送达",
    Status.CLOSED: "已办结",
}


class Role(StrEnum):
    CLERK = "clerk"  # 承办人
    REVIEWER = "reviewer"  # 审核人
    HEAD = "head"  # 负责人
    ADMIN = "admin"  # 管理员

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "承办人",
    Role.REVIEWER: "审核人",
    Role.HEAD: "负责人",
    Role.ADMIN: "管理员",
}
