"""暂停计时: consulting a third party or other bodies, or waiting for a fee (Art. 32, 34, 42)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from workstation.domain.deadline import PAUSE_KINDS, PAUSE_WAITS_FOR, cn_date
from workstation.services import cases
from workstation.store.database import Database

from ..widgets import date_edit, to_date, way_combo
from .base import Job, ServiceDialog, text_field


class PauseDialog(ServiceDialog):
    title = "暂停计时"
    ok_text = "暂停计时"
    intro = "征求第三方或其他机关意见、等待缴纳信息处理费的时间,不计算在答复期限内。"

    def build(self) -> None:
        self.kind = QComboBox()
        for key, label in PAUSE_KINDS.items():
            self.kind.addItem(label, key)
        self.form.add("kind", "暂停原因", self.kind)
        self.on = self.form.add("on", "暂停开始日期", date_edit(self.ctx.today()))
        self.party = self.form.add("party", "征询对象", QLineEdit())
        self.way = self.form.add("way", "函件送达方式", way_combo(),
                                 hint="期限自对方收到函件之日起计算;邮寄的,收到日期登记前按预计日期显示")
        self.pages = self.form.add("pages", "按量计收页数", QSpinBox())
        self.pages.setRange(0, 100_000)
        self.pages.setSpecialValueText("按件计收")
        self.pages.setToolTip("等待缴费时:按量计收的,填写提供信息的页数;按件计收的留作“按件计收”,由程序按本月申请件数计算")
        self.note = self.form.add("note", "备注", text_field())

    def job(self) -> Job:
        actor, case_id, kind, on = self.ctx.actor, self.case.id, self.kind.currentData(), to_date(self.on.date())
        party, note, way, pages, today = (self.party.text(), self.note.toPlainText(), self.way.currentData(),
                                          self.pages.value(), self.ctx.today())

        def call(db: Database) -> str:
            started = cases.start_pause(db, actor, case_id, kind, on, party=party, note=note, way=way, pages=pages,
                                        today=today)
            mark = "(预计,收到函件后请登记收到日期)" if started.estimated else ""
            until = f",{PAUSE_WAITS_FOR[started.kind]}至{cn_date(started.answer_by)}{mark}" if started.answer_by else ""
            return f"已暂停计时({PAUSE_KINDS[started.kind]}){until}。"
        return call

