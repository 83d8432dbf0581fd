"""审查: the handling clerk answers the checklist, step by step (补不补 → 该不该 → 有没有 → 给不给 → 当不当);
the proposal follows the answers as they are given."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.checklist import Checklist, ChecklistItem, by_step
from workstation.domain.deadline import cn_date
from workstation.domain.errors import UserError
from workstation.domain.results import RESULTS_BY_KEY
from workstation.services import office, review
from workstation.services.cases import CaseSummary

from .. import file_dialogs
from ..context import AppContext, Change
from ..repeats_panel import RepeatsPanel
from ..result_combo import result_combo
from ..widgets import Form, Label, date_edit, fit_resize, to_date
from .base import Job, ServiceDialog, text_field

_NUMERALS = "一二三四五六七八九十"
# what the dialog shows for an item or a proposal whose basis is "" (no article says what the reply claims)
NO_ARTICLE = "(《条例》没有规定这一情形的条文,答复不引条文,以文字说明理由)"


class ReviewDialog(ServiceDialog):
    title = "审查"
    ok_text = "提交审核"
    intro = ("按步骤逐项回答下列问题(鼠标停在问题上可看说明)。前面步骤答“是”的,决定办理结果,程序据此提出建议;"
             "如认为应作其他处理,可另选结果并说明理由。提交后由审核人签发。")

    def __init__(self, ctx: AppContext, case: CaseSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, parent)
        self.setMinimumWidth(1040)  # after the base class's default; fits a 1366-pixel screen at 125 %

    def build(self) -> None:
        self.items = review.checklist_items(self.ctx.db)
        self.consulted = review.third_party_on_record(self.ctx.db, self.case.id)
        self.proposal = review.propose_result(self.ctx.db, {})
        self.offer: tuple[str, str] | None = None
        self.release_files: list[str] = []

        columns = QHBoxLayout()
        columns.addWidget(self._build_checklist(), 3)
        right = QVBoxLayout()
        right.addWidget(self._build_proposal())
        decision = Form(QFormLayout(), share=self.form)
        self.result = result_combo()
        decision.add("result", "办理结果", self.result)
        self.choice_reason = decision.add("choice_reason", "另选理由", text_field("所选结果与建议不同的理由", 56))
        self.third_party = decision.add("third_party", "第三方", QLineEdit())
        self.third_party.setPlaceholderText("被征询意见的单位或个人")
        self.third_party_on = decision.add("on", "征询函发出日期", date_edit(self.ctx.today()))
        self.third_party_on.setToolTip("自该日起暂停计时")
        self.notes = decision.add("notes", "审查意见", text_field("检索经过、审查意见等,审核人可见", 70))
        self.release_list = QListWidget()
        self.release_list.setMaximumHeight(64)
        self.release_list.setWordWrap(True)
        self.release_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.release_button = QPushButton("添加待公开材料…")
        self.release_button.setAutoDefault(False)
        self.release_button.clicked.connect(self._add_release)
        release = QWidget()
        release_box = QHBoxLayout(release)
        release_box.setContentsMargins(0, 0, 0, 0)
        release_box.addWidget(self.release_list, 1)
        release_box.addWidget(self.release_button, 0, Qt.AlignmentFlag.AlignTop)
        decision.add("release", "待公开材料", release)
        right.addLayout(decision.layout)
        right.addWidget(RepeatsPanel.for_case(self.ctx, self.case.id, self))  # likely repeats, Art. 36(6)
        right.addStretch(1)
        columns.addLayout(right, 2)
        holder = QWidget()
        holder.setLayout(columns)
        self.form.layout.addRow(holder)

        self.result.currentIndexChanged.connect(self._choice_changed)
        self._show_release()
        self._update()
        fit_resize(self, 1180, 700)

    # -- the checklist ----------------------------------------------------------------
    def _build_checklist(self) -> QWidget:
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(2)
        self.answer_groups: dict[str, QButtonGroup] = {}
        self.yes_buttons: dict[str, QRadioButton] = {}
        self.no_buttons: dict[str, QRadioButton] = {}
        self.step_headers: dict[str, QLabel] = {}
        row = 0
        number = 0
        for n, (step, items) in enumerate(by_step(Checklist(tuple(self.items)))):
            header = Label(f"{_NUMERALS[n]}、{step.name}:{step.title}")
            header.setObjectName("sectionTitle")
            header.setWordWrap(True)
            self.step_headers[step.key] = header
            if row:
                grid.setRowMinimumHeight(row, 10)
                row += 1
            grid.addWidget(header, row, 0, 1, 3)
            row += 1
            for item in items:
                number += 1
                self._add_item(grid, row, number, item)
                row += 2
        self.checklist_scroll = QScrollArea()
        self.checklist_scroll.setWidgetResizable(True)
        self.checklist_scroll.setWidget(rows)
        self.checklist_scroll.setMinimumHeight(340)  # the dialog fits 614 logical pixels (768 at 125 %)
        self.progress = Label()
        self.progress.setObjectName("countLabel")
        self.rest_no = QPushButton("其余未答项目均为“否”")
        self.rest_no.setAutoDefault(False)
        self.rest_no.clicked.connect(self._rest_no)
        footer = QHBoxLayout()
        footer.addWidget(self.progress, 1)
        footer.addWidget(self.rest_no)
        box = QGroupBox("审查项目")
        layout = QVBoxLayout(box)
        checklist = Form(QFormLayout(), share=self.form)
        checklist.layout.setContentsMargins(0, 0, 0, 0)
        checklist.add("answers", "", self.checklist_scroll)
        layout.addLayout(checklist.layout)
        layout.addLayout(footer)
        return box

    def _add_item(self, grid: QGridLayout, row: int, number: int, item: ChecklistItem) -> None:
        basis_text = item.basis or NO_ARTICLE
        tip = f"{item.help}\n\n依据:{basis_text}"
        question = Label(f"{number}. {item.question}")
        question.setWordWrap(True)
        question.setToolTip(tip)
        basis = Label(basis_text)
        basis.setObjectName("hint")
        basis.setWordWrap(True)
        basis.setToolTip(tip)
        yes, no = QRadioButton("是"), QRadioButton("否")
        group = QButtonGroup(self)
        for button in (yes, no):
            button.setToolTip(tip)
            group.addButton(button)
        group.buttonToggled.connect(lambda _button, _on: self._update())
        self.answer_groups[item.id] = group
        self.yes_buttons[item.id], self.no_buttons[item.id] = yes, no
        grid.addWidget(question, row, 0)
        grid.addWidget(yes, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(no, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(basis, row + 1, 0, 1, 3)
        grid.setRowMinimumHeight(row + 1, 22)

    def _build_proposal(self) -> QGroupBox:
        box = QGroupBox("审查建议")
        self.proposed = Label()
        self.proposed.setObjectName("sectionTitle")
        self.proposed.setWordWrap(True)
        self.basis = Label()
        self.basis.setWordWrap(True)
        self.proposal_notes = Label()
        self.proposal_notes.setObjectName("hint")
        self.proposal_notes.setWordWrap(True)
        self.third_party_note = Label()
        self.third_party_note.setObjectName("warning")
        self.third_party_note.setWordWrap(True)
        self.third_party_note.setTextFormat(Qt.TextFormat.PlainText)  # the party and its answer as typed
        layout = QVBoxLayout(box)
        for label in (self.proposed, self.basis, self.proposal_notes, self.third_party_note):
            layout.addWidget(label)
        return box

    def answers(self) -> dict[str, bool]:
        """The items answered so far (an unanswered item is left out, so the service can say so)."""
        out: dict[str, bool] = {}
        for item in self.items:
            if self.yes_buttons[item.id].isChecked():
                out[item.id] = True
            elif self.no_buttons[item.id].isChecked():
                out[item.id] = False
        return out

    def _rest_no(self) -> None:
        for item in self.items:
            if self.answer_groups[item.id].checkedButton() is None:
                self.no_buttons[item.id].setChecked(True)

    def _update(self) -> None:
        answers = self.answers()
        self.proposal = p = review.propose_result(self.ctx.db, answers)
        left = len(self.items) - len(answers)
        self.progress.setText(f"已回答 {len(answers)}/{len(self.items)} 项" + (f",还有 {left} 项未答" if left else ""))
        self.rest_no.setEnabled(left > 0)
        self.proposed.setText(f"建议结果:{RESULTS_BY_KEY[p.result_key].label}")
        self.basis.setText(f"依据:{p.basis or NO_ARTICLE}")
        self.proposal_notes.setText("\n".join(p.notes))
        self.proposal_notes.setVisible(bool(p.notes))
        ask = p.consult_third_party and self.consulted is None
        if ask:
            note = ("涉及第三方合法权益:提交后将书面征求第三方意见,并自征询开始之日起暂停计时"
                    "(第三方自收到征询函之日起15个工作日内提出意见,条例第三十二条)。")
        elif p.consult_third_party and self.consulted is not None:
            note = (f"涉及第三方合法权益:{self.consulted.sentence()}。提交后不再重复征询、不再暂停计时;"
                    "请在审查说明中写明对第三方意见的处理。")
        else:
            note = ""
        self.third_party_note.setText(note)
        self.third_party_note.setVisible(bool(note))
        self.form.set_visible("third_party", ask)
        self.form.set_visible("on", ask)
        self.result.setItemText(0, f"按建议({RESULTS_BY_KEY[p.result_key].label})")
        self._choice_changed()

    def _choice_changed(self) -> None:
        chosen = self.result.currentData()
        self.form.set_visible("choice_reason", chosen is not None and chosen != self.proposal.result_key)

    # -- material to be released ------------------------------------------------------------
    def _add_release(self) -> None:
        names = file_dialogs.open_file_names(self, "添加待公开材料", "",
                                             "文件 (*.pdf *.doc *.docx *.xls *.xlsx *.jpg *.jpeg *.png *.tif *.tiff);;"
                                             "所有文件 (*)")
        if not names:
            return
        db, actor, case_id = self.ctx.background_db, self.ctx.actor, self.case.id
        self.release_button.setEnabled(False)

        def save(_progress: object) -> list[str]:
            for name in names:
                office.add_attachment(db, actor, case_id, name, purpose="release")
            return names

        self.ctx.tasks.run(save, on_done=self._release_saved, on_error=self._release_failed,
                           label="正在保存材料……", parent=self)

    def _release_saved(self, names: list[str]) -> None:
        self.release_files += [Path(n).name for n in names]
        self.release_button.setEnabled(True)
        self._show_release()
        self.ctx.data_changed(change=Change.of_case(self.case.id, register=False))

    def _release_failed(self, exc: UserError) -> None:
        self.release_button.setEnabled(True)
        self.form.show(UserError(exc.message, field="release"))

    def _show_release(self) -> None:
        self.release_list.clear()
        self.release_list.addItems(self.release_files or ["(尚未添加)"])

    # -- submit ---------------------------------------------------------------------------
    def job(self) -> Job:
        consult = self.proposal.consult_third_party and self.consulted is None
        actor, case_id, today, answers = self.ctx.actor, self.case.id, self.ctx.today(), self.answers()
        notes, chosen, choice_reason = (self.notes.toPlainText(), self.result.currentData(),
                                        self.choice_reason.toPlainText())
        third_party = self.third_party.text() if consult else ""
        on = to_date(self.third_party_on.date()) if consult else None
        # what the sentence afterwards names, as it was when Save was pressed
        self.submitted = (RESULTS_BY_KEY[chosen or self.proposal.result_key].label, self.third_party.text().strip())
        return lambda db: review.submit_review(db, actor, case_id, answers, notes=notes, chosen_result=chosen,
                                               choice_reason=choice_reason, third_party=third_party, on=on,
                                               today=today)

    def succeeded(self, info: review.ReviewInfo) -> str:
        label, party = self.submitted
        pause = info.third_party_pause
        if pause is None:
            return f"已提交审查(结果:{label}),等待审核人签发。"
        self.offer = ("出具第三方意见征询函…", "third-party")
        party = f"({party})" if party else ""
        until = f",第三方应于{cn_date(pause.answer_by)}前提出意见" if pause.answer_by else ""
        return (f"已提交审查(结果:{label})。因涉及第三方合法权益,自{cn_date(pause.on)}起暂停计时,"
                f"征求第三方意见{party}{until};收到意见或期限届满后请恢复计时,再由审核人签发。")
