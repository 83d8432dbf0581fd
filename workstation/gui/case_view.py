"""The case (案件): its data, its deadline with the day-by-day count, its timeline and what can be done next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.deadline import PAUSE_KINDS, Deadline, cn_date
from workstation.domain.errors import UserError
from workstation.domain.intake import RECEIVED_FACT, IntakeData
from workstation.domain.results import APPLICANT_KINDS_BY_KEY, CHANNELS, DELIVERY_WAYS, WANTED_FORMS
from workstation.domain.status import Role, Status
from workstation.services import cases, office
from workstation.services.cases import CaseSummary, TimelineEntry

from .context import AppContext
from .dialogs.base import ServiceDialog
from .dialogs.close_dialog import CloseDialog
from .dialogs.corrected_dialog import CorrectedDialog
from .dialogs.correction_dialog import CorrectionDialog
from .dialogs.deem_withdrawn_dialog import DeemWithdrawnDialog
from .dialogs.extension_dialog import ExtensionDialog
from .dialogs.manual_due_dialog import ManualDueDialog
from .dialogs.pause_dialog import PauseDialog
from .dialogs.resume_dialog import ResumeDialog
from .dialogs.withdraw_dialog import WithdrawDialog
from .timeline_text import describe
from .widgets import (
    MUTED_TEXT,
    OVERDUE_TEXT,
    SOON_TEXT,
    Column,
    ListModel,
    error_label,
    iso,
    show_error,
)

CASE_ROLES = (Role.CLERK, Role.HEAD)
OPEN_STATES = (Status.OPEN, Status.REVIEW, Status.REPLY)


def local_time(utc_text: str) -> str:
    """Event times are stored in UTC; the clerk reads local time."""
    at = datetime.strptime(utc_text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone()
    return at.strftime("%Y-%m-%d %H:%M")


class CaseView(QWidget):
    """One request in its own window; every action opens a small dialog that calls one service."""

    open_case = Signal(int)

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.case_id = case_id
        self.case: CaseSummary | None = None
        self.deadline: Deadline | None = None
        self.dialog: QDialog | None = None

        self.number = QLabel()
        self.number.setObjectName("screenTitle")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("statusChip")
        self.applicant = QLabel()
        self.applicant.setObjectName("sectionTitle")
        header = QHBoxLayout()
        header.addWidget(self.number)
        header.addWidget(self.status)
        header.addSpacing(12)
        header.addWidget(self.applicant, 1)
        self.info = QLabel()
        self.info.setObjectName("infoBanner")
        self.info.setWordWrap(True)
        self.info.hide()
        self.error = error_label()

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 6, 0)
        left_box.addWidget(self._build_deadline())
        left_box.addWidget(self._build_data())
        left_box.addWidget(self._build_attachments())
        left_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(6, 0, 0, 0)
        right_box.addWidget(self._build_actions())
        right_box.addWidget(self._build_timeline(), 1)
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setSizes([560, 680])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)
        self.resize(1280, 720)
        ctx.changed.connect(self.refresh)
        self.refresh()

    # -- panels ----------------------------------------------------------------------
    def _build_deadline(self) -> QGroupBox:
        box = QGroupBox("答复期限")
        self.deadline_form = QFormLayout()
        self.deadline_labels: dict[str, QLabel] = {}
        for key, caption in (("received", "收到申请"), ("start", "重新起算"), ("due", "答复期限"),
                             ("original_due", "原答复期限"), ("count", "已用/剩余"),
                             ("correction_notice_by", "补正告知期限"), ("correct_by", "补正期限"),
                             ("pauses", "暂停"), ("extension", "延期")):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.deadline_labels[key] = label
            self.deadline_form.addRow(caption + ":", label)
        self.due_label = self.deadline_labels["due"]
        self.explanation = QListWidget()
        self.explanation.setMinimumHeight(150)
        self.explanation.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        note = QLabel("逐日说明(收到申请当日不计入,自次日起算):")
        note.setObjectName("hint")
        layout = QVBoxLayout(box)
        layout.addLayout(self.deadline_form)
        layout.addWidget(note)
        layout.addWidget(self.explanation)
        return box

    def _build_data(self) -> QGroupBox:
        box = QGroupBox("登记信息")
        self.data_layout = QVBoxLayout(box)
        self.data_widget: QWidget | None = None
        return box

    def _build_attachments(self) -> QGroupBox:
        box = QGroupBox("附件")
        self.attachment_list = QListWidget()
        self.attachment_list.setMaximumHeight(90)
        self.attach_button = QPushButton("添加附件…")
        self.attach_button.clicked.connect(self._add_attachment)
        layout = QHBoxLayout(box)
        layout.addWidget(self.attachment_list, 1)
        layout.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignTop)
        return box

    def _build_actions(self) -> QGroupBox:
        box = QGroupBox("办理")
        outer = QVBoxLayout(box)
        grid = QGridLayout()
        self.action_grid = grid
        self.buttons: dict[str, QPushButton] = {}
        specs: list[tuple[str, str]] = [
            ("correction", "补正告知…"), ("corrected", "收到补正…"), ("pause", "暂停计时…"),
            ("resume", "恢复计时…"), ("extend", "延期…"), ("manual_due", "另行确定期限…"),
            ("withdraw", "申请人撤回…"), ("deem_withdrawn", "视为放弃申请…"), ("close", "答复办结…"),
        ]
        for i, (key, text) in enumerate(specs):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.start_action(k))
            self.buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        self.action_note = QLabel()
        self.action_note.setObjectName("hint")
        self.action_note.setWordWrap(True)
        outer.addLayout(grid)
        outer.addWidget(self.action_note)
        return box

    def _build_timeline(self) -> QGroupBox:
        box = QGroupBox("办理记录")
        self.timeline_model = ListModel([
            Column("时间", lambda e: local_time(e.at)),
            Column("事项", lambda e: e.label),
            Column("经办人", lambda e: e.actor),
            Column("生效日期", lambda e: iso(e.effective_on), Qt.AlignmentFlag.AlignHCenter),
            Column("内容", describe),
        ], tooltip=describe, parent=self)
        self.timeline = QTableView()
        self.timeline.setModel(self.timeline_model)
        self.timeline.verticalHeader().hide()
        self.timeline.setWordWrap(True)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.timeline.horizontalHeader()
        for i, width in enumerate((130, 120, 90, 90)):
            self.timeline.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        self.timeline.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(box)
        layout.addWidget(self.timeline)
        return box

    # -- loading -----------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.ctx.db
        try:
            case = cases.get_case(db, self.case_id)
        except UserError as exc:
            show_error(self.error, exc.message)
            return
        self.case = case
        as_of = None if case.closed_on else self.ctx.today()
        self.deadline = cases.deadline(db, self.case_id, as_of=as_of)
        entries = cases.timeline(db, self.case_id)
        self.setWindowTitle(f"{case.number} — {case.applicant_name}")
        self.number.setText(case.number)
        self.status.setText(case.status_label + (f" · {case.result_label}" if case.result_label else ""))
        self.applicant.setText(case.applicant_name)
        self._show_deadline(case, self.deadline, entries)
        self._show_data(case, cases.intake_of(db, self.case_id))
        self._show_attachments()
        self.timeline_model.set_rows(list(reversed(entries)))
        self._update_actions(case)

    def _show_deadline(self, case: CaseSummary, d: Deadline, entries: list[TimelineEntry]) -> None:
        labels = self.deadline_labels
        mark = "(预估:节假日安排尚未公布)" if d.provisional else ""
        labels["received"].setText(cn_date(d.received))
        labels["start"].setText(f"{cn_date(d.start)}(收到补正后重新起算)" if d.start != d.received else "")
        due = cn_date(d.due) + mark + ("(依条例第三十五条另行确定)" if d.manual else "")
        labels["due"].setText(due)
        labels["original_due"].setText(cn_date(d.original_due) if d.original_due != d.due and not d.manual else "")
        if case.closed_on:
            count = f"已于{cn_date(case.closed_on)}办结,用时 {d.used} 个工作日"
            colour = None
        elif case.status == Status.CORRECTION:
            count = "等待补正,答复期限暂不计算;收到补正后重新起算"
            colour = None
        elif d.paused:
            count = f"暂停中;已用 {d.used} 个工作日,剩余 {d.left} 个工作日"
            colour = None
        elif d.left < 0:
            count = f"已逾期 {-d.left} 个工作日(已用 {d.used} 个工作日)"
            colour = OVERDUE_TEXT
        else:
            count = f"已用 {d.used} 个工作日,剩余 {d.left} 个工作日"
            colour = SOON_TEXT if d.left <= 3 else None
        labels["count"].setText(count)
        labels["count"].setStyleSheet(f"color: {colour.name()}; font-weight: bold;" if colour else "")
        labels["correction_notice_by"].setText(cn_date(d.correction_notice_by))
        correct_by = cases.correction_due(self.ctx.db, self.case_id) if case.status == Status.CORRECTION else None
        labels["correct_by"].setText(cn_date(correct_by) if correct_by else "")
        labels["pauses"].setText(self._pauses_text(entries))
        labels["extension"].setText(self._extension_text(entries))
        for key, label in labels.items():
            if key not in ("received", "due", "count", "correction_notice_by"):
                self.deadline_form.setRowVisible(label, bool(label.text()))
        self.explanation.clear()
        for span in d.explanation:
            item = QListWidgetItem(span.text())
            if not span.counted:
                item.setForeground(QBrush(MUTED_TEXT))
            if span.provisional:
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
            self.explanation.addItem(item)
        self.explanation.scrollToTop()

    @staticmethod
    def _pauses_text(entries: list[TimelineEntry]) -> str:
        lines = []
        for e in entries:
            after = e.after or {}
            if e.action == "pause_started":
                kind = PAUSE_KINDS.get(after.get("kind", ""), "")
                lines.append(f"{after.get('on', '')} 起({kind}{',' + after['party'] if after.get('party') else ''})")
            elif e.action == "pause_ended" and lines:
                lines[-1] += f",{after.get('on', '')} 恢复"
        return "\n".join(lines)

    @staticmethod
    def _extension_text(entries: list[TimelineEntry]) -> str:
        for e in entries:
            if e.action == "extended" and e.after:
                a = e.after
                return f"延长 {a.get('days')} 个工作日({a.get('approved_by')} {a.get('approved_on')} 批准):{a.get('reason', '')}"
        return ""

    def _show_data(self, case: CaseSummary, data: IntakeData) -> None:
        if self.data_widget is not None:
            self.data_widget.deleteLater()
        self.data_widget = QWidget()
        form = QFormLayout(self.data_widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.data_layout.addWidget(self.data_widget)
        person = data.applicant_kind == "natural"
        fact = RECEIVED_FACT.get(data.channel, "")
        fact_label = {"handed_in_on": "递交日期", "signed_on": "签收日期", "confirmed_on": "确认日期"}.get(fact, "")
        kind = APPLICANT_KINDS_BY_KEY.get(data.applicant_kind)
        rows: list[tuple[str, str]] = [
            ("递交方式", CHANNELS.get(data.channel, data.channel)),
            (fact_label, iso(getattr(data, fact, None)) if fact else ""),
            ("申请人类型", kind.label if kind else data.applicant_kind),
            ("姓名" if person else "名称", data.applicant_name),
        ]
        self.id_value = QLabel(f"{data.id_type}  {case.id_number_masked}" if person else case.id_number_masked)
        rows_after = [
            ("校验不符的理由", data.id_override_reason),
            ("法定代表人/负责人", "" if person else data.legal_representative),
            ("联系人", "" if person else data.contact_person),
            ("联系电话", data.phone), ("通讯地址", data.address), ("邮政编码", data.postcode),
            ("电子邮箱", data.email), ("载体形式", WANTED_FORMS.get(data.wanted_form, data.wanted_form)),
            ("获取方式", DELIVERY_WAYS.get(data.delivery, data.delivery)),
            ("口头申请", "是(承办人代为填写)" if data.oral else ""),
        ]
        for caption, value in rows:
            if value:
                form.addRow(caption + ":", self._value(value))
        id_row = QWidget()
        id_box = QHBoxLayout(id_row)
        id_box.setContentsMargins(0, 0, 0, 0)
        id_box.addWidget(self.id_value, 1)
        self.id_button = QPushButton("显示完整号码")
        self.id_button.setAutoDefault(False)
        self.id_button.clicked.connect(self._reveal_id)
        self.id_button.setVisible(self.ctx.has(Role.HEAD, Role.ADMIN, Role.REVIEWER))
        self.id_button.setToolTip("查看完整号码会记入审计记录")
        id_box.addWidget(self.id_button)
        form.addRow("证件号码:" if person else "统一社会信用代码:", id_row)
        for caption, value in rows_after:
            if value:
                form.addRow(caption + ":", self._value(value))
        content = self._value(data.content)
        form.addRow("所需政府信息:", content)

    @staticmethod
    def _value(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _show_attachments(self) -> None:
        self.attachment_list.clear()
        for a in office.list_attachments(self.ctx.db, self.case_id):
            self.attachment_list.addItem(f"{a.filename}({a.size // 1024 + 1} KB)")
        if not self.attachment_list.count():
            self.attachment_list.addItem("(无)")
        self.attach_button.setEnabled(self.ctx.has(*CASE_ROLES))

    # -- what can be done ---------------------------------------------------------------
    def _update_actions(self, case: CaseSummary) -> None:
        status = case.status
        is_open = status.is_open
        worker = self.ctx.has(*CASE_ROLES)
        head = self.ctx.has(Role.HEAD)
        allowed = {
            "correction": status == Status.OPEN,
            "corrected": status == Status.CORRECTION,
            "pause": status in OPEN_STATES,
            "resume": status == Status.PAUSED,
            "extend": status in OPEN_STATES + (Status.PAUSED,) and not case.extended,
            "manual_due": is_open and status != Status.CORRECTION,
            "withdraw": is_open,
            "deem_withdrawn": status == Status.CORRECTION,
            "close": is_open and status != Status.CORRECTION,
        }
        why = {"extend": "本申请已经延期过一次" if case.extended else ""}
        for key, button in self.buttons.items():
            needs_head = key in ("extend", "manual_due")
            if not is_open:
                tip = "本申请已办结"
            elif needs_head and not head:
                tip = "需要负责人批准" if key == "extend" else "需要负责人决定"
            elif not needs_head and not worker:
                tip = "需要承办人或负责人角色"
            elif not allowed[key]:
                tip = why.get(key) or f"当前状态({status.label})不能进行此操作"
            else:
                tip = ""
            button.setEnabled(not tip)
            button.setToolTip(tip)
        self.buttons["pause"].setVisible(status != Status.PAUSED)
        self.buttons["resume"].setVisible(status == Status.PAUSED)
        self.buttons["corrected"].setVisible(status == Status.CORRECTION)
        self.buttons["deem_withdrawn"].setVisible(status == Status.CORRECTION)
        self.buttons["correction"].setVisible(status != Status.CORRECTION)
        visible = [b for k, b in self.buttons.items() if not b.isHidden()]
        for button in self.buttons.values():
            self.action_grid.removeWidget(button)
        for i, button in enumerate(visible):
            self.action_grid.addWidget(button, i // 3, i % 3)
        notes = []
        if is_open and not head:
            notes.append("延期和另行确定期限需要负责人批准,请由负责人登录后办理。")
        if not worker:
            notes.append("您的角色不能办理申请(需要承办人或负责人)。")
        self.action_note.setText("".join(notes))
        self.action_note.setVisible(bool(notes))

    def start_action(self, key: str) -> None:
        """Open the action's dialog (not blocking); on success show its sentence and reload."""
        assert self.case is not None
        dialogs: dict[str, Callable[..., ServiceDialog]] = {
            "correction": CorrectionDialog, "corrected": CorrectedDialog, "pause": PauseDialog,
            "resume": ResumeDialog, "extend": ExtensionDialog, "manual_due": ManualDueDialog,
            "withdraw": WithdrawDialog, "deem_withdrawn": DeemWithdrawnDialog, "close": CloseDialog,
        }
        dialog = dialogs[key](self.ctx, self.case, self)
        dialog.accepted.connect(lambda: self._action_done(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _action_done(self, dialog: ServiceDialog) -> None:
        self.dialog = None
        self.info.setText(dialog.message)
        self.info.show()
        self.ctx.data_changed()

    def _reveal_id(self) -> None:
        try:
            full = cases.full_id_number(self.ctx.db, self.ctx.actor, self.case_id)
        except UserError as exc:
            show_error(self.error, exc.message)
            return
        self.id_value.setText(full)
        self.id_button.setEnabled(False)

    def _add_attachment(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "添加附件", "",
                                              "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
        if not name:
            return
        db, actor, case_id = self.ctx.background_db, self.ctx.actor, self.case_id
        self.ctx.tasks.run(lambda _p: office.add_attachment(db, actor, case_id, name),
                           on_done=lambda _id: self.ctx.data_changed(),
                           on_error=lambda exc: show_error(self.error, exc.message),
                           label="正在保存附件……", parent=self)
