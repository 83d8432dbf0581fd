"""当场答复: at the window, tell the applicant where the already published information is (Art. 33, 36(1))."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from workstation.services import cases
from workstation.store.database import Database

from .base import Job, ServiceDialog, text_field


class OnTheSpotDialog(ServiceDialog):
    title = "当场答复"
    ok_text = "当场答复并办结"
    intro = ("条例第三十三条第一款:能够当场答复的,应当当场予以答复。这里用于所申请的信息已经主动公开的情形"
             "(第三十六条第(一)项):告知申请人获取的方式和途径,申请人当场签收,本申请即办结。"
             "需要检索、审查或涉及其他情形的,请按审查、答复、送达办理。")

    def build(self) -> None:
        self.published_at = self.form.add("published_at", "获取方式和途径",
                                          text_field("如:本镇人民政府门户网站“政府信息公开”栏目,或政务公开栏"))
        self.materials = self.form.add("materials", "提供的材料", text_field("每行一件,如:示范镇2026年财政预算公开文本"))
        self.signed_by = self.form.add("signed_by", "签收人", QLineEdit(self.case.applicant_name),
                                       hint="当场签收答复的申请人或其代理人")

    def job(self) -> Job:
        actor, case_id, published_at = self.ctx.actor, self.case.id, self.published_at.toPlainText()
        materials, signed_by, today = (self.materials.toPlainText().splitlines(), self.signed_by.text(),
                                       self.ctx.today())

        def call(db: Database) -> str:
            done = cases.reply_on_the_spot(db, actor, case_id, published_at=published_at, materials=materials,
                                           signed_by=signed_by, today=today)
            return f"已当场答复并办结({done.number});答复告知书随即出具,请连同回执打印后交申请人签收。"
        return call
