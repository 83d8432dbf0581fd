"""收到补正: the corrected request arrived; the reply period starts again (a restart) and the request's
content becomes what the applicant corrected it to."""

from __future__ import annotations

from workstation.domain.deadline import cn_date
from workstation.services import cases
from workstation.store.database import Database

from ..widgets import date_edit, to_date
from .base import Job, ServiceDialog, text_field


class CorrectedDialog(ServiceDialog):
    title = "收到补正"
    ok_text = "登记收到补正"
    intro = ("收到补正后的申请,答复期限自收到之日起重新计算。申请内容按补正后的填写,"
             "此后的办理和文书都以补正后的内容为准。")

    def build(self) -> None:
        self.on = self.form.add("on", "收到补正日期", date_edit(self.ctx.today()))
        self.content = self.form.add("content", "补正后的申请内容",
                                     text_field("所需政府信息的名称、文号或者便于查询的其他特征性描述", 90))
        self.content.setPlainText(self.case.content)
        self.note = self.form.add("note", "备注", text_field())

    def job(self) -> Job:
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        on, note = to_date(self.on.date()), self.note.toPlainText()
        content = self.content.toPlainText()

        def call(db: Database) -> str:
            d = cases.record_corrected(db, actor, case_id, on, note=note, content=content, today=today)
            return f"已登记收到补正,答复期限重新计算为{cn_date(d.due)}" + ("(预估)。" if d.provisional else "。")
        return call
