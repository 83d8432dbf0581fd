"""补正告知: ask the applicant once to make the request clear (Art. 30)."""

from __future__ import annotations

from workstation.domain.deadline import cn_date
from workstation.services import cases

from ..widgets import date_edit, to_date, way_combo
from .base import ServiceDialog, text_field


class CorrectionDialog(ServiceDialog):
    title = "补正告知"
    ok_text = "记录补正告知"
    intro = "条例第三十条:申请内容不明确的,应当在收到申请之日起7个工作日内一次性告知申请人需要补正的事项。"

    def build(self) -> None:
        self.on = self.form.add("on", "告知日期", date_edit(self.ctx.today()))
        self.items = self.form.add("items", "需要补正的事项", text_field("如:请明确所需信息的名称、文号或形成年份"))
        self.way = self.form.add("way", "告知书送达方式", way_combo(),
                                 hint="补正期限自申请人收到告知书之日起计算;邮寄的,收到日期登记前按预计日期显示")
        self.override = self.add_override_reason("逾期告知的理由")

    def perform(self) -> str:
        by = cases.request_correction(self.ctx.db, self.ctx.actor, self.case.id, to_date(self.on.date()),
                                      self.items.toPlainText(), override_reason=self.override.text(),
                                      way=self.way.currentData(), today=self.ctx.today())
        letter = cases.correction_letter(self.ctx.db, self.case.id)
        mark = "(预计,收到回执后请登记收到日期)" if letter is not None and letter.estimated else ""
        return f"已记录补正告知;申请人应在{cn_date(by)}{mark}前补正,期间不计算答复期限。"
