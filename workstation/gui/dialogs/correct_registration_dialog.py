"""更正登记信息: a typo in the registered request (phone, address, content, the received date) is corrected
with a reason; the old and new values are kept in the case's record."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from workstation.domain.errors import UserError
from workstation.domain.intake import FIELD_LABELS, LIMITS, RECEIVED_FACT, IntakeData
from workstation.services import cases
from workstation.services.cases import CaseSummary
from workstation.store.database import Database

from ..context import AppContext
from ..widgets import MultiLineEdit, date_edit, to_date
from .base import Job, ServiceDialog, text_field

# The registered fields the dialog offers, as (name, caption) in the order of the intake form.
TEXT_FIELDS = (("applicant_name", "申请人"), ("id_number", "证件号码"), ("phone", "联系电话"),
               ("address", "通讯地址"), ("postcode", "邮政编码"), ("email", "电子邮箱"))


class CorrectRegistrationDialog(ServiceDialog):
    title = "更正登记信息"
    ok_text = "记录更正"
    scrolls = True  # eight fields, the reason and every error: taller than 614 pixels at 125 %
    intro = "改正登记时的录入错误。只保存改动的项目;原值、新值和更正原因记入办理记录。"

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None, *,
                 intake: IntakeData) -> None:
        self.intake = intake  # as the case page read it (the ID number masked)
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(640)  # the address and the request's text want the width; refusals wrap in fewer lines

    def build(self) -> None:
        person = self.intake.applicant_kind == "natural"
        self.lines: dict[str, QLineEdit] = {}
        self.shown: dict[str, Any] = {}  # each field's value as the dialog opened
        for name, caption in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setMaxLength(LIMITS[name])
            value = self.case.id_number_masked if name == "id_number" else getattr(self.intake, name)
            edit.setText(value)
            self.shown[name] = value
            if name == "applicant_name":
                caption = "姓名" if person else "名称"
            elif name == "id_number" and not person:
                caption = "统一社会信用代码"
            hint = "号码部分隐藏;如需更正,请输入完整号码" if name == "id_number" and "*" in value else ""
            self.lines[name] = self.form.add(name, caption, edit, hint=hint)
        self.content = MultiLineEdit()
        self.content.setPlainText(self.intake.content)
        self.content.setFixedHeight(90)
        self.shown["content"] = self.intake.content
        self.form.add("content", "所需政府信息", self.content)
        # the channel's fact decides the received date (Art. 31): the clerk corrects that fact
        self.fact = RECEIVED_FACT.get(self.intake.channel, "handed_in_on")
        on: date = getattr(self.intake, self.fact) or self.case.received
        self.shown[self.fact] = getattr(self.intake, self.fact)
        self.received = self.form.add(self.fact, FIELD_LABELS[self.fact], date_edit(on),
                                      hint="收到申请日期由此确定,答复期限随之重新计算")
        self.reason = self.form.add("reason", "更正原因", text_field("必填,例如:登记时电话号码录错", 60))

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from what the dialog showed."""
        typed: dict[str, Any] = {name: edit.text() for name, edit in self.lines.items()}
        typed["content"] = self.content.toPlainText()
        typed[self.fact] = to_date(self.received.date())
        changed = {name: value for name, value in typed.items() if value != self.shown[name]}
        if "*" in changed.get("id_number", ""):
            raise UserError("请输入完整的证件号码(登记的号码部分隐藏,不能只改其中几位)", field="id_number")
        return changed

    def job(self) -> Job:
        actor, case_id, reason, today = self.ctx.actor, self.case.id, self.reason.toPlainText(), self.ctx.today()
        changes = self.changes()

        def call(db: Database) -> str:
            cases.correct_registration(db, actor, case_id, changes, reason, today=today)
            return "已更正登记信息,原值和更正原因已记入办理记录。"
        return call
