"""视为放弃申请: the correction period passed without a correction (Art. 30)."""

from __future__ import annotations

from workstation.services import cases
from workstation.store.database import Database

from ..widgets import date_edit, to_date
from .base import Job, ServiceDialog


class DeemWithdrawnDialog(ServiceDialog):
    title = "视为放弃申请"
    ok_text = "按视为放弃申请办结"
    intro = "申请人无正当理由逾期不补正的,视为放弃申请,行政机关不再处理(其他处理 · 逾期不补正)。"

    def build(self) -> None:
        self.on = self.form.add("on", "办结日期", date_edit(self.ctx.today()))

    def job(self) -> Job:
        actor, case_id, on, today = self.ctx.actor, self.case.id, to_date(self.on.date()), self.ctx.today()

        def call(db: Database) -> str:
            cases.deem_withdrawn(db, actor, case_id, on, today=today)
            return "已按视为放弃申请办结。"
        return call
