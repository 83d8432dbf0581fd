"""函件收到日期: the day the awaited letter reached its addressee (the signed postal receipt).

The third party's and other bodies' 15 working days (Art. 32, 34), the correction period and the fee
period run from that day; until it is entered the case view shows the end as 预计.
"""

from __future__ import annotations

from workstation.domain.deadline import LETTER_WAYS, cn_date
from workstation.services import cases

from ..widgets import Label, date_edit
from .base import Job, ServiceDialog, text_field


class LetterReceivedDialog(ServiceDialog):
    title = "登记函件收到日期"
    ok_text = "登记收到日期"
    intro = "补正期限、第三方或其他机关提出意见的期限、缴费期限,均自对方收到函件之日起计算(收到当日不计入)。"

    def build(self) -> None:
        self.letter = cases.awaited_letter(self.ctx.db, self.case.id)
        about = (f"{self.letter.label}:{LETTER_WAYS.get(self.letter.way, self.letter.way)},"
                 f"{cn_date(self.letter.sent)}发出;期限{self.letter.text()}") if self.letter else "没有等待答复的函件"
        self.about = Label(about)
        self.about.setWordWrap(True)
        self.about.setMinimumWidth(420)  # the letter's line in two lines, not cut to one
        self.form.add("letter", "函件", self.about)
        self.on = self.form.add("on", "收到日期", date_edit(self.ctx.today()),
                                hint="以邮件签收回执、送达回证或对方确认的日期为准")
        self.note = self.form.add("note", "备注", text_field("如:特快专递签收回执,签收人张三", 52))

    def job(self) -> Job:
        return self.dated_job(cases.record_letter_received,
                              lambda final: f"已登记{final.label}的收到日期;期限确定为{cn_date(final.end)}。")
