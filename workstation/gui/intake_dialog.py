"""登记: typing in a request at the window (Art. 29 facts, the Art. 31 received date).

The fields follow the applicant kind; the channel decides which date the clerk
types (the received date is derived by the service, never typed). Enter saves
(Ctrl+Enter inside the multi-line field), Esc asks before discarding typed data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.deadline import cn_date
from workstation.domain.errors import UserError
from workstation.domain.intake import FIELD_LABELS, LIMITS, RECEIVED_FACT, IntakeData
from workstation.domain.results import APPLICANT_KINDS, CHANNELS, DELIVERY_WAYS, WANTED_FORMS
from workstation.services import cases, office
from workstation.services.base import ValidationError
from workstation.services.cases import CaseSummary, Registered
from workstation.services.documents import IssuedDocument

from . import file_dialogs
from .context import AppContext, Change
from .dialogs.on_the_spot_dialog import OnTheSpotDialog
from .printing import document_title, issue_document, show_archived
from .repeats_panel import RepeatsPanel
from .widgets import (
    Form,
    Label,
    MultiLineEdit,
    date_edit,
    fit_resize,
    show_error,
    to_date,
    to_qdate,
)

# What Art. 31 makes the received date, in the clerk's words, per channel.
CHANNEL_RULES = {
    "in_person": "当面提交:以提交之日为收到申请之日",
    "registered_post": "邮寄(需签收):以本机关签收之日为收到申请之日",
    "ordinary_post": "平常信函:本机关应于收到当日与申请人确认,以确认之日为收到申请之日",
    "fax": "传真:以双方确认之日为收到申请之日",
    "online": "互联网/电子邮件:以双方确认之日为收到申请之日",
}
DATE_FIELDS = ("handed_in_on", "signed_on", "confirmed_on")
ID_TYPES = ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证", "其他证件")
ORG_ID_TYPE = "统一社会信用代码"
PERSON_ONLY = ("id_type",)
ORG_ONLY = ("legal_representative", "contact_person")


class IntakeDialog(QDialog):
    """The registration form and, once saved, the result panel (number, dates)."""

    registered = Signal(object)  # Registered
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.attachments: list[Path] = []
        self.last: Registered | None = None
        self.reply_doc: IssuedDocument | None = None  # the notice of a 当场答复
        self.receipt: IssuedDocument | None = None
        self.issuing_receipt = False
        self.saving = False
        self.warning_box: QMessageBox | None = None  # asking before saving (services.cases.intake_warnings)
        self.setWindowTitle("登记新申请")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_form())
        self.result_page = QWidget()
        self.stack.addWidget(self.result_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._set_tab_order()
        self.save_button.setDefault(True)  # only once the button is inside the dialog
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.applicant_kind.currentIndexChanged.connect(self._kind_changed)
        self._channel_changed()
        self._kind_changed()
        self._blank = self._collect()
        fit_resize(self, 1040, 660)
        self.applicant_name.setFocus()

    # -- the form -------------------------------------------------------------
    def _build_form(self) -> QWidget:
        page = QWidget()
        today = self.ctx.today()
        self.channel = QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        self.dates: dict[str, QDateEdit] = {name: date_edit(today) for name in DATE_FIELDS}
        self.applicant_kind = QComboBox()
        for kind in APPLICANT_KINDS:
            self.applicant_kind.addItem(kind.label if kind.is_person else f"法人或其他组织 · {kind.label}", kind.key)
        self.applicant_name = self._line("applicant_name")
        self.id_type = QComboBox()
        self.id_type.setEditable(True)
        self.id_type.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.id_type.addItems(ID_TYPES)
        self.id_number = self._line("id_number")
        self.id_override_reason = self._line("id_override_reason")
        self.id_override_reason.setPlaceholderText("如:旧证件、外籍证件,已核对原件")
        self.legal_representative = self._line("legal_representative")
        self.contact_person = self._line("contact_person")
        self.phone = self._line("phone")
        self.address = self._line("address")
        self.postcode = self._line("postcode")
        self.email = self._line("email")
        self.content = MultiLineEdit()
        self.content.setPlaceholderText("所需政府信息的名称、文号或者便于查询的其他特征性描述")
        self.content.submitted.connect(self.save)
        self.wanted_form = QComboBox()
        for key, label in WANTED_FORMS.items():
            self.wanted_form.addItem(label, key)
        self.delivery = QComboBox()
        for key, label in DELIVERY_WAYS.items():
            self.delivery.addItem(label, key)
        defaults = IntakeData()
        self.wanted_form.setCurrentIndex(self.wanted_form.findData(defaults.wanted_form))
        self.delivery.setCurrentIndex(self.delivery.findData(defaults.delivery))
        self.oral = QCheckBox("申请人书写确有困难,口头提出,由承办人代为填写(条例第二十九条)")
        self.attachment_list = QListWidget()
        self.attachment_list.setMaximumHeight(70)
        self.add_file = QPushButton("添加文件…")
        self.remove_file = QPushButton("移除")
        for button in (self.add_file, self.remove_file):
            button.setAutoDefault(False)
        self.add_file.clicked.connect(self._choose_files)
        self.remove_file.clicked.connect(self._remove_file)

        arrival = QGroupBox("递交方式与收到日期")
        self.form = Form()
        self.form.add("channel", "递交方式", self.channel)
        self.channel_rule = Label()
        self.channel_rule.setObjectName("hint")
        self.channel_rule.setWordWrap(True)
        self.channel_rule.setMinimumWidth(300)
        self.form.layout.addRow("", self.channel_rule)
        for name, edit in self.dates.items():
            self.form.add(name, FIELD_LABELS[name], edit)
        arrival.setLayout(self.form.layout)

        applicant = QGroupBox("申请人")
        person = Form(share=self.form)
        person.add("applicant_kind", "申请人类型", self.applicant_kind)
        person.add("applicant_name", "姓名", self.applicant_name)
        person.add("id_type", "证件类型", self.id_type)
        person.add("id_number", "证件号码", self.id_number)
        person.add("id_override_reason", "校验不符的理由", self.id_override_reason)
        person.add("legal_representative", "法定代表人/负责人", self.legal_representative)
        person.add("contact_person", "联系人", self.contact_person)
        applicant.setLayout(person.layout)

        contact = QGroupBox("联系方式(至少填写一种)")
        reach = Form(share=self.form)
        reach.add("phone", "联系电话", self.phone)
        reach.add("address", "通讯地址", self.address)
        reach.add("postcode", "邮政编码", self.postcode)
        reach.add("email", "电子邮箱", self.email)
        contact.setLayout(reach.layout)

        asked = QGroupBox("申请内容")
        what = Form(share=self.form)
        what.add("content", "所需政府信息", self.content, hint="Enter 换行,Ctrl+Enter 保存")
        what.add("wanted_form", "载体形式", self.wanted_form)
        what.add("delivery", "获取方式", self.delivery)
        what.layout.addRow("", self.oral)
        files = QWidget()
        files_box = QGridLayout(files)
        files_box.setContentsMargins(0, 0, 0, 0)
        files_box.addWidget(self.attachment_list, 0, 0, 2, 1)
        files_box.addWidget(self.add_file, 0, 1)
        files_box.addWidget(self.remove_file, 1, 1)
        what.add("attachments", "附件(扫描件)", files)
        asked.setLayout(what.layout)

        note = Label("收到申请之日由递交方式和上面的日期确定(条例第三十一条),不必另算。"
                      "条例第二十九条规定的申请内容为:申请人的姓名或者名称、身份证明、联系方式;"
                      "所需信息的名称、文号或者特征性描述;获取信息的形式要求。登记后即显示受理编号和答复期限。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(arrival)
        left.addWidget(applicant)
        left.addStretch(1)
        left.addWidget(note)
        right = QVBoxLayout()
        right.addWidget(contact)
        right.addWidget(asked, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.save_button = QPushButton("登记(Enter)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("取消(Esc)")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(columns, 1)
        layout.addWidget(self.form.general)
        layout.addLayout(buttons)
        return page

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        if name in LIMITS:
            edit.setMaxLength(LIMITS[name])
        return edit

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.channel, *self.dates.values(), self.applicant_kind, self.applicant_name,
                                self.id_type, self.id_number, self.id_override_reason,
                                self.legal_representative, self.contact_person, self.phone, self.address,
                                self.postcode, self.email, self.content, self.wanted_form, self.delivery,
                                self.oral, self.add_file, self.remove_file, self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def error(self, name: str) -> QLabel:
        """The error line under a field (tests and screenshots look at it)."""
        return self.form.error(name)

    @property
    def general_error(self) -> QLabel:
        return self.form.general

    def _channel_changed(self) -> None:
        channel = self.channel.currentData()
        fact = RECEIVED_FACT[channel]
        for name in DATE_FIELDS:
            self.form.set_visible(name, name == fact)
        self.channel_rule.setText(CHANNEL_RULES[channel])

    def _kind_changed(self) -> None:
        person = self.applicant_kind.currentData() == "natural"
        for name in PERSON_ONLY:
            self.form.set_visible(name, person)
        for name in ORG_ONLY:
            self.form.set_visible(name, not person)
        self.form.set_label("applicant_name", "姓名" if person else "名称")
        self.form.set_label("id_number", "证件号码" if person else ORG_ID_TYPE)
        self.form.set_visible("id_override_reason", bool(self.id_override_reason.text()))

    def _choose_files(self) -> None:
        names = file_dialogs.open_file_names(self, "选择附件(申请表、身份证件等扫描件)", "",
                                             "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
        for name in names:
            self.add_attachment(Path(name))

    def add_attachment(self, path: Path) -> None:
        self.attachments.append(path)
        self.attachment_list.addItem(path.name)

    def _remove_file(self) -> None:
        row = self.attachment_list.currentRow()
        if row >= 0:
            self.attachment_list.takeItem(row)
            del self.attachments[row]

    def _collect(self) -> IntakeData:
        channel = self.channel.currentData()
        fact = RECEIVED_FACT[channel]
        person = self.applicant_kind.currentData() == "natural"
        return IntakeData(
            channel=channel,
            **{name: to_date(edit.date()) if name == fact else None for name, edit in self.dates.items()},
            applicant_kind=self.applicant_kind.currentData(),
            applicant_name=self.applicant_name.text(),
            id_type=self.id_type.currentText() if person else ORG_ID_TYPE,
            id_number=self.id_number.text(),
            id_override_reason=self.id_override_reason.text() if self.form.is_visible("id_override_reason") else "",
            legal_representative="" if person else self.legal_representative.text(),
            contact_person="" if person else self.contact_person.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            postcode=self.postcode.text(),
            email=self.email.text(),
            content=self.content.toPlainText(),
            wanted_form=self.wanted_form.currentData(),
            delivery=self.delivery.currentData(),
            oral=self.oral.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self.stack.currentIndex() == 0 and (self._collect() != self._blank or bool(self.attachments))

    # -- saving -----------------------------------------------------------------
    def save(self) -> None:
        """Register on the worker; the form stays as typed, its Save button disabled, until it answers.

        The worker first looks for what the clerk should check (services.cases.intake_warnings); if there
        is anything, nothing is saved until the clerk answers 仍然登记."""
        if self.stack.currentIndex() != 0 or self.saving:
            return
        self.form.clear()
        data = self._collect()
        self._set_saving(True)
        self._register(data, check=True)

    def _register(self, data: IntakeData, *, check: bool) -> None:
        """On the worker: what to ask about first (``check``), else the registration itself."""
        db, actor, today = self.ctx.background_db, self.ctx.actor, self.ctx.today()

        def job(_progress: object) -> list[str] | Registered:
            warnings = cases.intake_warnings(db, actor, data, today=today) if check else []
            return warnings or cases.register(db, actor, data, today=today)

        self.ctx.tasks.run(job, on_done=lambda done: self._checked(done, data),
                           on_error=lambda exc: self._show_refusal(exc, data), parent=self)

    def _checked(self, done: list[str] | Registered, data: IntakeData) -> None:
        if isinstance(done, Registered):
            self._registered(done)
        else:
            self._ask_before_saving(done, data)

    def _ask_before_saving(self, warnings: list[str], data: IntakeData) -> None:
        """The sentences of intake_warnings, with 仍然登记 / 返回修改 (the default: Enter and Esc go back)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "登记前请核对", "\n\n".join(warnings),
                          QMessageBox.StandardButton.NoButton, self)
        box.addButton("仍然登记", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("返回修改", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.finished.connect(lambda _result: self._answered(
            box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole, data))
        box.finished.connect(box.deleteLater)
        self.warning_box = box
        box.open()

    def _answered(self, register: bool, data: IntakeData) -> None:
        self.warning_box = None
        if register:
            self._register(data, check=False)
        else:
            self._set_saving(False)

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)

    def _registered(self, done: Registered) -> None:
        self._set_saving(False)
        self.last = done
        self._after_registered(done)
        self.registered.emit(done)

    def _show_refusal(self, exc: UserError, data: IntakeData) -> None:
        self._set_saving(False)
        errors = exc.errors if isinstance(exc, ValidationError) else {}
        if "id_number" in errors and data.id_number and not data.id_override_reason:
            # a number that fails its check: the clerk may go on with a reason (old or foreign papers)
            self.form.set_visible("id_override_reason", True)
        self.form.show(exc)

    def _after_registered(self, done: Registered) -> None:
        """The result panel: what the applicant is told at the window."""
        page = QWidget()
        layout = QVBoxLayout(page)
        title = Label("登记成功")
        title.setObjectName("dialogTitle")
        layout.addWidget(title)
        deadline = done.deadline
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.result_number = Label(done.case.number)
        self.result_number.setObjectName("bigNumber")
        self.result_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        due = cn_date(deadline.due) + ("(预估)" if deadline.provisional else "")
        rows = [
            ("受理编号", self.result_number),
            ("申请人", Label(done.case.applicant_name)),
            ("收到申请日期", Label(cn_date(deadline.received))),
            ("答复期限", Label(due)),
            ("补正告知期限", Label(f"{cn_date(deadline.correction_notice_by)}(如需补正,应在此日前一次性告知)")),
        ]
        for i, (caption, widget) in enumerate(rows):
            grid.addWidget(Label(caption + ":"), i, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, i, 1)
        self.result_due = rows[3][1]
        layout.addLayout(grid)
        if deadline.provisional:
            note = Label("答复期限经过尚未公布节假日安排的年份,按法定节日和周末预估;"
                          "导入当年节假日安排后会自动重新计算。")
            note.setObjectName("warning")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.attachment_note = Label()
        self.attachment_note.setWordWrap(True)
        self.attachment_note.hide()
        layout.addWidget(self.attachment_note)
        self.repeats_panel = RepeatsPanel.for_case(self.ctx, done.case.id, page)
        layout.addWidget(self.repeats_panel)
        self.on_the_spot_note = Label()
        self.on_the_spot_note.setObjectName("infoBanner")
        self.on_the_spot_note.setWordWrap(True)
        self.on_the_spot_note.hide()
        layout.addWidget(self.on_the_spot_note)
        layout.addStretch(1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        self.result_buttons = QHBoxLayout()
        self.receipt = None
        self.reply_doc = None
        self.print_button = QPushButton("打印回执(Enter)")
        self.print_button.clicked.connect(self.print_receipt)
        self.next_button = QPushButton("继续登记下一件")
        self.next_button.clicked.connect(self.reset_form)
        self.on_the_spot_button = QPushButton("当场答复…")
        self.on_the_spot_button.setAutoDefault(False)
        self.on_the_spot_button.setToolTip("所申请的信息已经主动公开的,当场告知获取方式并办结(条例第三十三条第一款)")
        self.on_the_spot_button.clicked.connect(lambda: self.reply_on_the_spot(done.case))
        self.reply_button = QPushButton("打印答复告知书")
        self.reply_button.setAutoDefault(False)
        self.reply_button.hide()  # after 当场答复: the reply goes to the applicant with the receipt
        self.reply_button.clicked.connect(self.print_reply)
        view = QPushButton("查看案件")
        view.setAutoDefault(False)
        view.clicked.connect(lambda: self.view_case(done.case.id))
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        self.result_buttons.addStretch(1)
        for button in (self.print_button, self.on_the_spot_button, self.reply_button, self.next_button, view, close):
            self.result_buttons.addWidget(button)
        layout.addLayout(self.result_buttons)
        self.stack.removeWidget(self.result_page)
        self.result_page.deleteLater()
        self.result_page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.on_the_spot_button.setVisible(done.case.channel == "in_person")  # once in the dialog: not a window
        self.save_button.setDefault(False)
        self.print_button.setDefault(True)  # the applicant waits for the receipt: Enter prints it
        self.print_button.setFocus()
        if self.attachments:
            self._store_attachments(done.case.id, list(self.attachments))

    def view_case(self, case_id: int) -> None:
        """查看案件: the case window takes over from the result panel, which closes (it would block it)."""
        self.accept()
        self.open_case.emit(case_id)

    def reply_on_the_spot(self, case: CaseSummary) -> None:
        """当场答复: a small dialog; once done the button goes and the panel says so."""
        dialog = OnTheSpotDialog(self.ctx, case, self)
        self.on_the_spot_dialog = dialog
        dialog.accepted.connect(lambda: self._replied_on_the_spot(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _replied_on_the_spot(self, dialog: OnTheSpotDialog) -> None:
        self.on_the_spot_button.hide()
        self.reply_button.show()
        self.on_the_spot_note.setText(dialog.message)
        self.on_the_spot_note.show()
        assert self.last is not None
        self.ctx.data_changed(change=Change.of_case(self.last.case.id))
        self.print_reply()  # the reply notice at once, as the receipt: the applicant is waiting

    def print_reply(self) -> None:
        """The 当场答复 notice: issued once, then shown again from the archive."""
        if self.last is None:
            return
        if self.reply_doc is not None:
            title = document_title(self.reply_doc.label, self.reply_doc.number, self.last.case.number)
            show_archived(self.ctx, self, self.reply_doc.id, title=title)
            return
        issue_document(self.ctx, self, self.last.case.id, "reply", then=self._reply_issued)

    def _reply_issued(self, doc: IssuedDocument | None) -> None:
        self.reply_doc = doc

    def _store_attachments(self, case_id: int, paths: list[Path]) -> None:
        self.attachment_note.setText(f"正在保存 {len(paths)} 个附件……")
        self.attachment_note.show()
        db, actor = self.ctx.background_db, self.ctx.actor

        def store(_progress: object) -> list[str]:
            problems = []
            for path in paths:
                try:
                    office.add_attachment(db, actor, case_id, path)
                except UserError as exc:
                    problems.append(exc.message)
            return problems

        self.ctx.tasks.run(store, on_done=lambda problems: self._attachments_stored(len(paths), problems))

    def _attachments_stored(self, count: int, problems: list[str]) -> None:
        saved = count - len(problems)
        text = f"已保存 {saved} 个附件。"
        if problems:
            text += "未能保存:" + ";".join(problems)
        show_error(self.attachment_note, text)
        self.attachment_note.setStyleSheet("" if not problems else "color: #b3261e;")

    def print_receipt(self) -> None:
        """Issue the receipt (登记回执) and preview it; once issued, show the archived one again."""
        if self.last is None or self.issuing_receipt:  # a second Enter while it renders issues nothing
            return
        if self.receipt is not None:
            title = document_title(self.receipt.label, self.receipt.number, self.last.case.number)
            show_archived(self.ctx, self, self.receipt.id, title=title)
            return
        self.issuing_receipt = True
        issue_document(self.ctx, self, self.last.case.id, "receipt", then=self._receipt_issued)

    def _receipt_issued(self, receipt: IssuedDocument | None) -> None:
        self.issuing_receipt = False
        if receipt is None:
            return
        self.receipt = receipt
        self.print_button.setText("重新打印回执")
        self.print_button.setDefault(False)
        self.next_button.setDefault(True)  # after the preview, Enter goes on to the next applicant
        self.next_button.setFocus()

    def reset_form(self) -> None:
        """Back to an empty form for the next applicant: the channel kept, the dates today again."""
        for edit in self.dates.values():
            edit.setDate(to_qdate(self.ctx.today()))
        for edit in (self.applicant_name, self.id_number, self.id_override_reason, self.legal_representative,
                     self.contact_person, self.phone, self.address, self.postcode, self.email):
            edit.clear()
        self.content.clear()
        self.oral.setChecked(False)
        self.attachments.clear()
        self.attachment_list.clear()
        self.form.clear()
        self.form.set_visible("id_override_reason", False)
        self.stack.setCurrentIndex(0)
        if self.last is not None:  # the result panel's buttons, once there was a registration
            self.print_button.setDefault(False)
            self.next_button.setDefault(False)
        self.save_button.setDefault(True)
        self._blank = self._collect()
        self.applicant_name.setFocus()

    # -- opened again -----------------------------------------------------------------
    def reusable(self) -> bool:
        """Closed with nothing of it still under way (a registration, a receipt) or still shown (a preview, the
        当场答复 dialog): it may be opened again for the next applicant instead of building a new one."""
        if self.saving or self.issuing_receipt:
            return False
        return not any(w.isWindow() and w.isVisible() for w in self.findChildren(QWidget))

    def start_again(self) -> None:
        """As a new dialog: the first channel and kind, the default forms, an empty form dated today."""
        defaults = IntakeData()
        for combo, value in ((self.wanted_form, defaults.wanted_form), (self.delivery, defaults.delivery)):
            combo.setCurrentIndex(combo.findData(value))
        for combo in (self.channel, self.applicant_kind, self.id_type):
            combo.setCurrentIndex(0)
        self.id_type.setEditText(ID_TYPES[0])
        self.reset_form()
        self.last = None
        self.receipt = None
        self.reply_doc = None
        fit_resize(self, 1040, 660)

    # -- leaving ------------------------------------------------------------------
    def discard(self) -> None:
        """Close without asking, dropping whatever was typed."""
        self._blank = self._collect()
        self.attachments.clear()
        super().reject()

    def reject(self) -> None:
        if self.saving:  # the worker is registering what was typed: its answer decides
            return
        if self.is_dirty():
            answer = QMessageBox.question(self, "放弃登记", "已填写的内容尚未登记,确定放弃吗?",
                                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                          QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
