"""审核签发: the reviewer reads the submitted review and signs it off or sends it back with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from workstation.domain.errors import UserError
from workstation.domain.results import RESULTS_BY_KEY
from workstation.services import review
from workstation.services.cases import CaseSummary
from workstation.services.review import ReviewInfo
from workstation.store.database import Database

from ..context import AppContext
from ..widgets import MUTED_TEXT, Label
from .base import Job, ServiceDialog, text_field


def local_time(utc_text: str) -> str:
    """Review times are stored in UTC; the reviewer reads local time."""
    at = datetime.strptime(utc_text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone()
    return at.strftime("%Y-%m-%d %H:%M")


def result_label(key: str | None) -> str:
    return RESULTS_BY_KEY[key].label if key in RESULTS_BY_KEY else "—"


class SignoffDialog(ServiceDialog):
    title = "审核签发"
    ok_text = "审核通过,签发"
    intro = "请核对承办人的审查。同意的,审核签发后承办人即可答复;不同意的,写明理由退回承办人重新审查。"

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(780)  # after the base class's default
        buttons = self.findChild(QDialogButtonBox)
        self.back_button = buttons.addButton("退回承办人", QDialogButtonBox.ButtonRole.ActionRole)
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self._send_back)
        if self.review is None:
            self.form.show(UserError("本申请没有待审核的审查(可能已由他人签发或退回)"))
            self.ok_button.setEnabled(False)
            self.back_button.setEnabled(False)

    def build(self) -> None:
        self.mode = "sign"
        latest = review.latest_review(self.ctx.db, self.case.id)
        self.review: ReviewInfo | None = latest if latest is not None and latest.status == "submitted" else None
        if self.review is not None:
            self.form.layout.addRow(self._build_summary(self.review))
            self.form.layout.addRow(self._build_answers(self.review))
        self.reason = self.form.add("reason", "退回理由", text_field("退回时填写:需要补充或改正的地方", 56))

    def _build_summary(self, rv: ReviewInfo) -> QGroupBox:
        box = QGroupBox("审查情况")
        form = QFormLayout(box)
        chosen = rv.chosen_result and rv.chosen_result != rv.proposed_result
        rows = [
            ("承办人", f"{rv.prepared_by}(提交于 {local_time(rv.prepared_at)})"),
            ("建议结果", result_label(rv.proposed_result)),
            ("承办人另选", f"{result_label(rv.chosen_result)};理由:{rv.choice_reason}" if chosen else ""),
            ("法律依据", rv.basis),
            ("审查意见", rv.notes or "(无)"),
        ]
        self.values: dict[str, QLabel] = {}
        for caption, text in rows:
            if not text:
                continue
            label = Label(text)
            label.setWordWrap(True)
            self.values[caption] = label
            form.addRow(caption + ":", label)
        if chosen:
            self.values["承办人另选"].setObjectName("warning")
        return box

    def _build_answers(self, rv: ReviewInfo) -> QGroupBox:
        questions = {item.id: item.question for item in review.checklist_items(self.ctx.db)}
        yes = [k for k, v in rv.answers.items() if v]
        box = QGroupBox(f"审查项目(回答“是”的 {len(yes)} 项在前)")
        self.answer_list = QListWidget()
        self.answer_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        ordered = sorted(rv.answers.items(), key=lambda kv: not kv[1])
        for key, answer in ordered:
            item = QListWidgetItem(f"{'是' if answer else '否'}    {questions.get(key, key)}")
            if answer:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            else:
                item.setForeground(QBrush(MUTED_TEXT))
            self.answer_list.addItem(item)
        row = max(self.answer_list.sizeHintForRow(0), self.answer_list.fontMetrics().height() + 2)
        self.answer_list.setFixedHeight(min(len(ordered), 10) * row + 2 * self.answer_list.frameWidth() + 2)
        form = QFormLayout(box)
        form.addRow(self.answer_list)
        return box

    def _send_back(self) -> None:
        self.mode = "back"
        self.accept()
        self.mode = "sign"

    def job(self) -> Job:
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        if self.mode == "back":
            reason = self.reason.toPlainText()

            def send_back(db: Database) -> str:
                back = review.send_back(db, actor, case_id, reason)
                return f"已退回承办人重新审查:{back.return_reason}"
            return send_back

        def sign_off(db: Database) -> str:
            signed = review.sign_off(db, actor, case_id, today=today)
            own = "(单人机关:承办人自行审核)" if signed.self_signoff else ""
            return f"已审核签发{own}:{result_label(signed.result_key)}。承办人可以答复。"
        return sign_off
