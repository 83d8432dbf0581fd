"""On time as the law counts it: delivery decides (国办公开办函〔2016〕235号), letters run from receipt."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person

from workstation.domain.calendar import WorkCalendar
from workstation.domain.deadline import Clock, DeadlineEngine, Delivered
from workstation.domain.errors import UserError
from workstation.domain.status import Status
from workstation.services import cases, queries, review

TODAY = date(2026, 6, 1)
RECEIVED = date(2026, 3, 2)  # a Monday
DUE = date(2026, 3, 30)  # the 20th working day after it
DAY_AFTER = date(2026, 3, 31)


def replied(db, users, on: date = date(2026, 3, 27)):
    case = cases.register(db, users["clerk"], person(), today=TODAY).case
    cases.close(db, users["clerk"], case.id, "unavailable.not_held", on, today=TODAY)
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
