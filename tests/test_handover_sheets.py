"""转办单 and 督办通知 (issue 19): A4 PDFs read back as text; a unit prints only its own."""

from __future__ import annotations

from datetime import date

import pytest
from test_clock import pdf_text
from test_units import MON, _register, county  # noqa: F401 (the fixture)

from workstation.services import handover, handover_sheets
from workstation.services.base import PermissionDenied


def test_the_handing_over_sheet_names_the_unit_the_dates_and_the_joint_unit(db, county):  # noqa: F811
    case = _register(db, county)
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    first, _second = handover.hand_over(db, county["clerk"], case.id, [roads, town], note="请提供招标文件|附件",
                                        today=MON)
    text = pdf_text(handover_sheets.handover_sheet(db, county["clerk"], first.id, today=MON))
    for expected in ("政府信息公开申请转办单", case.number, "交通运输局:", "2026年3月23日", "2026年3月30日",
                     "城关镇人民政府", "请提供招标文件|附件", "签收人"):
        assert expected in text, expected
    # the unit prints its own sheet, not the other unit's
    assert "转办单" in pdf_text(handover_sheets.handover_sheet(db, county["roads"], first.id, today=MON))
    with pytest.raises(PermissionDenied):
        handover_sheets.handover_sheet(db, county["roads"], _second.id, today=MON)


def test_the_reminder_lists_what_the_unit_should_hurry(db, county):  # noqa: F811
    case = _register(db, county)
    roads = county["units"]["roads"].id
    handover.hand_over(db, county["clerk"], case.id, [roads], today=MON)
    later = date(2026, 3, 5)
    reminder = handover.remind(db, county["clerk"], roads, "请尽快签收", case_id=case.id, today=later)
    text = pdf_text(handover_sheets.supervision_notice(db, county["clerk"], reminder.id, today=later))
    for expected in ("督办通知", "交通运输局:", "请尽快签收", case.number, "待签收", "超过1个工作日未签收"):
        assert expected in text, expected
    with pytest.raises(PermissionDenied):
        handover_sheets.supervision_notice(db, county["town"], reminder.id, today=later)
