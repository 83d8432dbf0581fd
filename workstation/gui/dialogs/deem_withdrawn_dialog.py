"""视为放弃申请: the correction period passed without a correction (Art. 30)."""

from __future__ import annotations

from workstation.services import cases

from ..widgets import date_edit, to_date
from .base import ServiceDialog


class DeemWithdrawnDialog(ServiceDialog):
    title = "视为放弃申请"
    ok_text = "按视为放弃申请办结"
    intro = "申请人无正当理由逾期不补正的,视为放弃申请,行政机关不再处理(其他处理 · 逾期不补正)。"

    def build(self) -> None:
        self.on = self.form.add("on", "办结日期", date_edit(self.ctx.today()))

    def perform(self) -> str:
        cases.deem_withdrawn(self.ctx.db, self.ctx.actor, self.case.id, to_date(self.on.date()),
                             today=self.ctx.today())
        return "已按视为放弃申请办结。"
