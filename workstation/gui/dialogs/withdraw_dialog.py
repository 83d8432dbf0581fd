"""撤回: the applicant withdrew the request (其他处理 · 其他)."""

from __future__ import annotations

from workstation.services import cases

from ..widgets import date_edit
from .base import Job, ServiceDialog, text_field


class WithdrawDialog(ServiceDialog):
    title = "申请人撤回申请"
    ok_text = "登记撤回"
    intro = "申请人撤回申请的,本申请办结,在年度报告中计入“其他处理”。受理编号不再使用。"

    def build(self) -> None:
        self.on = self.form.add("on", "撤回日期", date_edit(self.ctx.today()))
        self.note = self.form.add("note", "说明", text_field("如:申请人书面撤回"))

    def job(self) -> Job:
        return self.dated_job(cases.withdraw, lambda _done: "已登记撤回,本申请办结。")
