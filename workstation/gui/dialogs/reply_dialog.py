"""答复: the reply with its one result, its legal basis and what the notice must state for that result."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from workstation.domain.results import DELIVERY_WAYS, RESULTS, RESULTS_BY_KEY
from workstation.services import cases, review
from workstation.services.cases import CaseSummary
from workstation.services.review import PROVISION_FORMS, ReplyData

from ..context import AppContext
from ..widgets import date_edit, to_date
from .base import ServiceDialog, text_field

NOT_HELD = "unavailable.not_held"
# The fields each result's notice states (the result, basis and date are always asked).
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    "disclosed": ("provision_form", "provision_way", "published_at"),
    "partly_disclosed": ("provision_form", "provision_way", "withheld_part", "withheld_reason"),
    NOT_HELD: ("responsible_body", "responsible_contact"),
}
OPTIONAL_FIELDS = ("provision_form", "provision_way", "published_at", "withheld_part", "withheld_reason",
                   "responsible_body", "responsible_contact")


def combo(options: dict[str, str]) -> QComboBox:
    box = QComboBox()
    box.addItem("(不写明)", "")
    for key, label in options.items():
        box.addItem(label, key)
    return box


class ReplyDialog(ServiceDialog):
    title = "答复"
    ok_text = "答复并出具告知书"
    intro = ("答复结果按审查结论预先选好;改选其他结果的须说明理由。邮寄答复的,以交邮之日为答复日期;"
             "当面领取的,以签收之日为答复日期。答复后将生成答复告知书供打印。")

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(680)  # after the base class's default

    def build(self) -> None:
        latest = review.latest_review(self.ctx.db, self.case.id)
        signed = latest if latest is not None and latest.status == "signed" else None
        self.reviewed = signed.result_key if signed else None
        self.reviewed_basis = signed.basis if signed else ""
        self.result = QComboBox()
        for r in RESULTS:
            self.result.addItem(r.label, r.key)
        self.result.setMaxVisibleItems(22)
        if self.reviewed is not None:
            self.result.setCurrentIndex(self.result.findData(self.reviewed))
        reviewed_text = (f"审查结论:{RESULTS_BY_KEY[self.reviewed].label}({signed.signed_by} 审核签发)"
                         if signed and self.reviewed else "尚无审核签发的审查,不能答复。")
        self.form.add("result", "办理结果", self.result, hint=reviewed_text)
        self.reason = self.form.add("reason", "改选理由", QLineEdit())
        self.reason.setPlaceholderText("答复结果与审查结论不同的理由")
        self.basis = self.form.add("basis", "法律依据", text_field("", 52))
        self.refusal_note = QLabel()
        self.refusal_note.setObjectName("warning")
        self.form.layout.addRow("", self.refusal_note)
        intake = cases.intake_of(self.ctx.db, self.case.id)
        self.provision_form = self.form.add("provision_form", "提供形式", combo(PROVISION_FORMS))
        self.provision_form.setCurrentIndex(max(self.provision_form.findData(intake.wanted_form), 0))
        self.provision_way = self.form.add("provision_way", "获取方式", combo(DELIVERY_WAYS))
        self.provision_way.setCurrentIndex(max(self.provision_way.findData(intake.delivery), 0))
        self.published_at = self.form.add("published_at", "主动公开的位置", QLineEdit(),
                                          hint="已主动公开的,写明获取途径(如网站栏目及网址、公报期号);否则留空")
        self.withheld_part = self.form.add("withheld_part", "不予公开的部分", QLineEdit(),
                                           hint="例如:第三部分会议讨论记录")
        self.withheld_reason = self.form.add("withheld_reason", "不予公开的理由", QLineEdit(),
                                             hint="例如:属于过程性信息")
        self.responsible_body = self.form.add("responsible_body", "负责公开的机关", QLineEdit(),
                                              hint="该信息由其他机关负责公开的,写明机关名称(告知书即为“非本机关负责公开”);"
                                                   "不知道的留空(告知书为“本机关不掌握”)")
        self.responsible_contact = self.form.add("responsible_contact", "该机关联系方式", QLineEdit())
        self.on = self.form.add("on", "答复日期", date_edit(self.ctx.today()))
        self.result.currentIndexChanged.connect(self._result_changed)
        self._result_changed()

    def _result_changed(self) -> None:
        key = self.result.currentData()
        self.form.set_visible("reason", key != self.reviewed)
        self.basis.setPlainText(self.reviewed_basis if key == self.reviewed and self.reviewed_basis
                                else RESULTS_BY_KEY[key].basis)
        self.refusal_note.setText("复议前置:对不予公开的部分,告知书将写明须先申请行政复议。" if key == "partly_disclosed"
                                  else "复议前置:告知书将写明须先申请行政复议。")
        self.refusal_note.setVisible(RESULTS_BY_KEY[key].is_refusal_14_16 or key == "partly_disclosed")
        shown = RESULT_FIELDS.get(key, ())
        for name in OPTIONAL_FIELDS:
            self.form.set_visible(name, name in shown)
        if self.isVisible():  # rows came or went: fit the dialog to them
            self.adjustSize()

    def _text(self, name: str, edit: QLineEdit) -> str:
        return edit.text() if self.form.is_visible(name) else ""

    def perform(self) -> str:
        key = self.result.currentData()
        shown = RESULT_FIELDS.get(key, ())
        data = ReplyData(
            result_key=key, on=to_date(self.on.date()), basis=self.basis.toPlainText().strip(),
            provision_form=self.provision_form.currentData() if "provision_form" in shown else "",
            provision_way=self.provision_way.currentData() if "provision_way" in shown else "",
            published_at=self._text("published_at", self.published_at),
            withheld_part=self._text("withheld_part", self.withheld_part),
            withheld_reason=self._text("withheld_reason", self.withheld_reason),
            responsible_body=self._text("responsible_body", self.responsible_body),
            responsible_contact=self._text("responsible_contact", self.responsible_contact),
            reason=self.reason.text() if key != self.reviewed else "",
        )
        done = review.reply(self.ctx.db, self.ctx.actor, self.case.id, data, today=self.ctx.today())
        return f"已答复:{done.result_label}。正在生成答复告知书……"
