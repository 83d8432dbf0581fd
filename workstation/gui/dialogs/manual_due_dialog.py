"""另行确定期限: a request far beyond a reasonable number gets a stated period (Art. 35)."""

from __future__ import annotations

from datetime import timedelta

from workstation.domain.deadline import cn_date
from workstation.services import cases
from workstation.store.database import Database

from ..widgets import date_edit, to_date
from .base import Job, ServiceDialog, text_field


class ManualDueDialog(ServiceDialog):
    title = "另行确定答复期限"
    ok_text = "确定期限"
    intro = ("条例第三十五条:申请人申请公开政府信息的数量、频次明显超过合理范围的,"
             "行政机关可以确定延迟答复的合理期限并告知申请人。")

    def build(self) -> None:
        start = self.case.due or self.ctx.today()
        self.due = self.form.add("due", "答复期限", date_edit(start + timedelta(days=30)))
        self.reason = self.form.add("reason", "理由", text_field("将告知申请人"))

    def job(self) -> Job:
        actor, case_id, due, reason, today = (self.ctx.actor, self.case.id, to_date(self.due.date()),
                                              self.reason.toPlainText(), self.ctx.today())

        def call(db: Database) -> str:
            d = cases.set_manual_due(db, actor, case_id, due, reason, today=today)
            return f"已另行确定答复期限为{cn_date(d.due)}。"
        return call
