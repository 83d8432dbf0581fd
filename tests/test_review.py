"""Review, sign-off, reply, delivery and appeals: the walk from registration to court."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person
from helpers.reply import REASONS

from workstation.domain.errors import UserError
from workstation.domain.status import Status
from workstation.services import cases, review
from workstation.services.base import PermissionDenied, invalidate
from workstation.store.models import Setting

TODAY = date(2026, 6, 1)


def no_answers(db) -> dict[str, bool]:
    return {item.id: False for item in review.checklist_items(db)}


def answers(db, *yes: str) -> dict[str, bool]:
    out = no_answers(db)
    for key in yes:
        out[key] = True
    return out


def registered(db, users):
    return cases.register(db, users["clerk"], person(), today=TODAY).case


def test_full_walk_from_registration_to_appeal(db, users):
    case = registered(db, users)
    info = review.submit_review(db, users["clerk"], case.id, answers(db, "not_held"), notes="经检索档案室未找到",
                                today=TODAY)
    assert info.proposed_result == "unavailable.not_held" and info.status == "submitted"
    assert cases.get_case(db, case.id).status is Status.REVIEW
    signed = review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    assert signed.status == "signed" and signed.signed_by == "李审核" and signed.prepared_by == "张承办"
    assert cases.get_case(db, case.id).status is Status.REPLY
    closed = review.reply(db, users["clerk"], case.id,
                          review.ReplyData("unavailable.not_held", date(2026, 3, 20)), today=TODAY)
    assert closed.result_key == "unavailable.not_held" and closed.status is Status.REPLIED
    assert closed.closed_on == date(2026, 3, 20)
    with pytest.raises(UserError, match="邮件单号"):
        review.deliver(db, users["clerk"], case.id, "post", date(2026, 3, 21), today=TODAY)
    done = review.deliver(db, users["clerk"], case.id, "post", date(2026, 3, 21), tracking_no="1234567890123", carrier="ems",
                          today=TODAY)
    assert done.status is Status.CLOSED and done.delivered_on == date(2026, 3, 21)
    appeal = review.record_appeal(db, users["clerk"], case.id, "review", date(2026, 4, 10), body="示范县人民政府",
                                  today=TODAY)
    assert appeal.result_label == "尚未审结"
    decided = review.set_appeal_result(db, users["clerk"], appeal.id, "upheld", date(2026, 5, 20), today=TODAY)
    assert decided.result_label == "维持"
    assert [e.action for e in cases.timeline(db, case.id)] == [
        "registered", "review_submitted", "review_signed", "closed", "delivered", "appeal_recorded",
        "appeal_updated"]


def test_same_person_cannot_prepare_and_sign(db, users):
    case = registered(db, users)
    review.submit_review(db, users["head"], case.id, no_answers(db), today=TODAY)
    with pytest.raises(UserError, match="不能是同一人"):
        review.sign_off(db, users["head"], case.id, today=TODAY)


def test_one_person_office_may_allow_self_signoff_and_it_is_recorded(db, users):
    with db.write() as s:
        s.add(Setting(key="review.allow_self_signoff", value=True))
    invalidate(db, "settings")
    case = registered(db, users)
    review.submit_review(db, users["head"], case.id, no_answers(db), today=TODAY)
    signed = review.sign_off(db, users["head"], case.id, today=TODAY)
    assert signed.self_signoff
    assert cases.timeline(db, case.id)[-1].note == "单人机关:承办人自行审核"


def test_clerk_cannot_sign_off(db, users):
    case = registered(db, users)
    review.submit_review(db, users["clerk"], case.id, no_answers(db), today=TODAY)
    with pytest.raises(PermissionDenied):
        review.sign_off(db, users["clerk2"], case.id, today=TODAY)


def test_send_back_needs_a_reason_and_reopens(db, users):
    case = registered(db, users)
    review.submit_review(db, users["clerk"], case.id, no_answers(db), today=TODAY)
    with pytest.raises(UserError, match="退回理由"):
        review.send_back(db, users["reviewer"], case.id, "")
    back = review.send_back(db, users["reviewer"], case.id, "请补充检索记录")
    assert back.status == "returned" and cases.get_case(db, case.id).status is Status.OPEN


def test_third_party_item_starts_the_pause(db, users):
    case = registered(db, users)
    info = review.submit_review(db, users["clerk"], case.id, answers(db, "third_party"), third_party="宏达公司",
                                on=date(2026, 3, 4), today=TODAY)
    assert info.proposed_result == "withheld.third_party"
    assert info.third_party_pause is not None and info.third_party_pause.answer_by == date(2026, 3, 25)
    assert cases.get_case(db, case.id).status is Status.PAUSED
    with pytest.raises(UserError, match="征询第三方"):
        review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 20), today=TODAY)
    assert cases.get_case(db, case.id).status is Status.REVIEW  # resumes into the review
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)



def test_a_consultation_already_made_is_used_not_repeated(db, users):
    """A third party asked before the review (a pause and its end): the review uses that consultation and does
    not pause the clock a second time."""
    case = registered(db, users)
    cases.start_pause(db, users["clerk"], case.id, "third_party", date(2026, 3, 4), party="宏达公司", today=TODAY)
    cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 20), note="第三方不同意公开:涉及商业秘密", today=TODAY)
    record = review.third_party_on_record(db, case.id)
    assert record is not None and record.party == "宏达公司" and record.ended == date(2026, 3, 20)
    assert record.answer == "第三方不同意公开:涉及商业秘密"
    info = review.submit_review(db, users["clerk"], case.id, answers(db, "third_party"), today=TODAY)
    assert info.third_party_pause is None
    assert cases.get_case(db, case.id).status is Status.REVIEW
    pauses = [e for e in cases.timeline(db, case.id) if e.action == "pause_started"]
    assert len(pauses) == 1
    [submitted] = [e for e in cases.timeline(db, case.id) if e.action == "review_submitted"]
    assert "宏达公司" in (submitted.note or "") and "2026-03-20" in (submitted.note or "")
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)

def test_reply_needs_signed_review_and_reason_for_a_different_result(db, users):
    case = registered(db, users)
    data = review.ReplyData("disclosed", date(2026, 3, 20), **REASONS["disclosed"])
    with pytest.raises(UserError, match="尚未完成审查"):
        review.reply(db, users["clerk"], case.id, data, today=TODAY)
    review.submit_review(db, users["clerk"], case.id, answers(db, "repeated"), today=TODAY)
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    with pytest.raises(UserError, match="说明理由"):
        review.reply(db, users["clerk"], case.id, data, today=TODAY)
    closed = review.reply(db, users["clerk"], case.id,
                          review.ReplyData("disclosed", date(2026, 3, 20), reason="核实后并非重复申请",
                                           **REASONS["disclosed"]), today=TODAY)
    assert closed.result_key == "disclosed"


def test_partly_disclosed_states_what_is_withheld(db, users):
    case = registered(db, users)
    review.submit_review(db, users["clerk"], case.id, answers(db, "separable", "process_info"), today=TODAY)
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    with pytest.raises(UserError, match="不予公开的部分"):
        review.reply(db, users["clerk"], case.id, review.ReplyData("partly_disclosed", date(2026, 3, 20)),
                     today=TODAY)
    review.reply(db, users["clerk"], case.id, review.ReplyData(
        "partly_disclosed", date(2026, 3, 20), withheld_part="会议讨论记录", withheld_ground="process_info",
        withheld_reason="属于讨论记录,相关事项尚在研究"),
        today=TODAY)
    details = review.reply_details(db, case.id)
    assert details["withheld_part"] == "会议讨论记录" and details["result_key"] == "partly_disclosed"


def test_unanswered_checklist_refused(db, users):
    case = registered(db, users)
    partial = no_answers(db)
    partial.pop(next(iter(partial)))
    with pytest.raises(UserError, match="没有回答"):
        review.submit_review(db, users["clerk"], case.id, partial, today=TODAY)


def test_appeal_validation(db, users):
    case = registered(db, users)
    with pytest.raises(UserError, match="请选择类型"):
        review.record_appeal(db, users["clerk"], case.id, "complaint", date(2026, 4, 1), today=TODAY)
    appeal = review.record_appeal(db, users["clerk"], case.id, "litigation_direct", date(2026, 4, 1), today=TODAY)
    with pytest.raises(UserError, match="不能早于"):
        review.set_appeal_result(db, users["clerk"], appeal.id, "corrected", date(2026, 3, 1), today=TODAY)
    assert [a.label for a in review.appeals_of(db, case.id)] == ["行政诉讼(未经复议直接起诉)"]


def test_post_goes_through_a_postal_enterprise_as_letter_235_says_it(db, users):
    """国办公开办函〔2016〕235号 item 2 names no company: 邮政企业, not a courier without the right to carry
    official documents (《邮政法》Art. 55). The refusals and the choices say that, in Chinese only."""
    case = registered(db, users)
    review.submit_review(db, users["clerk"], case.id, answers(db, "not_held"), today=TODAY)
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    review.reply(db, users["clerk"], case.id, review.ReplyData("unavailable.not_held", TODAY), today=TODAY)
    messages = []
    for carrier in ("", "other"):
        with pytest.raises(UserError) as exc:
            review.deliver(db, users["clerk"], case.id, "post", TODAY, tracking_no="1150012345678", carrier=carrier,
                           today=TODAY)
        messages.append(exc.value.message)
    assert messages[0] == "邮寄送达的,请选择寄递企业"
    assert "应当通过邮政企业" in messages[1] and "不具有国家公文寄递资格的其他快递企业" in messages[1]
    assert "写明快递企业名称和原因" in messages[1]
    labels = list(review.POSTAL_CARRIERS.values())
    for text in [*messages, *labels]:
        assert "EMS" not in text and "中国邮政" not in text, text
    assert [label.startswith("邮政企业") for label in labels] == [True, True, False]
