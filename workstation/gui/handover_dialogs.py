"""The case window's hand-over dialogs (转办 and what follows): each saves one service call through the worker.

The office: 转办 (one unit or several, 联合办理), 采纳草稿, 退回草稿, 收回. A unit's user: 签收, 退回,
提交答复草稿. Each is a ServiceDialog: a refusal shows beside its field and the dialog keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from workstation.domain.deadline import cn_date
from workstation.domain.errors import UserError
from workstation.services import handover
from workstation.services.cases import CaseSummary
from workstation.services.handover import HandoverInfo
from workstation.services.units import UnitInfo
from workstation.store.database import Database

from .context import AppContext
from .dialogs.base import Job, ServiceDialog, text_field
from .result_combo import result_combo
from .widgets import Label, date_edit, to_date


def _saying(sentence: str, service: Callable[[Database], object]) -> Job:
    """A job that calls ``service`` and answers with ``sentence``."""
    def call(db: Database) -> str:
        service(db)
        return sentence
    return call


def draft_text(h: HandoverInfo) -> str:
    """The unit's draft as the office reads it: the proposed result, the text, the confidentiality opinion."""
    if not h.draft:
        return ""
    lines = [f"拟答复结果:{h.draft.get('result', '')}", f"答复草稿:{h.draft.get('text', '')}"]
    if h.draft.get("opinion"):
        lines.append(f"保密审查意见:{h.draft['opinion']}")
    return "\n".join(lines)


class HandOverDialog(ServiceDialog):
    """转办: hand the request to the units that hold the information, with the internal deadline."""

    title = "转办"
    ok_text = "转办"
    intro = "选择掌握该信息的承办单位;信息分散在几个单位时可同时选择几个(联合办理),办公室答复须等各单位的草稿。"

    def __init__(self, ctx: AppContext, case: CaseSummary, units: list[UnitInfo], due: date | None,
                 handed: dict[int, str], parent: QWidget | None = None) -> None:
        """``handed``: the units that hold the request now, with the state of their hand-over."""
        self.units, self.due, self.handed = units, due, handed
        super().__init__(ctx, case, parent)

    def build(self) -> None:
        self.unit_list = QListWidget()
        for unit in self.units:
            state = self.handed.get(unit.id)
            item = QListWidgetItem(f"{unit.name}({unit.kind})" + (f" — 已转办,{state}" if state else ""))
            item.setData(Qt.ItemDataRole.UserRole, unit.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            if state:  # handed already: not again while it is going
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.unit_list.addItem(item)
        self.unit_list.setMinimumHeight(min(8, max(3, len(self.units))) * 24)
        self.unit_list.itemActivated.connect(self._toggle)
        self.form.add("units", "承办单位", self.unit_list)
        today = self.ctx.today()
        self.due_edit = self.form.add("due", "内部办理期限", date_edit(self.due or today, minimum=today),
                                      hint=self._due_hint())
        self.note = self.form.add("note", "转办说明", text_field("需要承办单位注意的事项(可不填)"))
        if self.due is None:  # waiting for a correction: the internal deadline follows once the period starts
            self.form.set_visible("due", False)

    def _due_hint(self) -> str:
        legal = f"法定答复期限{cn_date(self.case.due)};" if self.case.due else "等待补正,法定答复期限尚未起算;"
        return legal + "默认为法定答复期限前若干个工作日(天数在设置中确定)"

    @staticmethod
    def _toggle(item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def chosen(self) -> list[int]:
        return [self.unit_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.unit_list.count())
                if self.unit_list.item(i).checkState() == Qt.CheckState.Checked]

    def job(self) -> Job:
        chosen = self.chosen()
        if not chosen:
            raise UserError("请选择承办单位", field="units")
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        due = to_date(self.due_edit.date()) if self.due is not None else None
        note = self.note.toPlainText()

        def call(db: Database) -> str:
            made = handover.hand_over(db, actor, case_id, chosen, due=due, note=note, today=today)
            when = f",内部办理期限{cn_date(made[0].internal_due)}" if made and made[0].internal_due else ""
            return f"已转办给{'、'.join(h.unit for h in made)}{when}。"
        return call


class SignForDialog(ServiceDialog):
    """签收: the unit takes the request."""

    title = "签收"
    ok_text = "签收"
    intro = "签收后本单位办理该申请,在内部办理期限前提交答复草稿;不掌握该信息的,请用“退回”说明理由。"

    def __init__(self, ctx: AppContext, case: CaseSummary, mine: HandoverInfo | None,
                 parent: QWidget | None = None) -> None:
        self.mine = mine
        super().__init__(ctx, case, parent)

    def build(self) -> None:
        h = self.mine
        if h is not None:
            self.form.add("handed", "转办日期", Label(cn_date(h.handed_on)))
            self.form.add("internal", "内部办理期限", Label(cn_date(h.internal_due) if h.internal_due else "未定"))
            if h.note:
                note = Label(h.note)
                note.setWordWrap(True)
                self.form.add("note", "转办说明", note)

    def job(self) -> Job:
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()

        def call(db: Database) -> str:
            h = handover.sign_for(db, actor, case_id, today=today)
            due = f",内部办理期限{cn_date(h.internal_due)}" if h.internal_due else ""
            return f"已签收{due}。"
        return call


class ReturnDialog(ServiceDialog):
    """退回: the unit does not hold the information; the office hands it again."""

    title = "退回办公室"
    ok_text = "退回"
    intro = "本单位不掌握该信息(或只掌握其中一部分)时退回办公室,由办公室另行转办。"

    def build(self) -> None:
        self.reason = self.form.add("reason", "退回理由", text_field("例如:本单位未制作或获取该信息,应由某单位掌握"))

    def job(self) -> Job:
        actor, case_id, today, reason = self.ctx.actor, self.case.id, self.ctx.today(), self.reason.toPlainText()
        return _saying("已退回办公室。", lambda db: handover.return_to_office(db, actor, case_id, reason, today=today))


class DraftDialog(ServiceDialog):
    """提交答复草稿: the unit's proposed result, its draft reply and its confidentiality opinion."""

    title = "提交答复草稿"
    ok_text = "提交"
    intro = "提交后由办公室审核人采纳或退回;答复以办公室的名义出具。"

    def __init__(self, ctx: AppContext, case: CaseSummary, mine: HandoverInfo | None,
                 parent: QWidget | None = None) -> None:
        self.mine = mine
        super().__init__(ctx, case, parent)

    def build(self) -> None:
        if self.mine is not None and self.mine.sent_back_reason:
            back = Label(self.mine.sent_back_reason)
            back.setWordWrap(True)
            self.form.add("sent_back", "办公室退回意见", back)
        self.result = result_combo()
        self.form.add("result", "拟答复结果", self.result)
        self.text = self.form.add("text", "答复草稿", text_field("拟答复的内容", 120))
        self.opinion = self.form.add("opinion", "保密审查意见", text_field("例如:经审查,不涉及国家秘密"))
        draft = self.mine.draft if self.mine is not None else None
        if draft:  # a draft sent back: start from what was submitted
            self.result.setCurrentIndex(max(0, self.result.findData(draft.get("result_key"))))
            self.text.setPlainText(draft.get("text", ""))
            self.opinion.setPlainText(draft.get("opinion", ""))

    def job(self) -> Job:
        actor, case_id, today = self.ctx.actor, self.case.id, self.ctx.today()
        key = self.result.currentData() or ""
        text, opinion = self.text.toPlainText(), self.opinion.toPlainText()

        def call(db: Database) -> str:
            h = handover.submit_draft(db, actor, case_id, result_key=key, text=text, opinion=opinion, today=today)
            late = "" if h.on_time else "(已过内部办理期限)"
            return f"答复草稿已提交办公室{late}。"
        return call


class _OnHandover(ServiceDialog):
    """The office's step on one hand-over, shown with the unit's draft."""

    def __init__(self, ctx: AppContext, case: CaseSummary, item: HandoverInfo, parent: QWidget | None = None) -> None:
        self.item = item
        super().__init__(ctx, case, parent)
        self.setWindowTitle(f"{self.title} — {case.number} — {item.unit}")

    def show_draft(self) -> None:
        self.form.add("unit", "承办单位", Label(f"{self.item.unit}({self.item.status_label})"))
        if self.item.draft:
            draft = Label(draft_text(self.item))
            draft.setWordWrap(True)
            draft.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.add("draft", "答复草稿", draft)


class AcceptDraftDialog(_OnHandover):
    title = "采纳草稿"
    ok_text = "采纳"
    intro = "采纳后,各承办单位的草稿都已采纳时,办公室即可审查并以办公室的名义答复。"

    def build(self) -> None:
        self.show_draft()

    def job(self) -> Job:
        actor, hid, today, unit = self.ctx.actor, self.item.id, self.ctx.today(), self.item.unit
        return _saying(f"已采纳{unit}的答复草稿。", lambda db: handover.accept_draft(db, actor, hid, today=today))


class SendBackDraftDialog(_OnHandover):
    title = "退回草稿"
    ok_text = "退回"
    intro = "草稿退回承办单位修改,修改后重新提交。"

    def build(self) -> None:
        self.show_draft()
        self.reason = self.form.add("reason", "修改意见", text_field("需要修改或补充的内容"))

    def job(self) -> Job:
        actor, hid, today, unit = self.ctx.actor, self.item.id, self.ctx.today(), self.item.unit
        reason = self.reason.toPlainText()
        return _saying(f"已将答复草稿退回{unit}修改。",
                       lambda db: handover.send_back_draft(db, actor, hid, reason, today=today))


class WithdrawHandoverDialog(_OnHandover):
    title = "收回转办"
    ok_text = "收回"
    intro = "收回后该单位不再办理、也看不到该申请(例如转错了单位);办公室可另行转办。"

    def build(self) -> None:
        self.show_draft()
        self.reason = self.form.add("reason", "收回理由", text_field("例如:转办单位有误"))

    def job(self) -> Job:
        actor, hid, today, unit = self.ctx.actor, self.item.id, self.ctx.today(), self.item.unit
        reason = self.reason.toPlainText()
        return _saying(f"已收回对{unit}的转办。",
                       lambda db: handover.withdraw_handover(db, actor, hid, reason, today=today))
