"""送达: how the reply reached the applicant and the day that counts against the due date.

国办公开办函〔2016〕235号: handed over or delivered by another body, the day signed for counts; by post
(through 邮政企业 only), the day handed to the post office; by e-mail, the day sent.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSizePolicy, QWidget

from workstation.domain.deadline import COUNTING_BASIS, NON_POSTAL, NON_POSTAL_RULE
from workstation.domain.errors import UserError
from workstation.services import cases, review
from workstation.services.cases import CaseSummary
from workstation.services.review import DELIVERY_METHODS, POSTAL_CARRIERS
from workstation.store.database import Database

from ..context import AppContext
from ..fitting import pin_minimum_height
from ..widgets import Label, date_edit, to_date
from .base import Job, ServiceDialog, text_field

# The fields each method asks for besides the date.
METHOD_FIELDS = {"in_person": ("signed_by",), "entrusted": ("body", "signed_by"),
                 "post": ("carrier", "tracking_no"), "email": ("email",)}
ALL_FIELDS = ("carrier", "tracking_no", "body", "signed_by", "email")
DATE_LABELS = {"in_person": "签收日期", "entrusted": "签收日期", "post": "交邮日期", "email": "发送日期"}
# The method to offer first, from how the applicant asked to get the information.
FROM_WANTED = {"post": "post", "email": "email", "pickup": "in_person", "on_site": "in_person"}
NON_POSTAL_WARNING = "⚠ " + NON_POSTAL_RULE + "已经交其他快递企业寄出的,请写明快递企业名称和原因。"


class DeliveryDialog(ServiceDialog):
    title = "送达"
    ok_text = "登记送达"
    # one line: which day counts (签收, 交邮, 发送) is the date's own label and the verdict's sentence below
    intro = "登记答复告知书送达申请人的方式和日期,是否按期以此日期判断。登记后可打印送达回证。"

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(600)  # after the base class's default

    def build(self) -> None:
        self.offer: tuple[str, str] | None = None
        intake = cases.intake_of(self.ctx.db, self.case.id, viewer=self.ctx.actor)
        self.method = QComboBox()
        for key, label in DELIVERY_METHODS.items():
            self.method.addItem(label, key)
        self.method.setCurrentIndex(max(self.method.findData(FROM_WANTED.get(intake.delivery, "")), 0))
        self.form.add("method", "送达方式", self.method)
        self.carrier = QComboBox()
        for key, label in POSTAL_CARRIERS.items():
            self.carrier.addItem(label, key)
        self.form.add("carrier", "寄递企业", self.carrier)
        self.carrier_warning = wrapped(NON_POSTAL_WARNING)
        self.carrier_warning.setObjectName("warning")
        self.form.add("carrier_warning", "", self.carrier_warning)
        self.override = self.add_override_reason("快递企业及原因")
        self.tracking_no = self.form.add("tracking_no", "邮件单号", QLineEdit(), hint="挂号信或特快专递的邮件号")
        self.body = self.form.add("body", "代为送达的机关", QLineEdit(), hint="委托其他行政机关代为送达的,写明该机关")
        self.signed_by = self.form.add("signed_by", "签收人", QLineEdit(),
                                       hint="申请人或其法定代理人,在送达回证上签名")
        self.email = self.form.add("email", "电子邮箱", QLineEdit(intake.email))
        self.on = self.form.add("on", "签收日期", date_edit(self.ctx.today()))
        self.verdict = wrapped("")
        self.form.add("verdict", "是否按期", self.verdict)
        self.note = self.form.add("note", "备注", text_field("", 52))
        self.method.currentIndexChanged.connect(self._method_changed)
        self.carrier.currentIndexChanged.connect(self._method_changed)
        self.on.dateChanged.connect(self._show_verdict)
        self._method_changed()

    def _method_changed(self) -> None:
        method = self.method.currentData()
        wanted = METHOD_FIELDS[method]
        for name in ALL_FIELDS:
            self.form.set_visible(name, name in wanted)
        non_postal = method == "post" and self.carrier.currentData() == NON_POSTAL
        self.form.set_visible("carrier_warning", non_postal)
        self.form.set_visible("override_reason", non_postal)
        self.form.set_label("on", DATE_LABELS[method])
        self._show_verdict()
        if self.isVisible():  # a row came or went: fit the dialog to it
            pin_minimum_height(self)
            self.adjustSize()

    def refused(self, exc: UserError) -> None:
        """The rule of letter 235 stands in the warning above the reason: under the field, only what to write."""
        if exc.field == "override_reason" and self.form.is_visible("carrier_warning"):
            exc = UserError("请写明快递企业名称和原因(国办公开办函〔2016〕235号)", field="override_reason")
        super().refused(exc)

    # Qt shows a dialog at most two thirds of the screen high (409 of 614 at 125 %) and at least its minimum,
    # which does not count the wrapped lines' height: they would be squeezed. The minimum follows them.
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        pin_minimum_height(self)
        super().showEvent(event)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a row or a refusal came or went
            pin_minimum_height(self)
        return handled

    def _show_verdict(self) -> None:
        method = self.method.currentData()
        t = cases.judge_delivery(self.ctx.db, self.case.id, method, to_date(self.on.date()))
        self.verdict.setText(t.text())
        self.verdict.setObjectName("" if t.on_time else "warning")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def job(self) -> Job:
        method = self.method.currentData()
        wanted = METHOD_FIELDS[method]
        on = to_date(self.on.date())
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        fields = dict(
            tracking_no=self.tracking_no.text() if "tracking_no" in wanted else "",
            carrier=self.carrier.currentData() if "carrier" in wanted else "",
            signed_by=self.signed_by.text() if "signed_by" in wanted else "",
            body=self.body.text() if "body" in wanted else "",
            email=self.email.text() if "email" in wanted else "",
            override_reason=self.override.text() if self.form.is_visible("override_reason") else "",
            note=self.note.toPlainText())
        self.offer = ("打印送达回证…", "delivery")  # read only once the delivery is saved

        def call(db: Database) -> str:
            done = review.deliver(db, actor, case_id, method, on, **fields, today=today)
            judged = cases.deadline(db, case_id).timeliness
            verdict = f"{judged.verdict}(以{COUNTING_BASIS[method]}计)" if judged else ""
            return f"已登记送达({DELIVERY_METHODS[method]},{done.delivered_on}),本申请已办结。{verdict}"
        return call


def wrapped(text: str) -> QLabel:
    """A label that takes the row's width and wraps (a form row would otherwise give it its one-line width)."""
    label = Label(text)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label
