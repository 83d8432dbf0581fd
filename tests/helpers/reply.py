"""Replies with everything their result must state (domain.reply_reasons), for tests that reply."""

from __future__ import annotations

from datetime import date

from conftest import person

from workstation.services import cases, review

# Valid stated reasons per result; a 重复申请 also needs the earlier request (see ``repeated_reply``).
REASONS: dict[str, dict] = {
    "disclosed": {"provision_way": "post", "provision_place": "申请人住址(示范县城关镇人民路1号)",
                  "provision_time": "随本告知书一并邮寄", "materials": ("《2025年道路硬化工程招标文件》",)},
    "partly_disclosed": {"withheld_part": "第3页中的个人身份信息", "withheld_ground": "third_party",
                         "withheld_reason": "涉及个人隐私"},
    "withheld.prohibited_by_law": {"prohibiting_law": "《中华人民共和国统计法》第二十五条"},
    "withheld.security_stability": {"harm": "公开该水源地取水口的位置和防护设施布置,可能被用于破坏供水设施,危及公共安全"},
    "withheld.third_party": {"third_party_objection": "第三方某某建设有限公司书面答复不同意公开,理由是其中含有投标报价等商业秘密",
                             "weighing": "该信息不涉及重大公共利益,不公开不会对公共利益造成重大影响"},
    "other.other": {"other_reason": "您的申请实为咨询政策如何适用,所要求的内容不是本机关已制作或者获取的政府信息",
                    "basis": "《中华人民共和国政府信息公开条例》第二条"},
}


def reviewed(db, users, today: date, *, yes: str | None = None, **intake):
    """A registered request with a signed-off review (all checklist answers no, except ``yes``)."""
    case = cases.register(db, users["clerk"], person(handed_in_on=today, **intake), today=today).case
    answers = {item.id: False for item in review.checklist_items(db)}
    if yes:
        answers[yes] = True
    review.submit_review(db, users["clerk"], case.id, answers, today=today)
    review.sign_off(db, users["reviewer"], case.id, today=today)
    return case


def reply_with(db, users, case_id: int, result_key: str, on: date, **stated):
    reviewed_key = review.latest_review(db, case_id).result_key
    reason = "" if reviewed_key == result_key else "经复核改变结论"
    return review.reply(db, users["clerk"], case_id, review.ReplyData(result_key, on, reason=reason, **stated),
                        today=on)


def record_reply(db, actor, case_id: int, result_key: str, on: date, *, today: date | None = None,
                 extra: dict | None = None):
    """The state a reply leaves (result, closing date, ``closed`` event), written without walking the review.

    For tests of what is computed from replies (tallies, notices, clocks, the audit chain) that need many
    closed requests of every result; a register imported from a ledger or kept by an earlier version holds
    such replies. The review path itself is tested in test_review.py and test_case_actions.py.
    """
    from workstation.domain.status import Status
    from workstation.services.base import writing
    from workstation.services.case_records import close_request, get_request

    assert on <= (today or on)
    with writing(db, actor) as tx:
        r = get_request(tx.session, case_id)
        assert Status(r.status).is_open, "record_reply: the request is already finished"
        return close_request(tx, r, result_key, on, status=Status.REPLIED, extra=extra)
