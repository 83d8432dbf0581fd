"""其他处理办结: a 其他处理 ending (fee not paid, 其他) with its date; a reply on the substance is made in 答复."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSizePolicy

from workstation.domain.case_actions import ENDING_RESULTS
from workstation.domain.errors import UserError
from workstation.domain.remedies import review_first
from workstation.domain.results import RESULTS_BY_KEY
from workstation.services import cases
from workstation.store.database import Database

from ..widgets import Label, date_edit, to_date
from .base import Job, ServiceDialog, text_field


class CloseDialog(ServiceDialog):
    title = "其他处理办结"
    ok_text = "办结"
    results: tuple[str, ...] = ENDING_RESULTS
    intro = ("用于逾期未缴纳信息处理费等其他处理的情形;公开、不予公开、无法提供、不予处理的答复,"
             "请经“审查”“审核签发”后在“答复”中作出。申请人撤回、逾期不补正请用各自的按钮。")

    def build(self) -> None:
        self.result = QComboBox()
        self.result.addItem("请选择办理结果", None)
        for key in self.results:
            self.result.addItem(RESULTS_BY_KEY[key].label, key)
        self.result.setMaxVisibleItems(22)
        self.form.add("result", "办理结果", self.result)
        self.basis = Label()
        self.basis.setObjectName("hint")
        self.basis.setWordWrap(True)
        self.basis.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # the row's width
        self.form.layout.addRow("", self.basis)
        self.on = self.form.add("on", "办结日期", date_edit(self.ctx.today()))
        self.note = self.form.add("note", "备注", text_field())
        self.result.currentIndexChanged.connect(self._show_basis)
        self.setMinimumWidth(620)

    def _show_basis(self) -> None:
        key = self.result.currentData()
        row = RESULTS_BY_KEY.get(key) if key else None
        note = "(复议前置:告知书应写明先申请行政复议)" if row and review_first(row.key) else ""
        self.basis.setText(f"依据:{row.basis}{note}" if row else "")

    def job(self) -> Job:
        key = self.result.currentData()
        if key is None:
            raise UserError("请选择办理结果", field="result")
        actor, case_id, on, note, today = (self.ctx.actor, self.case.id, to_date(self.on.date()),
                                           self.note.toPlainText(), self.ctx.today())

        def call(db: Database) -> str:
            done = cases.close(db, actor, case_id, key, on, note=note, today=today)
            return f"已办结:{done.result_label}。"
        return call
