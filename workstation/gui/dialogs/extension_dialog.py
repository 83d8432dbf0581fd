"""延期: the head approves up to the office's extension days (20 by default) before the original due date (Art. 33)."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from workstation.domain.deadline import cn_date
from workstation.services import cases
from workstation.services.base import office_settings
from workstation.store.database import Database

from ..widgets import date_edit, to_date
from .base import Job, ServiceDialog, text_field


class ExtensionDialog(ServiceDialog):
    title = "延期答复"
    ok_text = "批准延期"

    @property
    def intro(self) -> str:  # type: ignore[override]  # the day counts the office set
        settings = office_settings(self.ctx.db)
        return (f"条例第三十三条:不能在{settings.reply_days}个工作日内答复的,经政府信息公开工作机构负责人同意并告知申请人,"
                f"可以延长答复期限,延长的期限最长不得超过{settings.extension_days}个工作日。应在原答复期限届满前告知申请人。")

    def build(self) -> None:
        limit = office_settings(self.ctx.db).extension_days
        self.days = QSpinBox()
        self.days.setRange(1, limit)
        self.days.setValue(limit)
        self.days.setSuffix(" 个工作日")
        self.form.add("days", "延长", self.days)
        self.approved_on = self.form.add("approved_on", "批准日期", date_edit(self.ctx.today()))
        self.reason = self.form.add("reason", "延期理由", text_field("将写入延期答复告知书"))
        self.override = self.add_override_reason("原期限已过仍延期的理由")

    def job(self) -> Job:
        actor, case_id, days, approved_on = (self.ctx.actor, self.case.id, self.days.value(),
                                             to_date(self.approved_on.date()))
        reason, override, today = self.reason.toPlainText(), self.override.text(), self.ctx.today()

        def call(db: Database) -> str:
            d = cases.extend(db, actor, case_id, days, approved_on, reason=reason, override_reason=override,
                             today=today)
            mark = "(预估)" if d.provisional else ""
            return f"已延期 {days} 个工作日,答复期限为{cn_date(d.due)}{mark}。请向申请人发出延期答复告知书。"
        return call
