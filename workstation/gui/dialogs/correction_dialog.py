"""补正告知: ask the applicant once to complete or clarify the request (Art. 29, 30)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from workstation.domain.deadline import cn_date
from workstation.domain.notices import CORRECTION_POINTS
from workstation.services import cases
from workstation.store.database import Database

from ..widgets import date_edit, to_date, way_combo
from .base import Job, ServiceDialog, text_field

# Short labels for the boxes; the notice prints the full wording of CORRECTION_POINTS.
_SHORT = {"identity": "申请人姓名或名称、身份证明", "contact": "申请人联系方式",
          "description": "所需信息的名称、文号或特征性描述", "form": "所需信息的形式要求(获取方式、途径)"}


class CorrectionDialog(ServiceDialog):
    title = "补正告知"
    ok_text = "记录补正告知"
    intro = ("条例第三十条:申请内容不明确的,应当在收到申请之日起7个工作日内一次性告知申请人需要补正的事项"
             "和合理的补正期限。勾选申请缺少或不明确的内容(条例第二十九条第二款),其他事项写在下面。")

    def build(self) -> None:
        self.on = self.form.add("on", "告知日期", date_edit(self.ctx.today()))
        boxes = QWidget()
        column = QVBoxLayout(boxes)
        column.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for key in CORRECTION_POINTS:
            box = QCheckBox(_SHORT.get(key, CORRECTION_POINTS[key]))
            box.setToolTip(CORRECTION_POINTS[key])
            column.addWidget(box)
            self.boxes[key] = box
        self.form.add("missing", "需要补正的内容", boxes)
        self.items = self.form.add("items", "其他需要补正的事项",
                                   text_field("如:请明确所需信息的形成年份;请提供委托书"))
        self.way = self.form.add("way", "告知书送达方式", way_combo(),
                                 hint="补正期限自申请人收到告知书之日起计算;邮寄的,收到日期登记前按预计日期显示")
        self.override = self.add_override_reason("逾期告知的理由")
        self.setMinimumWidth(720)  # the way's hint on one line (wrapped, the form squeezed it under the combo)

    def job(self) -> Job:
        missing = [key for key, box in self.boxes.items() if box.isChecked()]
        actor, case_id, on, items = self.ctx.actor, self.case.id, to_date(self.on.date()), self.items.toPlainText()
        override, way, today = self.override.text(), self.way.currentData(), self.ctx.today()

        def call(db: Database) -> str:
            by = cases.request_correction(db, actor, case_id, on, items, missing=missing, override_reason=override,
                                          way=way, today=today)
            letter = cases.correction_letter(db, case_id)
            mark = "(预计,收到回执后请登记收到日期)" if letter is not None and letter.estimated else ""
            return (f"已记录补正告知;申请人应在{cn_date(by)}{mark}前补正,"
                    "答复期限自收到补正后的申请之日起重新计算。")
        return call
