"""答复: the reply with its one result, its legal basis and the reasons the notice must state for that result."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from workstation.domain.remedies import review_first
from workstation.domain.reply_reasons import WITHHELD_GROUNDS
from workstation.domain.results import DELIVERY_WAYS, RESULTS, RESULTS_BY_KEY
from workstation.domain.similarity import percent
from workstation.services import cases, repeats, review
from workstation.services.base import office_settings
from workstation.services.cases import CaseSummary
from workstation.services.review import PROVISION_FORMS, ReplyData
from workstation.store.database import Database

from ..context import AppContext
from ..widgets import Label, date_edit, to_date
from .base import Job, ServiceDialog, text_field

NOT_HELD = "unavailable.not_held"
REPEATED = "not_processed.repeated"
OTHER = "other.other"
PROVISION = ("provision_form", "provision_way", "provision_place", "provision_time", "materials")
NOT_RESPONSIBLE = ("not_responsible_reason", "responsible_body", "responsible_contact")
# The fields each result's notice states (the result, basis and date are always asked).
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    "disclosed": ("published_at", *PROVISION),
    "partly_disclosed": ("withheld_part", "withheld_ground", "withheld_reason", *PROVISION),
    "withheld.prohibited_by_law": ("prohibiting_law",),
    "withheld.security_stability": ("harm",),
    "withheld.third_party": ("third_party_objection", "weighing"),
    "withheld.query_matter": ("governing_law",),
    NOT_HELD: ("not_responsible", *NOT_RESPONSIBLE),
    REPEATED: ("earlier_request", "earlier_doc_number"),
    OTHER: ("other_reason",),
}
OPTIONAL_FIELDS = tuple(dict.fromkeys(name for names in RESULT_FIELDS.values() for name in names))
TEXT_FIELDS = ("provision_place", "provision_time", "published_at", "withheld_part", "withheld_reason",
               "prohibiting_law", "harm", "third_party_objection", "weighing", "governing_law",
               "not_responsible_reason", "responsible_body", "responsible_contact", "earlier_doc_number",
               "other_reason")


def combo(options: dict[str, str], empty: str = "(不写明)") -> QComboBox:
    box = QComboBox()
    box.addItem(empty, "")
    for key, label in options.items():
        box.addItem(label, key)
    return box

REPLY_NOTICE_PENDING = "正在生成答复告知书……"  # the case window replaces it once the notice is issued


class ReplyDialog(ServiceDialog):
    title = "答复"
    ok_text = "答复并出具告知书"
    scrolls = True  # every result's reasons and every error: taller than 614 pixels at 125 %
    intro = ("答复结果按审查结论预先选好;改选其他结果的须说明理由。邮寄答复的,以交邮之日为答复日期;"
             "当面领取的,以签收之日为答复日期。告知书必须写明的理由(条例第三十六条、第三十七条)请逐项填写。")

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(860)  # after the base class's default; wide enough for the intro in two lines

    def build(self) -> None:
        latest = review.latest_review(self.ctx.db, self.case.id)
        signed = latest if latest is not None and latest.status == "signed" else None
        self.reviewed = signed.result_key if signed else None
        self.reviewed_basis = signed.basis if signed else ""
        self.earlier: list[repeats.EarlierRequest] | None = None  # looked up on the worker when first needed
        self.shown_key: str | None = None
        self.other_basis = ""
        self.form.layout.setVerticalSpacing(4)  # many rows: the dialog fits 614 pixels high (768 at 125 %)
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
        self.basis = self.form.add("basis", "法律依据", text_field("", 46))
        self.refusal_note = Label()
        self.refusal_note.setObjectName("warning")
        self.form.layout.addRow("", self.refusal_note)
        self._build_reasons()
        self._build_provision()
        self.on = self.form.add("on", "答复日期", date_edit(self.ctx.today()))
        self.result.currentIndexChanged.connect(self._result_changed)
        self._result_changed()

    def _line(self, name: str, label: str, placeholder: str = "", hint: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self.form.add(name, label, edit, hint=hint)
        return edit

    def _build_reasons(self) -> None:
        self.withheld_part = self._line("withheld_part", "不予公开的部分", "例如:第3页中第三方的姓名、身份证号码")
        self.withheld_ground = self.form.add("withheld_ground", "理由类别",
                                             combo({g.key: g.label for g in WITHHELD_GROUNDS}, "(请选择)"))
        self.withheld_reason = self._line("withheld_reason", "具体理由", "例如:涉及个人隐私,权利人不同意公开")
        self.prohibiting_law = self._line("prohibiting_law", "禁止公开的依据", "法律或行政法规的名称及条款",
                                          hint="例如:《中华人民共和国统计法》第二十五条")
        self.harm = self.form.add("harm", "具体危害", text_field("用一句话写明公开后可能造成的具体危害", 46))
        self.third_party_objection = self.form.add(
            "third_party_objection", "第三方意见", text_field("第三方是否同意公开及其理由;逾期未答复的写明", 46))
        self.weighing = self.form.add("weighing", "权衡结果", text_field("为什么不公开不会对公共利益造成重大影响", 46))
        self.governing_law = self._line("governing_law", "查询依据", "规定查询程序的法律、行政法规(可不填)",
                                        hint="例如:《不动产登记暂行条例》")
        self.not_responsible = QCheckBox("不属于本机关负责公开(条例第三十六条第五项)")
        self.form.add("not_responsible", "", self.not_responsible)
        self.not_responsible.toggled.connect(self._result_changed)
        self.not_responsible_reason = self._line("not_responsible_reason", "理由", "为什么不属于本机关负责公开")
        self.responsible_body = self._line("responsible_body", "负责公开的机关", "能够确定的,写明机关名称")
        self.responsible_contact = self._line("responsible_contact", "该机关联系方式", "电话、地址等")
        self.earlier_request = QComboBox()
        self.earlier_request.addItem("正在查找同一申请人此前的申请……", None)
        self.earlier_request.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.form.add("earlier_request", "此前的申请", self.earlier_request,
                      hint="同一申请人此前已答复的申请,按申请内容的相似度排列")
        self.earlier_request.currentIndexChanged.connect(self._earlier_changed)
        self.earlier_doc_number = self._line("earlier_doc_number", "此前答复文号", "登记簿中没有该答复的告知书,请填写其文号")
        self.other_reason = self.form.add("other_reason", "处理理由", text_field("写明对申请如何处理及具体理由", 46))

    def _build_provision(self) -> None:
        intake = cases.intake_of(self.ctx.db, self.case.id, viewer=self.ctx.actor)
        self.places = {"post": " ".join(p for p in (intake.address, intake.postcode) if p), "email": intake.email,
                       "pickup": office_settings(self.ctx.db).office_address,
                       "on_site": office_settings(self.ctx.db).office_address}
        self.published_at = self._line("published_at", "主动公开的位置", "已主动公开的,写明获取途径;否则留空",
                                       hint="如网站栏目及网址、公报期号")
        self.provision_form = self.form.add("provision_form", "提供形式", combo(PROVISION_FORMS))
        self.provision_form.setCurrentIndex(max(self.provision_form.findData(intake.wanted_form), 0))
        self.provision_way = self.form.add("provision_way", "提供方式", combo(DELIVERY_WAYS, "(请选择)"))
        self.provision_place = self._line("provision_place", "提供地点", "邮寄地址、电子邮箱或领取、查阅的地点")
        self.provision_time = self._line("provision_time", "提供时间", "例如:随本告知书一并邮寄;收到本告知书后10个工作日内")
        self.provision_way.currentIndexChanged.connect(self._way_changed)
        self.provision_way.setCurrentIndex(max(self.provision_way.findData(intake.delivery), 0))
        self.materials: QPlainTextEdit = self.form.add("materials", "提供的材料", text_field("每行一件", 46))
        self.materials.setPlainText("\n".join(review.release_materials(self.ctx.db, self.case.id)))

    def _way_changed(self) -> None:
        """Offer the place that goes with the way, unless the clerk typed another."""
        current = self.provision_place.text().strip()
        if not current or current in self.places.values():
            self.provision_place.setText(self.places.get(self.provision_way.currentData(), "") or "")

    def _result_changed(self) -> None:
        key = self.result.currentData()
        self.form.set_visible("reason", key != self.reviewed)
        if key != self.shown_key:  # not when only the 非本机关负责 mark changed
            self._set_basis(key)
        self.shown_key = key
        self.refusal_note.setText("复议前置:部分公开是一个行政行为,告知书将写明对本告知书不服须先申请行政复议。"
                                  if key == "partly_disclosed" else "复议前置:告知书将写明须先申请行政复议。")
        self.refusal_note.setVisible(review_first(key))
        shown = set(RESULT_FIELDS.get(key, ()))
        if key == NOT_HELD and not self.not_responsible.isChecked():
            shown -= set(NOT_RESPONSIBLE)
        if key == REPEATED:
            self._find_earlier()
            if not self._needs_doc_number():
                shown.discard("earlier_doc_number")
        for name in OPTIONAL_FIELDS:
            self.form.set_visible(name, name in shown)
        if self.isVisible():  # rows came or went: fit the dialog to them
            self.adjustSize()

    def _set_basis(self, key: str) -> None:
        if self.shown_key == OTHER:  # keep what the clerk typed for 其他处理
            self.other_basis = self.basis.toPlainText()
        if key == OTHER:  # the bare Regulation is no basis: the clerk names the rule
            self.basis.setPlainText(self.other_basis)
            self.basis.setPlaceholderText("其他处理所依据的具体规定(法律、法规或规章的名称及条款)")
        elif key == self.reviewed and self.reviewed_basis:
            self.basis.setPlainText(self.reviewed_basis)
        else:
            self.basis.setPlainText(RESULTS_BY_KEY[key].basis)

    # -- 重复申请: the earlier request, from the register ----------------------------------------
    def _find_earlier(self) -> None:
        if self.earlier is not None:
            return
        self.earlier = []
        db, case_id = self.ctx.background_db, self.case.id
        self.ctx.tasks.run(lambda _p: repeats.repeats_of(db, case_id, minimum=0.0, replied_only=True),
                           on_done=self._earlier_found, parent=self)

    def _earlier_found(self, found: list[repeats.EarlierRequest]) -> None:
        self.earlier = found
        self.earlier_request.clear()
        if not found:
            self.earlier_request.addItem("(登记簿中没有同一申请人此前已答复的申请)", None)
        else:
            self.earlier_request.addItem("(请选择)", None)
        for e in found:
            number = e.reply_number or "未在本系统出具告知书"
            self.earlier_request.addItem(f"{e.number}  {e.received.isoformat()}收到  {e.result_label}  {number}  "
                                         f"相似度{percent(e.score)}", e.id)
        if found and found[0].score >= 0.5:
            self.earlier_request.setCurrentIndex(1)

    def _selected_earlier(self) -> repeats.EarlierRequest | None:
        chosen = self.earlier_request.currentData()
        return next((e for e in self.earlier or () if e.id == chosen), None)

    def _needs_doc_number(self) -> bool:
        chosen = self._selected_earlier()
        return chosen is not None and not chosen.reply_number

    def _earlier_changed(self) -> None:
        if self.result.currentData() == REPEATED:
            self.form.set_visible("earlier_doc_number", self._needs_doc_number())

    # -- the reply -----------------------------------------------------------------------------
    def _text(self, name: str) -> str:
        if not self.form.is_visible(name):
            return ""
        widget = getattr(self, name)
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def job(self) -> Job:
        key = self.result.currentData()
        shown = RESULT_FIELDS.get(key, ())
        materials = self.materials.toPlainText().splitlines() if self.form.is_visible("materials") else []
        data = ReplyData(
            result_key=key, on=to_date(self.on.date()), basis=self.basis.toPlainText().strip(),
            provision_form=self.provision_form.currentData() if "provision_form" in shown else "",
            provision_way=self.provision_way.currentData() if "provision_way" in shown else "",
            materials=tuple(m for m in materials if m.strip()),
            withheld_ground=self.withheld_ground.currentData() if "withheld_ground" in shown else "",
            not_responsible=key == NOT_HELD and self.not_responsible.isChecked(),
            earlier_request_id=self.earlier_request.currentData() if key == REPEATED else None,
            reason=self.reason.text() if key != self.reviewed else "",
            **{name: self._text(name) for name in TEXT_FIELDS},
        )
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()

        def call(db: Database) -> str:
            done = review.reply(db, actor, case_id, data, today=today)
            return f"已答复:{done.result_label}。{REPLY_NOTICE_PENDING}"
        return call
