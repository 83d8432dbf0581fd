"""收到补正: the corrected request arrived; the reply period starts again (a restart)."""

from __future__ import annotations

from workstation.domain.deadline import cn_date
from workstation.services import cases

from ..widgets import date_edit
from .base import Job, ServiceDialog, text_field


class CorrectedDialog(ServiceDialog):
    title = "收到补正"
    ok_text = "登记收到补正"
    intro = "收到补正后的申请,答复期限自收到之日起重新计算。"

    def build(self) -> None:
        self.on = self.form.add("on", "收到补正日期", date_edit(self.ctx.today()))
        self.note = self.form.add("note", "备注", text_field())

    def job(self) -> Job:
        return self.dated_job(cases.record_corrected, lambda d: f"已登记收到补正,答复期限重新计算为{cn_date(d.due)}"
                              + ("(预估)。" if d.provisional else "。"))
