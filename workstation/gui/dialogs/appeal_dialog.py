"""复议/诉讼: record an administrative review or lawsuit about the reply, or enter its result (table 四)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from workstation.domain.errors import UserError
from workstation.services import review
from workstation.services.base import office_settings
from workstation.services.cases import CaseSummary
from workstation.services.review import APPEAL_KINDS, APPEAL_RESULTS, AppealInfo
from workstation.store.database import Database

from ..context import AppContext
from ..widgets import date_edit, to_date, to_qdate
from .base import Job, ServiceDialog, text_field

NEW = -1  # the "record a new one" entry of the appeal chooser


class AppealDialog(ServiceDialog):
    title = "复议/诉讼"
    ok_text = "保存"
    intro = ("申请人就本申请的答复申请行政复议或提起行政诉讼的,在此登记,并在审结后登记结果"
             "(计入年度报告表四)。尚未审结的,结果选“尚未审结”。")

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(620)  # after the base class's default

    def build(self) -> None:
        settings = office_settings(self.ctx.db)
        self.default_bodies = {"review": settings.review_body, "litigation_direct": settings.court,
                               "litigation_after_review": settings.court}
        self.appeals: dict[int, AppealInfo] = {}
        self.target = QComboBox()
        self.form.add("target", "登记内容", self.target)
        self.kind = QComboBox()
        for key, label in APPEAL_KINDS.items():
            self.kind.addItem(label, key)
        self.form.add("kind", "类型", self.kind)
        self.filed_on = self.form.add("filed_on", "申请或起诉日期", date_edit(self.ctx.today()))
        self.body = self.form.add("body", "复议机关或法院", QLineEdit(self.default_bodies["review"]))
        self.result = QComboBox()
        self.result.addItem("尚未审结", "")
        for key, label in APPEAL_RESULTS.items():
            self.result.addItem(label, key)
        self.form.add("result", "结果", self.result)
        self.result_on = self.form.add("result_on", "结果日期", date_edit(self.ctx.today()))
        self.result_on.setToolTip("复议决定书或判决书、裁定书的日期")
        self.note = self.form.add("note", "备注", text_field("", 52))
        self._fill_targets(NEW)
        self.target.currentIndexChanged.connect(self._target_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.result.currentIndexChanged.connect(self._result_changed)
        self._target_changed()

    def _fill_targets(self, select: int) -> None:
        self.appeals = {a.id: a for a in review.appeals_of(self.ctx.db, self.case.id)}
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("新登记一项复议或诉讼", NEW)
        for a in self.appeals.values():
            self.target.addItem(f"登记结果:{a.label} {a.filed_on.isoformat()}({a.result_label})", a.id)
        self.target.setCurrentIndex(self.target.findData(select))
        self.target.blockSignals(False)

    def _target_changed(self) -> None:
        appeal = self.appeals.get(self.target.currentData())
        for widget in (self.kind, self.filed_on, self.body):
            widget.setEnabled(appeal is None)
        if appeal is not None:
            self.kind.setCurrentIndex(self.kind.findData(appeal.kind))
            self.filed_on.setDate(to_qdate(appeal.filed_on))
            self.body.setText(appeal.body)
            self.result.setCurrentIndex(max(self.result.findData(appeal.result or ""), 0))
            if appeal.result_on:
                self.result_on.setDate(to_qdate(appeal.result_on))
        self._result_changed()

    def _kind_changed(self) -> None:
        if self.body.text().strip() in ("", *self.default_bodies.values()):
            self.body.setText(self.default_bodies[self.kind.currentData()])

    def _result_changed(self) -> None:
        self.form.set_visible("result_on", bool(self.result.currentData()))
        if self.isVisible():  # a row came or went: fit the dialog to it
            self.adjustSize()

    def job(self) -> Job:
        result = self.result.currentData()
        appeal = self.appeals.get(self.target.currentData())
        actor, case_id, today, note = self.ctx.actor, self.case.id, self.ctx.today(), self.note.toPlainText()
        kind, filed_on, body, result_on = (self.kind.currentData(), to_date(self.filed_on.date()), self.body.text(),
                                           to_date(self.result_on.date()))

        def set_result(db: Database, appeal: AppealInfo) -> str:
            done = review.set_appeal_result(db, actor, appeal.id, result, result_on, note=note, today=today)
            return f"已登记{done.label}的结果:{done.result_label}({done.result_on})。"

        def record(db: Database) -> str:
            new = review.record_appeal(db, actor, case_id, kind, filed_on, body=body, note=note, today=today)
            if not result:
                return f"已登记{new.label}({new.filed_on.isoformat()}),尚未审结。"
            try:
                return set_result(db, new)
            except UserError as exc:
                raise RecordedWithoutResult(f"{exc.message}({new.label}已登记;改正后再点“保存”登记结果。)",
                                            field=exc.field, appeal_id=new.id) from exc
        if appeal is None:
            return record
        return lambda db: set_result(db, appeal)

    def refused(self, exc: UserError) -> None:
        if isinstance(exc, RecordedWithoutResult):  # from here on the dialog enters the result of that record
            self._fill_targets(exc.appeal_id)
            self._target_changed()
        super().refused(exc)


class RecordedWithoutResult(UserError):
    """The appeal was saved but its result was refused."""

    def __init__(self, message: str, *, field: str | None, appeal_id: int) -> None:
        super().__init__(message, field=field)
        self.appeal_id = appeal_id
