"""恢复计时: the answer (or the fee) arrived, or its time ran out."""

from __future__ import annotations

from workstation.domain.deadline import cn_date
from workstation.services import cases

from ..widgets import date_edit
from .base import Job, ServiceDialog, text_field


class ResumeDialog(ServiceDialog):
    title = "恢复计时"
    ok_text = "恢复计时"
    intro = "收到意见(或缴费)之日,或答复期限届满之日,恢复计算答复期限。"

    def build(self) -> None:
        self.on = self.form.add("on", "恢复计时日期", date_edit(self.ctx.today()))
        self.note = self.form.add("note", "备注", text_field("如:第三方书面同意公开"))

    def job(self) -> Job:
        return self.dated_job(cases.end_pause, lambda d: f"已恢复计时,答复期限为{cn_date(d.due)}"
                              + ("(预估)。" if d.provisional else "。"))
