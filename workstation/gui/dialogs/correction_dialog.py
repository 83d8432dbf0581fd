"""补正告知: ask the applicant once to make the request clear (Art. 30)."""

from __future__ import annotations

from workstation.domain.deadline import cn_date
from workstation.services import cases

from ..widgets import date_edit, to_date
from .base import ServiceDialog, text_field


class CorrectionDialog(ServiceDialog):
    title = "补正告知"
    ok_text = "记录补正告知"
    intro = "条例第三十条:申请内容不明确的,应当在收到申请之日起7个工作日内一次性告知申请人需要补正的事项。"

    def build(self) -> None:
        self.on = self.form.add("on", "告知日期", date_edit(self.ctx.today()))
        self.items = self.form.add("items", "需要补正的事项", text_field("如:请明确所需信息的名称、文号或形成年份"))
        self.override = self.add_override_reason("逾期告知的理由")

    def perform(self) -> str:
        by = cases.request_correction(self.ctx.db, self.ctx.actor, self.case.id, to_date(self.on.date()),
                                      self.items.toPlainText(), override_reason=self.override.text(),
                                      today=self.ctx.today())
        return f"已记录补正告知;申请人应在{cn_date(by)}前补正,期间不计算答复期限。"
