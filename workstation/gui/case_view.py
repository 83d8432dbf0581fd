"""The case (案件): its data, its deadline with the day-by-day count, its timeline and what can be done next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.case_actions import CASE_ROLES, HEAD_ROLES, STEPS
from workstation.domain.deadline import PAUSE_KINDS, Deadline, LetterPeriod, cn_date
from workstation.domain.intake import RECEIVED_FACT, IntakeData
from workstation.domain.notices import KINDS
from workstation.domain.results import (
    APPLICANT_KINDS_BY_KEY,
    CHANNELS,
    DELIVERY_WAYS,
    RESULTS_BY_KEY,
    WANTED_FORMS,
)
from workstation.domain.status import Role, Status
from workstation.services import cases, office, review
from workstation.services.case_page import CasePage, case_page
from workstation.services.cases import CaseSummary, TimelineEntry
from workstation.services.documents import IssuedDocument
from workstation.services.office import AttachmentInfo
from workstation.services.review import AppealInfo

from . import file_dialogs
from .context import AppContext, Change
from .dialogs.appeal_dialog import AppealDialog
from .dialogs.base import ServiceDialog
from .dialogs.close_dialog import CloseDialog
from .dialogs.correct_registration_dialog import CorrectRegistrationDialog
from .dialogs.correct_result_dialog import CorrectResultDialog
from .dialogs.corrected_dialog import CorrectedDialog
from .dialogs.correction_dialog import CorrectionDialog
from .dialogs.deem_withdrawn_dialog import DeemWithdrawnDialog
from .dialogs.delivery_dialog import DeliveryDialog
from .dialogs.extension_dialog import ExtensionDialog
from .dialogs.letter_received_dialog import LetterReceivedDialog
from .dialogs.manual_due_dialog import ManualDueDialog
from .dialogs.pause_dialog import PauseDialog
from .dialogs.reply_dialog import REPLY_NOTICE_PENDING, ReplyDialog
from .dialogs.resume_dialog import ResumeDialog
from .dialogs.review_dialog import ReviewDialog
from .dialogs.signoff_dialog import SignoffDialog
from .dialogs.withdraw_dialog import WithdrawDialog
from .handover_panel import HandoverPanel
from .printing import document_title, issue_document, show_archived
from .timeline_text import clerk_text
from .widgets import (
    MUTED_TEXT,
    OVERDUE_TEXT,
    SOON_TEXT,
    Column,
    Label,
    ListModel,
    error_label,
    fit_resize,
    iso,
    show_error,
)
from .worker import LatestQuery

# The review flow (审查 → 审核签发 → 答复 → 送达 → 复议/诉讼) and the corrections, which are also taken
# after the case is closed: their buttons; who may use them is the state machine's (domain.case_actions.STEPS).
REVIEW_ACTIONS: tuple[tuple[str, str], ...] = (
    ("review", "审查…"), ("signoff", "审核签发…"), ("reply", "答复…"), ("deliver", "送达…"),
    ("appeal", "复议/诉讼…"), ("correct_result", "更正结果…"), ("correct_registration", "更正登记信息…"),
)
# a unit's user: the office issues every document in its own name (services.documents says the same)
UNIT_DOCUMENTS = "文书以办公室的名义出具,由办公室办理;承办单位请提交答复草稿"
REVIEW_STATES = {"submitted": "待审核", "signed": "已审核签发", "returned": "已退回"}


def local_time(utc_text: str) -> str:
    """Event times are stored in UTC; the clerk reads local time."""
    at = datetime.strptime(utc_text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone()
    return at.strftime("%Y-%m-%d %H:%M")


class CaseView(QWidget):
    """One request in its own window; every action opens a small dialog that calls one service."""

    open_case = Signal(int)
    closed = Signal()

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.case_id = case_id
        self.case: CaseSummary | None = None
        self.allowed: dict[str, str] = {}  # each step: "" if allowed now, else why not (domain.case_actions)
        self.deadline: Deadline | None = None
        self.intake: IntakeData | None = None  # the registered data as the page shows it (the ID number masked)
        self.dialog: QDialog | None = None

        self.number = Label()
        self.number.setObjectName("screenTitle")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = Label()
        self.status.setObjectName("statusChip")
        self.applicant = Label()
        self.applicant.setObjectName("sectionTitle")
        header = QHBoxLayout()
        header.addWidget(self.number)
        header.addWidget(self.status)
        header.addSpacing(12)
        header.addWidget(self.applicant, 1)
        self.info = Label()
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
        left_box.addWidget(self._build_review())
        left_box.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(6, 0, 0, 0)
        right_box.addWidget(self._build_actions())
        self.handover_panel = HandoverPanel(ctx)  # 转办: hidden in an office without units
        self.handover_panel.done.connect(self._handover_done)
        right_box.addWidget(self.handover_panel)
        right_box.addWidget(self._build_documents())
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
        if not ctx.remembered.restore_geometry(self, "case"):
            fit_resize(self, 1280, 680)  # below 720 px: the taskbar of a 1366×768 screen leaves less
        self.page_query = LatestQuery(ctx.tasks, self)
        for button in self._page_buttons():
            button.setEnabled(False)  # until the page is read
        ctx.changed.connect(self._changed)
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.close()  # Esc closes the case window, as it closes a dialog
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.ctx.remembered.save_geometry(self, "case")
        super().closeEvent(event)
        self.closed.emit()

    # -- opened again for another case ---------------------------------------------------
    def reusable(self) -> bool:
        """Closed with nothing of it still open (an action's dialog, a document's preview) or under way on the
        worker for it (a document, an attachment): it may show another case instead of a new window."""
        if any(w.isWindow() and w.isVisible() for w in self.findChildren(QWidget)):
            return False
        return not self.ctx.tasks.working_for(self)

    def show_case(self, case_id: int) -> None:
        """Show another case as a new window would: nothing of the last one, its page read on the worker."""
        self.case_id = case_id
        self.case = None
        self.allowed = {}
        self.deadline = None
        self.dialog = None
        self.setWindowTitle("")
        for label in (self.number, self.status, self.applicant, self.info, self.review_label, self.appeals_label,
                      *self.deadline_labels.values()):
            label.setText("")
        show_error(self.error, "")
        for label in self.deadline_labels.values():
            label.setStyleSheet("")
            self.deadline_form.setRowVisible(label, True)
        self.info.hide()
        self.offer_button.hide()
        self.explanation.clear()
        if self.data_widget is not None:
            self.data_layout.removeWidget(self.data_widget)
            self.data_widget.deleteLater()
            self.data_widget = None
        self.attachment_list.clear()
        self.documents_model.set_rows([])
        self.issue_menu.clear()
        self.timeline_model.set_rows([])
        self.handover_panel.hide()
        for bar in (self.scroll.verticalScrollBar(), self.timeline.verticalScrollBar()):
            bar.setValue(0)
        for button in self._page_buttons():
            button.setEnabled(False)
        if not self.ctx.remembered.restore_geometry(self, "case"):
            fit_resize(self, 1280, 680)
        self.refresh()

    def _page_buttons(self) -> list[QPushButton]:
        """What can be done once the page is read (disabled until then)."""
        return [*self.buttons.values(), *self.review_buttons.values(), self.attach_button, self.issue_button,
                self.print_explanation_button, self.show_document_button]

    # -- panels ----------------------------------------------------------------------
    def _build_deadline(self) -> QGroupBox:
        box = QGroupBox("答复期限")
        self.deadline_form = QFormLayout()
        self.deadline_labels: dict[str, QLabel] = {}
        for key, caption in (("received", "收到申请"), ("start", "重新起算"), ("due", "答复期限"),
                             ("original_due", "原答复期限"), ("count", "已用/剩余"), ("on_time", "是否按期"),
                             ("correction_notice_by", "补正告知期限"), ("correct_by", "补正期限"),
                             ("pauses", "暂停"), ("extension", "延期")):
            label = Label()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.deadline_labels[key] = label
            self.deadline_form.addRow(caption + ":", label)
        self.due_label = self.deadline_labels["due"]
        self.explanation = QListWidget()
        self.explanation.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        note = Label("逐日说明(收到申请当日不计入,自次日起算):")
        note.setObjectName("hint")
        self.print_explanation_button = QPushButton("打印计算说明…")
        self.print_explanation_button.setAutoDefault(False)
        self.print_explanation_button.setToolTip("出具《办理时限计算说明》附卷:起算、逐日计数、暂停、延期、答复期限和送达")
        self.print_explanation_button.clicked.connect(lambda: self.issue_notice("deadline-explanation"))
        note_row = QHBoxLayout()
        note_row.addWidget(note, 1)
        note_row.addWidget(self.print_explanation_button)
        layout = QVBoxLayout(box)
        layout.addLayout(self.deadline_form)
        layout.addLayout(note_row)
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

    def _build_review(self) -> QGroupBox:
        box = QGroupBox("审查与复议/诉讼")
        self.review_label = self._value("")
        self.appeals_label = self._value("")
        layout = QVBoxLayout(box)
        layout.addWidget(self.review_label)
        layout.addWidget(self.appeals_label)
        return box

    def _build_review_actions(self) -> QVBoxLayout:
        """The review flow's buttons: only those the user's role may use are shown."""
        self.review_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        shown = 0
        for key, text in REVIEW_ACTIONS:
            roles = STEPS[key].roles
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.start_action(k))
            button.setVisible(self.ctx.has(*roles))
            self.review_buttons[key] = button
            if self.ctx.has(*roles):
                grid.addWidget(button, shown // 3, shown % 3)
                shown += 1
        self.offer_kind = ""
        self.offer_button = QPushButton()
        self.offer_button.setAutoDefault(False)
        self.offer_button.hide()
        self.offer_button.clicked.connect(self._issue_offered)
        box = QVBoxLayout()
        box.addLayout(grid)
        box.addWidget(self.offer_button)
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
            ("withdraw", "申请人撤回…"), ("deem_withdrawn", "视为放弃申请…"), ("close", "其他处理办结…"),
            ("letter_received", "登记函件收到日期…"),
        ]
        for i, (key, text) in enumerate(specs):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.start_action(k))
            self.buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        self.action_note = Label()
        self.action_note.setObjectName("hint")
        self.action_note.setWordWrap(True)
        outer.addLayout(grid)
        outer.addLayout(self._build_review_actions())
        outer.addWidget(self.action_note)
        return box

    def _build_documents(self) -> QGroupBox:
        box = QGroupBox("文书")
        self.documents_model = ListModel([
            Column("文书", lambda d: d.label),
            Column("文号", lambda d: d.number or "—"),
            Column("出具日期", lambda d: iso(d.issued_on), Qt.AlignmentFlag.AlignHCenter),
            Column("说明", lambda d: "" if d.fonts_embedded else "字体未嵌入,各电脑显示可能不同"),
        ], parent=self)
        self.documents_table = QTableView()
        self.documents_table.setModel(self.documents_model)
        self.documents_table.verticalHeader().hide()
        self.documents_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.documents_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents_table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((120, 170, 90, 70)):
            self.documents_table.setColumnWidth(i, width)
        self.documents_table.setFixedHeight(4 * self.documents_table.verticalHeader().defaultSectionSize()
                                            + self.documents_table.horizontalHeader().sizeHint().height() + 4)
        self.documents_table.doubleClicked.connect(lambda _index: self.show_document())
        self.show_document_button = QPushButton("查看/重新打印…")
        self.show_document_button.setAutoDefault(False)
        self.show_document_button.setToolTip("打开存档的文书(与出具时完全相同),可预览、打印、另存为PDF")
        self.show_document_button.clicked.connect(self.show_document)
        self.issue_button = QPushButton("出具文书")
        self.issue_button.setAutoDefault(False)
        self.issue_menu = QMenu(self.issue_button)
        self.issue_button.setMenu(self.issue_menu)
        buttons = QVBoxLayout()
        buttons.addWidget(self.show_document_button)
        buttons.addWidget(self.issue_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(box)
        layout.addWidget(self.documents_table, 1)
        layout.addLayout(buttons)
        return box

    def _build_timeline(self) -> QGroupBox:
        box = QGroupBox("办理记录")
        self.timeline_model = ListModel([
            Column("时间", lambda e: local_time(e.at)),
            Column("事项", lambda e: e.label),
            Column("经办人", lambda e: e.actor),
            Column("生效日期", lambda e: iso(e.effective_on), Qt.AlignmentFlag.AlignHCenter),
            Column("内容", clerk_text),
        ], tooltip=clerk_text, parent=self)
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
        """Read the whole page in one call on the worker; the widgets are filled when it answers."""
        db, case_id, viewer, today = self.ctx.background_db, self.case_id, self.ctx.actor, self.ctx.today()
        self.page_query.run(lambda _p: case_page(db, case_id, viewer=viewer, today=today), self._show_page,
                            on_error=lambda exc: show_error(self.error, exc.message))

    def _changed(self, change: Change) -> None:
        if change.concerns(self.case_id) and not self.isHidden():  # hidden: closed, kept to open again
            self.refresh()

    def _show_page(self, page: CasePage) -> None:
        case, entries = page.case, page.entries
        self.case = case
        self.deadline = page.deadline
        self.intake = page.intake
        self.allowed = page.state.allowed
        self.setWindowTitle(f"{case.number} — {case.applicant_name}")
        self.number.setText(case.number)
        self.status.setText(case.status_label + (f" · {case.result_label}" if case.result_label else ""))
        self.applicant.setText(case.applicant_name)
        self._show_deadline(case, page.deadline, entries, page.letter)
        self._show_data(case, page.intake)
        self._show_attachments(page.attachments)
        self._show_documents(page.state.documents, page.documents)
        self.timeline_model.set_rows(list(reversed(entries)))
        self._update_actions(case)
        self._show_review(case, page.latest_review, page.appeals)
        self.handover_panel.show_page(page)

    def _show_deadline(self, case: CaseSummary, d: Deadline, entries: list[TimelineEntry],
                       letter: LetterPeriod | None) -> None:
        labels = self.deadline_labels
        mark = "(预估:节假日安排尚未公布)" if d.provisional else ""
        labels["received"].setText(cn_date(d.received))
        labels["start"].setText(f"{cn_date(d.start)}(收到补正后重新起算)" if d.start != d.received else "")
        due = cn_date(d.due) + mark + ("(依条例第三十五条另行确定)" if d.manual else "")
        labels["due"].setText(due)
        labels["original_due"].setText(cn_date(d.original_due) if d.original_due != d.due and not d.manual else "")
        on_time, on_time_colour = "", None
        if case.status == Status.REPLIED:
            count = (f"已于{cn_date(case.closed_on)}答复,尚未送达;已用 {d.used} 个工作日,"
                     + (f"已超过答复期限 {-d.left} 个工作日" if d.left < 0 else f"剩余 {d.left} 个工作日"))
            colour = OVERDUE_TEXT if d.left < 0 else SOON_TEXT if d.left <= 3 else None
            on_time = "待送达:以签收之日(直接送达、委托送达)、交邮之日(邮寄)或发送之日(电子邮件)判断"
        elif case.closed_on and d.timeliness is not None:
            count = (f"已于{cn_date(case.closed_on)}答复,{d.timeliness.basis}为{cn_date(d.timeliness.counted_on)},"
                     f"用时 {d.used} 个工作日")
            colour = None
        elif case.closed_on:
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
        if d.timeliness is not None:
            on_time = d.timeliness.text()
            on_time_colour = None if d.timeliness.on_time else OVERDUE_TEXT
        labels["count"].setText(count)
        labels["count"].setStyleSheet(f"color: {colour.name()}; font-weight: bold;" if colour else "")
        labels["on_time"].setText(on_time)
        labels["on_time"].setStyleSheet(f"color: {on_time_colour.name()}; font-weight: bold;"
                                        if on_time_colour else "")
        labels["correction_notice_by"].setText(cn_date(d.correction_notice_by))
        labels["correct_by"].setText(letter.text() if letter is not None and letter.kind == "correction" else "")
        pauses = self._pauses_text(entries)
        if letter is not None and letter.kind != "correction":
            what = "缴费期限" if letter.kind == "fee" else "提出意见期限"
            pauses += f"\n{what}:{letter.text()}"
        labels["pauses"].setText(pauses)
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
        rows = min(max(self.explanation.count(), 3), 14)
        row_height = max(self.explanation.sizeHintForRow(0), self.explanation.fontMetrics().height() + 2)
        self.explanation.setFixedHeight(rows * row_height + 2 * self.explanation.frameWidth() + 4)
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
        if self.data_widget is not None:  # gone from the screen now, deleted when Qt is next idle
            self.data_layout.removeWidget(self.data_widget)
            self.data_widget.hide()
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
        self.id_value = Label(f"{data.id_type}  {case.id_number_masked}" if person else case.id_number_masked)
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
        self.id_button.setVisible(self.ctx.has(Role.HEAD, Role.ADMIN, Role.REVIEWER) and not self.ctx.actor.in_unit)
        self.id_button.setToolTip("查看完整号码会记入审计记录")
        id_box.addWidget(self.id_button)
        form.addRow("证件号码:" if person else "统一社会信用代码:", id_row)
        for caption, value in rows_after:
            if value:
                form.addRow(caption + ":", self._value(value))
        content = self._value(data.content)
        form.addRow("所需政府信息:", content)
        self.data_widget.show()  # now, not when Qt next gets round to a child added to a shown window

    @staticmethod
    def _value(text: str) -> QLabel:
        label = Label(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _show_attachments(self, attachments: list[AttachmentInfo]) -> None:
        self.attachment_list.clear()
        for a in attachments:
            self.attachment_list.addItem(f"{a.filename}({a.size // 1024 + 1} KB)")
        if not self.attachment_list.count():
            self.attachment_list.addItem("(无)")
        self.attach_button.setEnabled(self.ctx.has(*CASE_ROLES))

    def _show_documents(self, issuable: list[str], issued: list[IssuedDocument]) -> None:
        self.documents_model.set_rows(list(reversed(issued)))
        if issued:
            self.documents_table.selectRow(0)
        self.show_document_button.setEnabled(bool(issued))
        self.issue_menu.clear()
        for kind in issuable:
            action = self.issue_menu.addAction(KINDS[kind])
            action.setData(kind)
            action.triggered.connect(lambda _checked=False, k=kind: self.issue_notice(k))
        worker = self.ctx.has(*CASE_ROLES)
        why = "需要承办人或负责人角色" if not worker else UNIT_DOCUMENTS if self.ctx.actor.in_unit else ""
        self.print_explanation_button.setEnabled(not why)
        self.issue_button.setEnabled(not why)
        self.issue_button.setToolTip(why)

    def show_document(self) -> None:
        """Preview the selected document from its archived bytes (a re-print never re-renders)."""
        rows = self.documents_table.selectionModel().selectedRows()
        if not rows or self.case is None:
            return
        doc: IssuedDocument = self.documents_model.row_object(rows[0].row())
        show_archived(self.ctx, self, doc.id, title=document_title(doc.label, doc.number, self.case.number))

    def issue_notice(self, kind: str) -> None:
        details = None
        if kind == "third-party-decision":  # Art. 32: the notice states why the information is disclosed
            reason, ok = QInputDialog.getMultiLineText(
                self, KINDS[kind], "决定公开的理由(不公开可能对公共利益造成的重大影响):")
            if not ok:
                return
            details = {"reason": reason}
        issue_document(self.ctx, self, self.case_id, kind, details=details)

    # -- what can be done ---------------------------------------------------------------
    def _update_actions(self, case: CaseSummary) -> None:
        status = case.status
        for key, button in self.buttons.items():
            tip = self.allowed.get(key, "")
            button.setEnabled(not tip)
            button.setToolTip(tip)
        self.buttons["pause"].setVisible(status != Status.PAUSED)
        self.buttons["resume"].setVisible(status == Status.PAUSED)
        self.buttons["corrected"].setVisible(status == Status.CORRECTION)
        self.buttons["deem_withdrawn"].setVisible(status == Status.CORRECTION)
        self.buttons["correction"].setVisible(status != Status.CORRECTION)
        self.buttons["letter_received"].setVisible(status in (Status.CORRECTION, Status.PAUSED))
        visible = [b for k, b in self.buttons.items() if not b.isHidden()]
        for button in self.buttons.values():
            self.action_grid.removeWidget(button)
        for i, button in enumerate(visible):
            self.action_grid.addWidget(button, i // 3, i % 3)
        notes = []
        worker, head = self.ctx.has(*CASE_ROLES), self.ctx.has(*HEAD_ROLES)
        if status.is_open and not head:
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
            "review": ReviewDialog, "signoff": SignoffDialog, "reply": ReplyDialog, "deliver": DeliveryDialog,
            "appeal": AppealDialog, "correct_result": CorrectResultDialog, "letter_received": LetterReceivedDialog,
            "correct_registration": partial(CorrectRegistrationDialog, intake=self.intake),
        }
        dialog = dialogs[key](self.ctx, self.case, self)
        dialog.accepted.connect(lambda: self._action_done(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _action_done(self, dialog: ServiceDialog) -> None:
        self.dialog = None
        self._handover_done(dialog.message)
        self._follow_up(dialog)

    def _handover_done(self, message: str) -> None:
        """After a step (of the case or of a hand-over): show its sentence and read again."""
        self.info.setText(message)
        self.info.show()
        self.ctx.data_changed(change=Change.of_case(self.case_id))

    # -- the review flow ------------------------------------------------------------------
    def _show_review(self, case: CaseSummary, latest: review.ReviewInfo | None, appeals: list[AppealInfo]) -> None:
        if latest is None:
            lines = ["审查:尚未审查"]
        else:
            lines = [f"审查:{REVIEW_STATES.get(latest.status, latest.status)}"
                     f"(承办人 {latest.prepared_by},{local_time(latest.prepared_at)} 提交)",
                     f"建议结果:{self._result(latest.proposed_result)}"]
            if latest.chosen_result and latest.chosen_result != latest.proposed_result:
                lines.append(f"另选结果:{self._result(latest.chosen_result)}(理由:{latest.choice_reason})")
            if latest.status == "signed":
                own = "(单人机关:承办人自行审核)" if latest.self_signoff else ""
                lines.append(f"审核人:{latest.signed_by},{local_time(latest.signed_at)} 签发{own}")
            elif latest.status == "returned":
                lines.append(f"{latest.signed_by} 于 {local_time(latest.signed_at)} 退回:{latest.return_reason}")
            if latest.notes:
                lines.append(f"审查意见:{latest.notes}")
        self.review_label.setText("\n".join(lines))
        self.appeals_label.setText("复议/诉讼:" + ("".join(
            f"\n{a.label},{a.filed_on.isoformat()} 提出{',' + a.body if a.body else ''};{a.result_label}"
            + (f"({a.result_on.isoformat()})" if a.result_on else "") + (f"。备注:{a.note}" if a.note else "")
            for a in appeals) if appeals else "无"))
        for key, button in self.review_buttons.items():
            tip = self.allowed.get(key, "")
            button.setEnabled(not tip)
            button.setToolTip(tip)

    @staticmethod
    def _result(key: str | None) -> str:
        return RESULTS_BY_KEY[key].label if key in RESULTS_BY_KEY else "—"

    def _follow_up(self, dialog: ServiceDialog) -> None:
        """After a reply its notice is issued at once; after a review or a delivery a document is offered."""
        self.offer_button.hide()
        if isinstance(dialog, ReplyDialog):
            issue_document(self.ctx, self, self.case_id, "reply", then=self._reply_notice_issued)
        elif isinstance(dialog, (ReviewDialog, DeliveryDialog)) and dialog.offer:
            self.offer_button.setText(dialog.offer[0])
            self.offer_kind = dialog.offer[1]
            self.offer_button.show()

    def _reply_notice_issued(self, issued: IssuedDocument | None) -> None:
        """The sentence "正在生成答复告知书……" does not outlive the notice: it says what came of it."""
        done = (f"答复告知书已出具({issued.number}),可在预览中打印或另存。" if issued is not None
                else "答复告知书未能出具,请按提示处理后在“文书”中重新出具。")
        self.info.setText(self.info.text().replace(REPLY_NOTICE_PENDING, done))

    def _issue_offered(self) -> None:
        self.offer_button.hide()
        issue_document(self.ctx, self, self.case_id, self.offer_kind)

    def _reveal_id(self) -> None:
        db, actor, case_id = self.ctx.background_db, self.ctx.actor, self.case_id
        self.ctx.tasks.run(lambda _p: cases.full_id_number(db, actor, case_id), on_done=self._id_revealed,
                           on_error=lambda exc: show_error(self.error, exc.message), parent=self)

    def _id_revealed(self, full: str) -> None:
        self.id_value.setText(full)
        self.id_button.setEnabled(False)

    def _add_attachment(self) -> None:
        name = file_dialogs.open_file_name(self, "添加附件", "",
                                           "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
        if not name:
            return
        db, actor, case_id = self.ctx.background_db, self.ctx.actor, self.case_id
        self.ctx.tasks.run(lambda _p: office.add_attachment(db, actor, case_id, name),
                           on_done=lambda _id: self.ctx.data_changed(change=Change.of_case(case_id, register=False)),
                           on_error=lambda exc: show_error(self.error, exc.message),
                           label="正在保存附件……", parent=self)
