"""A hand-over (转办) and the steps after it are never dated before what they follow: the request's received
date, the hand-over, the unit's 签收, the draft's submission (a date typed wrong or a clock set back)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from test_units import _register, county  # noqa: F401  (county: the fixture)

from workstation.domain.errors import UserError
from workstation.domain.handover import HandoverStatus
from workstation.services import audit, handover

TUE, WED, THU, FRI = (date(2026, 3, d) for d in (3, 4, 5, 6))  # 2026-03 has no holiday
ACTIONS = ("handed_over", "handover_signed", "handover_returned", "draft_submitted", "draft_accepted",
           "draft_sent_back", "handover_withdrawn")


def refused(sentence: str):
    return pytest.raises(UserError, match=f"^{re.escape(sentence)}")


def _steps(db, case_id: int, viewer) -> list[tuple[str, date]]:
    events = audit.list_events(db, request_id=case_id, viewer=viewer)
    return sorted((e.action, e.effective_on) for e in events if e.action in ACTIONS)


def test_a_hand_over_before_the_request_was_received_is_refused(db, county):  # noqa: F811
    case = _register(db, county, day=WED)
    roads = county["units"]["roads"].id
    with refused("转办日期(2026-03-03)不能早于申请的收到日期(2026-03-04),请检查日期"):
        handover.hand_over(db, county["clerk"], case.id, [roads], today=TUE)
    assert handover.handovers_of(db, case.id, viewer=county["clerk"]) == []
    [h] = handover.hand_over(db, county["clerk"], case.id, [roads], today=WED)  # the day it came in will do
    assert h.handed_on == WED


def test_the_units_steps_are_not_dated_before_the_hand_over_or_the_signing(db, county):  # noqa: F811
    case = _register(db, county)
    roads = county["roads"]
    handover.hand_over(db, county["clerk"], case.id, [county["units"]["roads"].id], today=WED)
    with refused("签收日期(2026-03-03)不能早于转办日期(2026-03-04)"):
        handover.sign_for(db, roads, case.id, today=TUE)
    with refused("退回日期(2026-03-03)不能早于转办日期(2026-03-04)"):
        handover.return_to_office(db, roads, case.id, "本局未制作该信息", today=TUE)
    handover.sign_for(db, roads, case.id, today=THU)
    with refused("提交草稿日期(2026-03-04)不能早于签收日期(2026-03-05)"):
        handover.submit_draft(db, roads, case.id, result_key="disclosed", text="拟予公开", today=WED)
    with refused("退回日期(2026-03-04)不能早于签收日期(2026-03-05)"):
        handover.return_to_office(db, roads, case.id, "本局未制作该信息", today=WED)
    h = handover.submit_draft(db, roads, case.id, result_key="disclosed", text="拟予公开", today=FRI)
    with refused("采纳草稿日期(2026-03-05)不能早于草稿提交日期(2026-03-06)"):
        handover.accept_draft(db, county["reviewer"], h.id, today=THU)
    with refused("退回草稿日期(2026-03-05)不能早于草稿提交日期(2026-03-06)"):
        handover.send_back_draft(db, county["reviewer"], h.id, "请写明检索范围", today=THU)
    assert handover.accept_draft(db, county["reviewer"], h.id, today=FRI).status == HandoverStatus.ACCEPTED
    # nothing of the refused steps: each step once, on its own date
    assert _steps(db, case.id, county["admin"]) == [("draft_accepted", FRI), ("draft_submitted", FRI), ("handed_over", WED),
                                   ("handover_signed", THU)]


def test_the_office_takes_a_hand_over_back_not_before_it_was_made(db, county):  # noqa: F811
    case = _register(db, county)
    [h] = handover.hand_over(db, county["clerk"], case.id, [county["units"]["town"].id], today=WED)
    with refused("收回日期(2026-03-03)不能早于转办日期(2026-03-04)"):
        handover.withdraw_handover(db, county["clerk"], h.id, "转错了单位", today=TUE)
    taken = handover.withdraw_handover(db, county["clerk"], h.id, "转错了单位", today=WED)
    assert taken.status == HandoverStatus.WITHDRAWN
