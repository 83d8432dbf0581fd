"""The case's state machine (domain.case_actions) gives the same answer as the services and the case view.

Every step, for every role, in every state a case can be in: the service refuses exactly when the state
machine says no (a role it lacks: PermissionDenied; a state that does not allow it: the machine's own
sentence) and takes the step when it says yes; the case view enables the same buttons, with the reason as
their tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from conftest import person
from helpers.gui import QT_NOISE, open_view
from helpers.reply import REASONS

from workstation.domain.case_actions import (
    ACTIONS,
    STEPS,
    CaseFacts,
    action_reason,
    allowed_actions,
)
from workstation.domain.errors import UserError
from workstation.domain.handover import OFFICE_ONLY
from workstation.domain.status import Role, Status
from workstation.services import cases, review, tally
from workstation.services.base import PermissionDenied

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx

RECEIVED = date(2026, 3, 2)
TODAY = date(2026, 6, 1)
ROLES = ("clerk", "reviewer", "head", "admin")


def _answers(db, **yes: bool) -> dict[str, bool]:
    return {item.id: yes.get(item.id, False) for item in review.checklist_items(db)}


def _third_party_item(db) -> str:
    from workstation.domain.checklist import propose

    checklist = review._checklist(db)
    for item in checklist.items:
        if propose(checklist, _answers(db, **{item.id: True})).consult_third_party:
            return item.id
    raise AssertionError("the checklist has no third-party item")


def _reviewed(db, u, case_id):
    review.submit_review(db, u["clerk"], case_id, _answers(db), today=TODAY)


def _signed(db, u, case_id):
    _reviewed(db, u, case_id)
    review.sign_off(db, u["reviewer"], case_id, today=TODAY)


def _replied(db, u, case_id):
    _signed(db, u, case_id)
    review.reply(db, u["clerk"], case_id, review.ReplyData("disclosed", TODAY, **REASONS["disclosed"]), today=TODAY)


# The states a case can be in, each reached through the services.
STATES: dict[str, Callable] = {
    "open": lambda db, u, c: None,
    "correction": lambda db, u, c: cases.request_correction(db, u["clerk"], c, RECEIVED + timedelta(days=1),
                                                            "请写明所需信息的名称", today=TODAY),
    "corrected": lambda db, u, c: (cases.request_correction(db, u["clerk"], c, RECEIVED + timedelta(days=1),
                                                            "请写明所需信息的名称", today=TODAY),
                                   cases.record_corrected(db, u["clerk"], c, RECEIVED + timedelta(days=3),
                                                          today=TODAY)),
    "paused": lambda db, u, c: cases.start_pause(db, u["clerk"], c, "fee", TODAY, amount="20", today=TODAY),
    "review": _reviewed,
    "paused_in_review": lambda db, u, c: review.submit_review(
        db, u["clerk"], c, _answers(db, **{_third_party_item(db): True}), third_party="某建设公司", today=TODAY),
    "reply": _signed,
    "replied": _replied,
    "delivered": lambda db, u, c: (_replied(db, u, c),
                                   review.deliver(db, u["clerk"], c, "in_person", TODAY, signed_by="王小明",
                                                  today=TODAY)),
    "withdrawn": lambda db, u, c: cases.withdraw(db, u["clerk"], c, TODAY, today=TODAY),
    "extended": lambda db, u, c: cases.extend(db, u["head"], c, 10, RECEIVED + timedelta(days=7), reason="档案多",
                                              today=TODAY),
}

# Each step, tried with what it needs to succeed when its state allows it.
TRIES: dict[str, Callable] = {
    "correction": lambda db, a, c: cases.request_correction(db, a, c, TODAY, "请写明所需信息的名称",
                                                            override_reason="申请内容确需补正", today=TODAY),
    "corrected": lambda db, a, c: cases.record_corrected(db, a, c, TODAY, today=TODAY),
    "letter_received": lambda db, a, c: cases.record_letter_received(db, a, c, TODAY, today=TODAY),
    "pause": lambda db, a, c: cases.start_pause(db, a, c, "other_body", TODAY, party="县自然资源局", today=TODAY),
    "resume": lambda db, a, c: cases.end_pause(db, a, c, TODAY, today=TODAY),
    "extend": lambda db, a, c: cases.extend(db, a, c, 5, TODAY, reason="档案多", override_reason="经负责人同意",
                                            today=TODAY),
    "manual_due": lambda db, a, c: cases.set_manual_due(db, a, c, TODAY + timedelta(days=60), "一次申请120项",
                                                        today=TODAY),
    "withdraw": lambda db, a, c: cases.withdraw(db, a, c, TODAY, today=TODAY),
    "deem_withdrawn": lambda db, a, c: cases.deem_withdrawn(db, a, c, TODAY, today=TODAY),
    "close": lambda db, a, c: cases.close(db, a, c, "other.other", TODAY, today=TODAY),
    "review": lambda db, a, c: review.submit_review(db, a, c, _answers(db), today=TODAY),
    "signoff": lambda db, a, c: review.sign_off(db, a, c, today=TODAY),
    "send_back": lambda db, a, c: review.send_back(db, a, c, "请补充审查意见"),
    "reply": lambda db, a, c: review.reply(db, a, c, review.ReplyData("disclosed", TODAY, **REASONS["disclosed"]),
                                           today=TODAY),
    "deliver": lambda db, a, c: review.deliver(db, a, c, "in_person", TODAY, signed_by="王小明", today=TODAY),
    "appeal": lambda db, a, c: review.record_appeal(db, a, c, "review", TODAY, today=TODAY),
    "correct_result": lambda db, a, c: tally.correct_locked_result(db, a, c, "partly_disclosed", TODAY,
                                                                   reason="结果登记错误"),
    "correct_registration": lambda db, a, c: cases.correct_registration(db, a, c, {"phone": "13900139000"},
                                                                        "申请人更换电话", today=TODAY),
}


def _case_in(db, users, state: str) -> int:
    case_id = cases.register(db, users["clerk"], person(handed_in_on=RECEIVED), today=RECEIVED).case.id
    STATES[state](db, users, case_id)
    return case_id


def test_every_step_has_a_try_and_every_try_a_step():
    assert set(TRIES) == set(ACTIONS)


@pytest.mark.parametrize("state", list(STATES))
def test_the_services_refuse_exactly_what_the_state_machine_refuses(db, users, state):
    shared = _case_in(db, users, state)
    with db.read() as s:
        facts = cases.facts_of(s, cases.get_request(s, shared))
    for key in ACTIONS:
        for role in ROLES:
            actor = users[role]
            reason = action_reason(facts, actor.roles, key)
            permitted = bool(actor.roles & set(STEPS[key].roles))
            # a step that succeeds changes the case: each permitted try gets a case of its own in this state
            case_id = _case_in(db, users, state) if permitted else shared
            where = f"{state} / {role} / {key}"
            if not permitted:
                assert reason == STEPS[key].role_reason or (reason and reason.startswith("本申请已办结")), where
                with pytest.raises(PermissionDenied):
                    TRIES[key](db, actor, case_id)
            elif reason:
                with pytest.raises(UserError) as refused:
                    TRIES[key](db, actor, case_id)
                assert not isinstance(refused.value, PermissionDenied), where
                assert refused.value.message == reason, where
            else:
                try:
                    TRIES[key](db, actor, case_id)
                except UserError as exc:  # pragma: no cover - the message says which
                    pytest.fail(f"{where}: allowed by the state machine, refused by the service: {exc.message}")


def test_the_states_reached_are_the_ones_named(db, users):
    seen = {}
    for state in STATES:
        case_id = _case_in(db, users, state)
        seen[state] = cases.get_case(db, case_id).status
    assert seen["paused_in_review"] is Status.PAUSED and seen["delivered"] is Status.CLOSED
    assert {Status(s) for s in seen.values()} == set(Status)


def test_a_finished_case_refuses_every_step_but_delivery_appeal_and_correction():
    facts = CaseFacts(Status.REPLIED, closed=True, delivered=False, extended=False, correction_asked=False)
    allowed = {k for k, why in allowed_actions(facts, {Role.HEAD}).items() if not why}
    assert allowed == {"deliver", "appeal", "correct_result", "correct_registration"}


def test_a_unit_cannot_correct_the_registration(db, users):
    """The office keeps the register: a unit's user is refused by the state machine and by the service."""
    from dataclasses import replace

    facts = CaseFacts(Status.OPEN, closed=False, delivered=False, extended=False, correction_asked=False)
    assert allowed_actions(facts, {Role.CLERK}, in_unit=True)["correct_registration"] == OFFICE_ONLY
    case_id = _case_in(db, users, "open")
    with pytest.raises(PermissionDenied):
        TRIES["correct_registration"](db, replace(users["clerk"], unit_id=1), case_id)


def test_a_request_waiting_for_correction_cannot_be_extended_nor_given_another_period():
    """The drift the house issue found: the view refused these while 待补正, the service took them."""
    facts = CaseFacts(Status.CORRECTION, closed=False, delivered=False, extended=False, correction_asked=True)
    why = allowed_actions(facts, {Role.HEAD})
    assert "补正" in why["extend"] and "补正" in why["manual_due"] and "补正" in why["close"]


@QT_NOISE
@pytest.mark.gui
@pytest.mark.parametrize("state", ["open", "correction", "paused", "review", "reply", "replied", "withdrawn"])
def test_the_case_view_shows_what_the_state_machine_says(qtbot, gui_db, staff, make_ctx, state):
    users = {name: info.actor() for name, info in staff.items()}
    case_id = _case_in(gui_db, users, state)
    with gui_db.read() as s:
        facts = cases.facts_of(s, cases.get_request(s, case_id))
    for role in ROLES:
        view = open_view(qtbot, make_ctx(staff[role], TODAY), case_id)
        why = allowed_actions(facts, users[role].roles)
        buttons = {**view.buttons, **view.review_buttons}
        for key, button in buttons.items():
            assert button.isEnabled() == (not why[key]), (state, role, key)
            assert button.toolTip() == why[key], (state, role, key)
        view.close()
