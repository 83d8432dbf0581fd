"""The correction dialog and the document buttons of the case view, used as a clerk uses them."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, click, closed, open_view, save, type_date, type_text

from workstation.domain.intake import IntakeData
from workstation.services import cases

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


@pytest.fixture
def case_id(gui_db, staff) -> int:
    data = IntakeData(channel="in_person", handed_in_on=date(2026, 6, 11), applicant_name="王小明",
                      id_number="11010519491231002X", phone="13800138000",
                      content="申请公开本镇2025年道路硬化工程的招标文件")
    return cases.register(gui_db, staff["clerk"].actor(), data, today=TODAY).case.id


def test_the_correction_dialog_ticks_what_is_missing(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.buttons["correction"])
    dialog = view.dialog
    type_date(qtbot, dialog.on, date(2026, 6, 12))
    save(qtbot, dialog)
    assert dialog.isVisible() and "勾选或写明" in dialog.error("items").text()
    dialog.boxes["contact"].click()
    dialog.boxes["form"].click()
    type_text(qtbot, dialog.items, "请提供委托书")
    save(qtbot, dialog)
    assert closed(dialog) and view.status.text() == "待补正"
    asked = [e for e in cases.timeline(gui_db, case_id) if e.action == "correction_requested"][-1]
    assert asked.after["missing"] == ["contact", "form"] and asked.after["items"] == "请提供委托书"


def test_the_disclosure_decision_asks_for_its_reason_before_issuing(qtbot, gui_db, staff, make_ctx, case_id,
                                                                    monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from workstation.gui.pdf_preview_dialog import PdfPreviewDialog
    from workstation.services import documents

    cases.start_pause(gui_db, staff["clerk"].actor(), case_id, "third_party", TODAY, party="宏达公司", today=TODAY)
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_args: ("", False))
    view.issue_notice("third-party-decision")  # cancelled: nothing issued
    assert documents.documents_of(gui_db, case_id) == []
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_args: ("涉及村民饮水安全", True))
    view.issue_notice("third-party-decision")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in view.findChildren(PdfPreviewDialog)), timeout=20_000)
    [doc] = documents.documents_of(gui_db, case_id)
    assert doc.kind == "third-party-decision" and doc.number


def test_the_pause_dialog_records_the_pages_of_a_fee_by_volume(qtbot, gui_db, staff, make_ctx, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    click(qtbot, view.buttons["pause"])
    dialog = view.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findData("fee"))
    dialog.pages.setValue(45)
    save(qtbot, dialog)
    assert closed(dialog)
    started = [e for e in cases.timeline(gui_db, case_id) if e.action == "pause_started"][-1]
    assert started.after["kind"] == "fee" and started.after["pages"] == 45
