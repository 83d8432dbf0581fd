"""更正办理结果: the head corrects a closed request's result or date, with a reason, on the record.

The one way to change figures of a period the office has locked (reported or published);
the tally screen then shows the locked figures beside the current ones.
"""

from __future__ import annotations

from PySide6.QtCore import QDate

from workstation.domain.errors import UserError
from workstation.domain.results import RESULTS_BY_KEY
from workstation.services import tally
from workstation.store.database import Database

from ..widgets import to_date
from .base import Job, text_field
from .close_dialog import CloseDialog


class CorrectResultDialog(CloseDialog):
    title = "更正办理结果"
    results = tuple(RESULTS_BY_KEY)  # any result: the recorded one may be wrong in any direction
    ok_text = "记录更正"
    intro = ("已办结申请的办理结果或办结日期有误时,由负责人更正并写明理由,更正记入审计记录。"
             "已锁定(已报送或公开)期间的数字不会改写:统计页将锁定时的数字与更正后的数字并列显示。")

    def build(self) -> None:
        super().build()
        self.form.set_label("on", "办结日期")
        if self.case.result_key:
            self.result.setCurrentIndex(self.result.findData(self.case.result_key))
        if self.case.closed_on:
            on = self.case.closed_on
            self.on.setDate(QDate(on.year, on.month, on.day))
        self.form.set_visible("note", False)
        self.reason = self.form.add("reason", "更正理由", text_field("必填,例如:办理结果登记错误,应为部分公开"))

    def job(self) -> Job:
        key = self.result.currentData()
        if key is None:
            raise UserError("请选择办理结果", field="result")
        on = to_date(self.on.date())
        if key == self.case.result_key and on == self.case.closed_on:
            raise UserError("办理结果和办结日期都没有改变,无需更正", field="result")
        actor, case_id, reason = self.ctx.actor, self.case.id, self.reason.toPlainText()

        def call(db: Database) -> str:
            tally.correct_locked_result(db, actor, case_id, key, on, reason)
            return "已记录更正。"
        return call
