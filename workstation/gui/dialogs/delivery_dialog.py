"""送达: how and when the reply notice reached the applicant; the case is then finished."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from workstation.services import cases, review
from workstation.services.cases import CaseSummary
from workstation.services.review import DELIVERY_METHODS

from ..context import AppContext
from ..widgets import date_edit, to_date
from .base import ServiceDialog, text_field

# The field each method asks for besides the date.
METHOD_FIELDS = {"in_person": "signed_by", "post": "tracking_no", "email": "email"}
# The method to offer first, from how the applicant asked to get the information.
FROM_WANTED = {"post": "post", "email": "email", "pickup": "in_person", "on_site": "in_person"}


class DeliveryDialog(ServiceDialog):
    title = "送达"
    ok_text = "登记送达"
    intro = "登记答复告知书送达申请人的方式和日期。邮寄的填写邮件单号;当面领取的填写签收人。登记后可打印送达回证。"

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(560)  # after the base class's default

    def build(self) -> None:
        self.offer: tuple[str, str] | None = None
        intake = cases.intake_of(self.ctx.db, self.case.id)
        self.method = QComboBox()
        for key, label in DELIVERY_METHODS.items():
            self.method.addItem(label, key)
        self.method.setCurrentIndex(max(self.method.findData(FROM_WANTED.get(intake.delivery, "")), 0))
        self.form.add("method", "送达方式", self.method)
        self.signed_by = self.form.add("signed_by", "签收人", QLineEdit(), hint="当面领取的,由签收人在送达回证上签名")
        self.tracking_no = self.form.add("tracking_no", "邮件单号", QLineEdit(), hint="挂号信或特快专递的邮件号")
        self.email = self.form.add("email", "电子邮箱", QLineEdit(intake.email))
        self.on = self.form.add("on", "送达日期", date_edit(self.ctx.today()))
        self.note = self.form.add("note", "备注", text_field("", 52))
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        wanted = METHOD_FIELDS[self.method.currentData()]
        for name in METHOD_FIELDS.values():
            self.form.set_visible(name, name == wanted)
        if self.isVisible():  # a row came or went: fit the dialog to it
            self.adjustSize()

    def perform(self) -> str:
        method = self.method.currentData()
        wanted = METHOD_FIELDS[method]
        done = review.deliver(
            self.ctx.db, self.ctx.actor, self.case.id, method, to_date(self.on.date()),
            tracking_no=self.tracking_no.text() if wanted == "tracking_no" else "",
            signed_by=self.signed_by.text() if wanted == "signed_by" else "",
            email=self.email.text() if wanted == "email" else "", note=self.note.toPlainText(),
            today=self.ctx.today())
        self.offer = ("打印送达回证…", "delivery")
        return f"已登记送达({DELIVERY_METHODS[method]},{done.delivered_on}),本申请已办结。"
