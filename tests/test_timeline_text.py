"""The case timeline in words a clerk reads."""

from __future__ import annotations

from workstation.gui.timeline_text import describe
from workstation.services.cases import TimelineEntry


def entry(action: str, before: dict | None, after: dict | None, note: str | None = None) -> TimelineEntry:
    return TimelineEntry(1, "2026-10-29 09:00", "张承办", action, action, None, before, after, note)


def test_status_changes_read_as_labels():
    text = describe(entry("correction_requested", {"status": "open"},
                          {"status": "correction", "items": "请写明年份", "on": "2026-10-29"}))
    assert "状态:办理中 → 待补正" in text and "补正事项:请写明年份" in text


def test_an_issued_document_names_itself_not_a_pause():
    text = describe(entry("document_issued", None, {
        "document_id": 3, "kind": "reply", "label": "答复告知书", "number": "政信复〔2026〕7号",
        "template": "forms/reply_disclosed.j2", "template_version": "2026.1", "fonts_embedded": True,
        "replaces": None, "bytes": 30211}))
    assert text == ("文书:答复告知书;文号:政信复〔2026〕7号;模板:forms/reply_disclosed.j2;模板版本:2026.1;"
                    "字体已嵌入:是")
    assert "暂停原因" not in text


def test_the_whole_review_and_reply_walk_reads_without_machine_keys(db, users):
    """Every event of registration, review, sign-off, reply, delivery and appeal: labels, not keys."""
    import re
    from datetime import date

    from conftest import person

    from workstation.services import cases, review

    today = date(2026, 10, 29)
    case = cases.register(db, users["clerk"], person(handed_in_on=today), today=today).case
    answers = {item.id: item.id == "separable" for item in review.checklist_items(db)}
    review.submit_review(db, users["clerk"], case.id, answers, notes="遮盖第3页", today=today)
    review.sign_off(db, users["reviewer"], case.id, today=today)
    review.reply(db, users["clerk"], case.id, review.ReplyData(
        "partly_disclosed", today, withheld_part="第3页个人信息", withheld_ground="third_party",
        withheld_reason="涉及个人隐私",
        provision_form="paper", provision_way="pickup"), today=today)
    review.deliver(db, users["clerk"], case.id, "post", today, tracking_no="EMS123", carrier="ems", today=today)
    review.record_appeal(db, users["head"], case.id, "review", today, body="示范县人民政府", today=today)
    texts = [describe(e) for e in cases.timeline(db, case.id)]
    joined = "\n".join(texts)
    assert "办理结果:部分公开" in joined and "不予公开的部分:第3页个人信息" in joined
    assert "建议结果:部分公开" in joined and "方式:邮寄" in joined and "类别:行政复议" in joined
    assert not re.search(r"[a-z]+_[a-z_]+|partly|review_id|\bpost\b", joined), joined


def test_the_case_timeline_leaves_the_machine_facts_to_the_audit_view():
    from workstation.gui.timeline_text import clerk_text

    issued = entry("document_issued", None, {
        "document_id": 3, "kind": "receipt", "label": "登记回执", "number": None,
        "template": "forms/receipt.j2", "template_version": "2026.1", "fonts_embedded": True})
    assert clerk_text(issued) == "文书:登记回执"
    assert "模板版本" in describe(issued)  # the audit view keeps them
    registered = entry("registered", None, {"number": "政依申〔2026〕第0001号", "received": "2026-10-29",
                                             "due": "2026-11-26", "provisional": False})
    assert "预估" not in clerk_text(registered) and "预估:否" in describe(registered)
    estimated = entry("registered", None, {"number": "政依申〔2026〕第0002号", "received": "2026-12-20",
                                            "due": "2027-01-19", "provisional": True})
    assert "答复期限:2027-01-19(预估)" in clerk_text(estimated)


def test_an_extension_reads_with_its_new_due_date(db, users):
    """The timeline of an extension says where the due date went, not "答复期限:… → —"."""
    from datetime import date

    from conftest import person

    from workstation.services import cases

    today = date(2026, 11, 2)
    case = cases.register(db, users["clerk"], person(handed_in_on=today), today=today).case
    before = cases.deadline(db, case.id, as_of=today).due
    after = cases.extend(db, users["head"], case.id, 20, today, reason="需要调取档案", today=today).due
    [event] = [e for e in cases.timeline(db, case.id) if e.action == "extended"]
    text = describe(event, technical=False)
    from workstation.gui.timeline_text import value_text

    assert f"{value_text('due', before.isoformat())} → {value_text('due', after.isoformat())}" in text
    assert "→ —" not in text and after > before
    assert event.after["due"] == after.isoformat()


def test_a_pause_names_whose_date_it_waits_for_not_the_reply_due_date():
    for kind, words in (("third_party", "第三方答复期限"), ("other_body", "其他机关答复期限"), ("fee", "缴费期限")):
        text = describe(entry("pause_started", {"status": "open"},
                              {"kind": kind, "on": "2026-11-16", "answer_by": "2026-12-07", "status": "paused"}))
        assert f"{words}:2026-12-07" in text and "答复期限:2026-12-07" not in text.replace(words, ""), text
