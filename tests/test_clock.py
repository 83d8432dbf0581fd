"""On time as the law counts it: delivery decides (国办公开办函〔2016〕235号), letters run from receipt."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person
from helpers.reply import record_reply

from workstation.domain.calendar import WorkCalendar
from workstation.domain.deadline import Clock, DeadlineEngine, Delivered
from workstation.domain.errors import UserError
from workstation.domain.status import Status
from workstation.services import cases, queries, review

TODAY = date(2026, 6, 1)
RECEIVED = date(2026, 3, 2)  # a Monday
DUE = date(2026, 3, 30)  # the 20th working day after it
DAY_AFTER = date(2026, 3, 31)


def pdf_text(pdf: bytes) -> str:
    import subprocess

    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return norm(out.decode("utf-8"))


def norm(text: str) -> str:
    """Full-width punctuation as ASCII, no white space: the layout prints ,:() beside Chinese full-width."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def replied(db, users, on: date = date(2026, 3, 27)):
    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    record_reply(db, users["clerk"], case.id, "unavailable.not_held", on, today=TODAY)
    return case


# --- the engine ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "on", "on_time", "late", "basis"), [
    ("post", DUE, True, 0, "交邮之日"),
    ("post", DAY_AFTER, False, 1, "交邮之日"),
    ("in_person", DUE, True, 0, "签收之日"),
    ("in_person", DAY_AFTER, False, 1, "签收之日"),
    ("entrusted", DAY_AFTER, False, 1, "签收之日"),
    ("email", DUE, True, 0, "发送之日"),
    ("email", date(2026, 4, 2), False, 3, "发送之日"),
])
def test_engine_judges_on_the_counting_date(method, on, on_time, late, basis):
    d = DeadlineEngine(WorkCalendar()).compute(Clock(RECEIVED, delivered=Delivered(method, on)), as_of=on)
    assert d.due == DUE
    t = d.timeliness
    assert t is not None and t.on_time is on_time and t.late_days == late and t.basis == basis
    assert t.text().startswith("按期" if on_time else f"逾期 {late} 个工作日")
    assert basis in d.summary()


def test_late_on_a_rest_day_is_late_without_working_days():
    engine = DeadlineEngine(WorkCalendar())
    t = engine.judge(date(2026, 3, 27), Delivered("post", date(2026, 3, 28)))  # Friday due, posted Saturday
    assert not t.on_time and t.late_days == 0 and "休息日" in t.verdict


# --- the service -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "on", "on_time", "extra"), [
    ("post", DUE, True, {"tracking_no": "1150012345678", "carrier": "ems"}),
    ("post", DAY_AFTER, False, {"tracking_no": "XA123456789CN", "carrier": "china_post"}),
    ("in_person", DUE, True, {"signed_by": "王小明"}),
    ("in_person", DAY_AFTER, False, {"signed_by": "王小明"}),
    ("entrusted", DUE, True, {"signed_by": "王小明", "body": "城关镇人民政府"}),
    ("email", DAY_AFTER, False, {"email": "wxm@example.com"}),
])
def test_delivery_records_the_counting_date_and_the_verdict(db, users, method, on, on_time, extra):
    case = replied(db, users)
    done = review.deliver(db, users["clerk"], case.id, method, on, today=TODAY, **extra)
    assert done.status is Status.CLOSED and done.delivered_on == on and done.closed_on == date(2026, 3, 27)
    d = cases.deadline(db, case.id)
    assert d.timeliness is not None and d.timeliness.on_time is on_time and d.timeliness.counted_on == on
    delivered = [e for e in cases.timeline(db, case.id) if e.action == "delivered"][-1].after
    assert delivered["counting_on"] == on.isoformat() and delivered["on_time"] is on_time
    assert delivered["due"] == DUE.isoformat()


def test_post_needs_a_postal_carrier_or_a_reason(db, users):
    case = replied(db, users)
    with pytest.raises(UserError, match="寄递企业") as exc:
        review.deliver(db, users["clerk"], case.id, "post", DUE, tracking_no="SF123", today=TODAY)
    assert exc.value.field == "carrier"
    with pytest.raises(UserError, match="235号") as exc:
        review.deliver(db, users["clerk"], case.id, "post", DUE, tracking_no="SF123", carrier="other", today=TODAY)
    assert exc.value.field == "override_reason"
    done = review.deliver(db, users["clerk"], case.id, "post", DUE, tracking_no="SF123", carrier="other",
                          override_reason="顺丰速运,经办人误用", today=TODAY)
    assert done.status is Status.CLOSED
    event = [e for e in cases.timeline(db, case.id) if e.action == "delivered"][-1]
    assert event.after["carrier"] == "other" and "顺丰" in event.note
    assert cases.deadline(db, case.id).timeliness.on_time


def test_entrusted_delivery_names_the_body(db, users):
    case = replied(db, users)
    with pytest.raises(UserError, match="代为送达的机关"):
        review.deliver(db, users["clerk"], case.id, "entrusted", DUE, signed_by="王小明", today=TODAY)


def test_a_reply_awaiting_delivery_stays_on_the_clock(db, users):
    case = replied(db, users)
    assert cases.get_case(db, case.id).due == DUE  # kept after the reply, until delivery counts
    d = cases.deadline(db, case.id, as_of=DAY_AFTER)
    assert d.timeliness is None and d.overdue
    soon = queries.dashboard(db, today=date(2026, 3, 27))
    [item] = soon.lists["replied"]
    assert item.urgency == "soon" and "答复期限" in item.note
    late = queries.dashboard(db, today=date(2026, 4, 1))
    [item] = late.lists["replied"]
    assert item.urgency == "overdue" and "2 个工作日" in item.note
    assert late.counts["replied_overdue"] == 1
    review.deliver(db, users["clerk"], case.id, "post", DUE, tracking_no="1150012345678", carrier="ems",
                   today=TODAY)
    assert queries.dashboard(db, today=date(2026, 4, 1)).counts["replied"] == 0


# --- the on-time rate (按期办结率), apart from tables 三 and 四 ------------------------------------------
def test_on_time_rate_counts_delivered_replies_of_the_period(db, users, tmp_path):
    import csv
    import io
    import subprocess

    from openpyxl import load_workbook

    from workstation.services import tally

    posted_on_due = replied(db, users)
    review.deliver(db, users["clerk"], posted_on_due.id, "post", DUE, tracking_no="1150012345678", carrier="ems",
                   today=TODAY)
    handed_late = replied(db, users)
    review.deliver(db, users["clerk"], handed_late.id, "in_person", DAY_AFTER, signed_by="王小明", today=TODAY)
    replied(db, users)  # awaiting delivery: named, not counted
    withdrawn = cases.register(db, users["clerk"], person(), today=TODAY).case
    cases.withdraw(db, users["clerk"], withdrawn.id, date(2026, 3, 10), today=TODAY)  # nothing to deliver

    result = tally.tally(db, date(2026, 3, 1), date(2026, 3, 31))
    rate = result.on_time
    assert (rate.on_time, rate.late, rate.awaiting, rate.undated) == (1, 1, 1, 0)
    assert rate.percent == "50.0%" and "已答复待送达 1 件" in rate.text()
    assert "on_time" not in result.to_json()  # the official tables keep the shape of the spec
    assert tally.tally(db, date(2026, 4, 1), date(2026, 4, 30)).on_time.percent == "—"

    rows = list(csv.reader(io.StringIO(tally.export(db, result, "csv").data.decode("utf-8-sig"))))
    at = next(i for i, r in enumerate(rows) if r and r[0].startswith("附:按期办结率"))
    assert ["", "按期办结率", "50.0%"] in rows[at:] and ["", "其中逾期(件)", "1"] in rows[at:]
    wb = load_workbook(io.BytesIO(tally.export(db, result, "xlsx").data))
    assert wb.sheetnames[2] == "按期办结率"
    assert ("按期办结率", "50.0%") in [(r[0], r[1]) for r in wb["按期办结率"].iter_rows(values_only=True)]
    pdf = tmp_path / "tally.pdf"
    pdf.write_bytes(tally.export(db, result, "pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "按期办结率" in text and "50.0%" in text


# --- letters counted from receipt (Art. 30, 32, 34; the fee notice) --------------------------------------
def test_a_posted_third_party_letter_has_an_estimate_until_its_receipt_is_recorded(db, users):
    from workstation.services import documents

    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    sent = date(2026, 3, 5)  # a Thursday
    started = cases.start_pause(db, users["clerk"], case.id, "third_party", sent, party="某建筑公司", way="post",
                                today=TODAY)
    # estimate: posted 3-05 + 3 calendar days = 3-08 (Sunday), then 15 working days -> 2026-03-27
    assert started.estimated and started.answer_by == date(2026, 3, 27)
    letter = cases.awaited_letter(db, case.id)
    assert letter.estimated and letter.end == date(2026, 3, 27) and "预计" in letter.text()
    # the notice prints the period in words, no date, until the receipt is known
    doc = documents.issue(db, users["clerk"], case.id, "third-party", today=sent)
    text = pdf_text(doc.pdf)
    assert "自收到本函之日起15个工作日内" in text and norm("(即") not in text and "2026年3月27日" not in text
    ctx_after = [e for e in cases.timeline(db, case.id) if e.action == "pause_started"][-1].after
    assert ctx_after["answer_by"] is None and ctx_after["estimated_end"] == "2026-03-27"

    with pytest.raises(UserError, match="不能早于发出日期"):
        cases.record_letter_received(db, users["clerk"], case.id, date(2026, 3, 4), today=TODAY)
    final = cases.record_letter_received(db, users["clerk"], case.id, date(2026, 3, 10), today=TODAY)
    assert not final.estimated and final.end == date(2026, 3, 31)  # 15 working days after 3-10
    letter = cases.awaited_letter(db, case.id)
    assert not letter.estimated and letter.end == date(2026, 3, 31) and "预计" not in letter.text()
    dash = queries.dashboard(db, today=date(2026, 3, 20))
    [item] = dash.lists["paused"]
    assert "2026-03-31" in item.note and "预计" not in item.note


def test_a_correction_handed_over_is_final_at_once_and_a_posted_one_waits_for_its_receipt(db, users):
    handed = cases.register(db, users["clerk"], person(), today=TODAY).case
    assert cases.request_correction(db, users["clerk"], handed.id, date(2026, 3, 5), "请写明文件名称",
                                    today=TODAY) == date(2026, 3, 26)
    assert not cases.correction_letter(db, handed.id).estimated

    posted = cases.register(db, users["clerk"], person(), today=TODAY).case
    estimate = cases.request_correction(db, users["clerk"], posted.id, date(2026, 3, 5), "请写明文件名称",
                                        way="post", today=TODAY)
    assert estimate == date(2026, 3, 27) and cases.correction_letter(db, posted.id).estimated
    note = [i.note for i in queries.dashboard(db, today=date(2026, 3, 20)).lists["correction"]
            if i.case.id == posted.id][0]
    assert "(预计" in note
    # the period's end is not known: the request cannot be deemed withdrawn on an estimate
    with pytest.raises(UserError, match="收到日期尚未登记"):
        cases.deem_withdrawn(db, users["clerk"], posted.id, date(2026, 4, 20), today=TODAY)
    cases.record_letter_received(db, users["clerk"], posted.id, date(2026, 3, 12), today=TODAY)
    assert cases.correction_due(db, posted.id) == date(2026, 4, 2)
    with pytest.raises(UserError, match="才届满"):
        cases.deem_withdrawn(db, users["clerk"], posted.id, date(2026, 4, 2), today=TODAY)
    done = cases.deem_withdrawn(db, users["clerk"], posted.id, date(2026, 4, 3), today=TODAY)
    assert done.result_key == "other.no_correction"


def test_the_fee_notice_by_email_and_the_postal_days_setting(db, users):
    from workstation.services.base import invalidate
    from workstation.store.models import Setting

    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    started = cases.start_pause(db, users["clerk"], case.id, "fee", date(2026, 3, 5), amount="100", way="email",
                                today=TODAY)
    assert started.estimated and started.answer_by == date(2026, 4, 2)  # sent = assumed received, +20
    with db.write() as s:
        s.add(Setting(key="days.postal", value=7))
    invalidate(db, "settings")
    other = cases.register(db, users["clerk"], person(), today=TODAY).case
    started = cases.start_pause(db, users["clerk"], other.id, "other_body", date(2026, 3, 5), way="post",
                                today=TODAY)
    assert started.answer_by == date(2026, 4, 2)  # 3-05 + 7 days = 3-12, then 15 working days
    third = cases.register(db, users["clerk"], person(), today=TODAY).case
    with pytest.raises(UserError, match="送达方式"):
        cases.start_pause(db, users["clerk"], third.id, "fee", date(2026, 3, 5), way="pigeon", today=TODAY)


# --- the printed explanation (办理时限计算说明) -------------------------------------------------------------
def test_the_explanation_prints_the_count_the_pause_the_delivery_and_the_verdict(db, users):
    from workstation.services import documents

    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    cases.start_pause(db, users["clerk"], case.id, "third_party", date(2026, 3, 5), party="某公司", way="post",
                      today=TODAY)
    cases.record_letter_received(db, users["clerk"], case.id, date(2026, 3, 9), today=TODAY)
    cases.end_pause(db, users["clerk"], case.id, date(2026, 3, 12), today=TODAY)
    due = cases.get_case(db, case.id).due  # 5 working days 3-06..3-12 paused: 2026-04-07 (清明 4-06 off)
    assert due == date(2026, 4, 7)
    record_reply(db, users["clerk"], case.id, "unavailable.not_held", date(2026, 4, 3), today=TODAY)
    review.deliver(db, users["clerk"], case.id, "post", date(2026, 4, 8), tracking_no="1150012345678",
                   carrier="ems", today=TODAY)
    doc = documents.issue(db, users["clerk"], case.id, "deadline-explanation", today=TODAY)
    assert doc.number is None and doc.template_version == "2026.1"
    text = pdf_text(doc.pdf)
    for expected in ("办理时限计算说明", "收到申请", "2026年3月2日", "第1个工作日", "2026年3月3日",
                     "第三方意见征询:2026年3月5日起,2026年3月12日恢复", "于2026年3月9日收到",
                     "暂停:第三方意见征询", "清明节", "20个工作日", "至2026年4月7日", "答复日期", "2026年4月3日",
                     "邮寄送达,交邮之日为2026年4月8日", "逾期1个工作日:以交邮之日2026年4月8日计",
                     "第三十三条", "国办公开办函〔2016〕235号", "第二百零一条"):
        assert norm(expected) in text, expected


def test_the_explanation_of_an_open_case_shows_days_used_and_left(db, users):
    from workstation.services import documents

    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    doc = documents.issue(db, users["clerk"], case.id, "deadline-explanation", today=date(2026, 3, 10))
    text = pdf_text(doc.pdf)
    assert norm("截至2026年3月10日已用6个工作日,剩余14个工作日") in text and "答复日期" not in text


def test_a_calendar_change_moves_the_due_date_of_a_reply_awaiting_delivery(db, users):
    from workstation.services import calendar as cal_service

    case = replied(db, users)
    moved = cal_service.set_override(db, users["head"], date(2026, 3, 10), False, "经批准闭馆", today=TODAY)
    assert [(m.request_id, m.new_due) for m in moved] == [(case.id, date(2026, 3, 31))]
    review.deliver(db, users["clerk"], case.id, "in_person", date(2026, 3, 31), signed_by="王小明", today=TODAY)
    assert cases.deadline(db, case.id).timeliness.on_time


def test_the_clocks_of_all_running_cases_read_at_once_are_each_case_s_own_clock(db, users):
    """A calendar change reads every running clock in two queries; each is the clock the case reads alone."""
    from workstation.services.clock import clock_of, running_clocks
    from workstation.store.models import Request

    clerk, head = users["clerk"], users["head"]

    def new(day: date) -> int:
        return cases.register(db, clerk, person(handed_in_on=day), today=TODAY).case.id

    plain = new(RECEIVED)
    corrected = new(date(2026, 3, 3))
    cases.request_correction(db, clerk, corrected, date(2026, 3, 4), "请写明年份", today=TODAY)
    cases.record_corrected(db, clerk, corrected, date(2026, 3, 9), today=TODAY)
    paused = new(date(2026, 3, 4))
    cases.start_pause(db, clerk, paused, "third_party", date(2026, 3, 5), today=TODAY)
    cases.end_pause(db, clerk, paused, date(2026, 3, 12), today=TODAY)
    cases.start_pause(db, clerk, paused, "fee", date(2026, 3, 16), amount="100", today=TODAY)
    extended = new(date(2026, 3, 5))
    cases.extend(db, head, extended, 10, date(2026, 3, 20), reason="需调取档案", today=TODAY)
    manual = new(date(2026, 3, 6))
    cases.set_manual_due(db, head, manual, date(2026, 6, 30), "申请数量明显超过合理范围", today=TODAY)
    awaiting = replied(db, users).id
    withdrawn = new(date(2026, 3, 9))
    cases.withdraw(db, clerk, withdrawn, date(2026, 3, 10), today=TODAY)
    with db.read() as s:
        together = {r.id: clock for r, clock in running_clocks(db, s)}
        alone = {case_id: clock_of(db, s, s.get(Request, case_id))
                 for case_id in (plain, corrected, paused, extended, manual, awaiting)}
    assert together == alone  # the withdrawn case is off the clock
    assert together[corrected].restarts and together[paused].pauses[-1].end is None
    assert together[extended].extension_days == 10 and together[manual].manual_due == date(2026, 6, 30)


# --- a reply on the spot (当场答复, Art. 33 para. 1) ---------------------------------------------------------------
def test_a_reply_on_the_spot_closes_and_delivers_the_request_the_day_it_came_in(db, users):
    from workstation.services import documents

    today = RECEIVED
    case = cases.register(db, users["clerk"], person(), today=today).case
    with pytest.raises(UserError, match="获取"):
        cases.reply_on_the_spot(db, users["clerk"], case.id, published_at=" ", signed_by="王小明", today=today)
    where = "本镇人民政府门户网站“政府信息公开”栏目"
    with pytest.raises(UserError, match="材料"):
        cases.reply_on_the_spot(db, users["clerk"], case.id, published_at=where, signed_by="王小明", today=today)
    done = cases.reply_on_the_spot(db, users["clerk"], case.id, published_at=where, signed_by="王小明",
                                   materials=["示范镇2026年财政预算"], today=today)
    assert done.status is Status.CLOSED and done.result_key == "disclosed"
    assert done.closed_on == done.delivered_on == today
    d = cases.deadline(db, case.id)
    assert d.timeliness is not None and d.timeliness.on_time and d.timeliness.counted_on == today
    closed = [e for e in cases.timeline(db, case.id) if e.action == "closed"][-1]
    assert closed.after["on_the_spot"] and "第三十三条第一款" in closed.note
    doc = documents.issue(db, users["clerk"], case.id, "reply", today=today)
    assert "门户网站" in pdf_text(doc.pdf) and "示范镇2026年财政预算" in pdf_text(doc.pdf)


def test_a_reply_on_the_spot_only_for_a_request_handed_in_today_and_untouched(db, users):
    posted = cases.register(db, users["clerk"], person(channel="registered_post", handed_in_on=None,
                                                       signed_on=RECEIVED), today=RECEIVED).case
    with pytest.raises(UserError, match="今天当面提交"):
        cases.reply_on_the_spot(db, users["clerk"], posted.id, published_at="门户网站", materials=["预算"], signed_by="王小明",
                                today=RECEIVED)
    later = cases.register(db, users["clerk"], person(), today=RECEIVED).case
    with pytest.raises(UserError, match="今天当面提交"):
        cases.reply_on_the_spot(db, users["clerk"], later.id, published_at="门户网站", materials=["预算"], signed_by="王小明",
                                today=date(2026, 3, 3))
    paused = cases.register(db, users["clerk"], person(), today=RECEIVED).case
    cases.start_pause(db, users["clerk"], paused.id, "fee", RECEIVED, amount="100", today=RECEIVED)
    cases.end_pause(db, users["clerk"], paused.id, RECEIVED, today=RECEIVED)
    with pytest.raises(UserError, match="已有办理记录"):
        cases.reply_on_the_spot(db, users["clerk"], paused.id, published_at="门户网站", materials=["预算"], signed_by="王小明",
                                today=RECEIVED)


def test_the_dashboard_reads_the_awaited_letters_in_one_batch_not_per_row(db, users):
    from sqlalchemy import event

    def dashboard_statements() -> int:
        seen: list[str] = []

        def count(*_args: object) -> None:
            seen.append("")
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            queries.dashboard(db, today=date(2026, 3, 20))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    def waiting_cases(n: int) -> list[int]:
        made = []
        for _ in range(n):
            case = cases.register(db, users["clerk"], person(), today=TODAY).case
            cases.request_correction(db, users["clerk"], case.id, date(2026, 3, 5), "请写明文件名称", way="post",
                                     today=TODAY)
            made.append(case.id)
        return made

    first = waiting_cases(2)
    queries.dashboard(db, today=date(2026, 3, 20))  # due dates brought to the calendar once
    few = dashboard_statements()
    more = first + waiting_cases(8)
    queries.dashboard(db, today=date(2026, 3, 20))
    assert dashboard_statements() == few  # ten rows of notes cost what two did
    batch = cases.awaited_letters(db, more)
    assert batch == {i: cases.awaited_letter(db, i) for i in more}
    notes = {i.case.id: i.note for i in queries.dashboard(db, today=date(2026, 3, 20)).lists["correction"]}
    assert all(notes[i] == f"补正期限 {batch[i].end.isoformat()}(预计,尚未登记收到日期)" for i in more)
