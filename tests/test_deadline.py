"""The deadline engine against a plain day-by-day count over chinese-calendar."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from conftest import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workstation.domain.calendar import WorkCalendar
from workstation.domain.deadline import Clock, DeadlineEngine, Pause

ENGINE = DeadlineEngine(WorkCalendar())


def naive_due(clock: Clock, total: int) -> date:
    """Day by day: skip the start day, non-working days and paused days (S < d <= E)."""
    d = max((clock.received, *clock.restarts))
    n = 0
    while n < total:
        d += timedelta(days=1)
        if any(p.start < d <= p.end for p in clock.pauses):
            continue
        if chinese_calendar.is_workday(d):
            n += 1
    return d


@st.composite
def clocks(draw):
    received = draw(st.dates(date(2005, 1, 1), date(2026, 6, 30)))
    restarts = ()
    if draw(st.booleans()):
        restarts = (received + timedelta(days=draw(st.integers(1, 20))),)
    pauses = []
    anchor = received
    for _ in range(draw(st.integers(0, 3))):
        s = anchor + timedelta(days=draw(st.integers(0, 25)))
        e = s + timedelta(days=draw(st.integers(1, 30)))
        pauses.append(Pause(s, e, draw(st.sampled_from(["third_party", "other_body", "fee"]))))
        anchor = s if draw(st.booleans()) else e  # overlapping pauses are allowed
    ext = draw(st.sampled_from([0, 0, 5, 20]))
    reply = draw(st.sampled_from([20, 20, 15]))
    return Clock(received, restarts, tuple(pauses), ext, reply_days=reply)


@settings(deadline=None)  # as many examples as the profile says
@given(clocks())
def test_engine_agrees_with_naive_count(clock):
    try:
        expected_original = naive_due(clock, clock.reply_days)
        expected_due = naive_due(clock, clock.reply_days + clock.extension_days)
        expected_correction = naive_due(Clock(clock.received), 7)
    except NotImplementedError:
        assume(False)
    got = ENGINE.compute(clock, as_of=clock.received)
    assert got.original_due == expected_original
    assert got.due == expected_due
    assert got.correction_notice_by == expected_correction
    assert not got.provisional
    # the explanation numbers every counted day once, ending on the due date
    counted = [s for s in got.explanation if s.counted]
    assert counted[-1].last == got.due
    assert counted[-1].last_number == clock.reply_days + clock.extension_days


@settings(max_examples=examples(300), deadline=None)
@given(clocks(), st.integers(0, 80))
def test_used_and_left_add_up(clock, offset):
    as_of = clock.received + timedelta(days=offset)
    got = ENGINE.compute(clock, as_of=as_of, explain=False)
    assert got.used + got.left == got.total_days
    start = max((clock.received, *clock.restarts))
    expected_used = 0
    d = start
    while d < as_of:
        d += timedelta(days=1)
        if not any(p.start < d <= p.end for p in clock.pauses) and chinese_calendar.is_workday(d):
            expected_used += 1
    assert got.used == expected_used
    assert got.overdue == (as_of > got.due)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 10, 1), date(2026, 11, 3)),  # on a holiday: day 1 is 10-08
        (date(2026, 2, 14), date(2026, 3, 20)),  # on a makeup Saturday: not counted itself
        (date(2025, 12, 31), date(2026, 1, 29)),  # New Year's Eve: 2026-01-04 (Sunday) is day 1
        (date(2026, 9, 28), date(2026, 10, 30)),
    ],
)
def test_hand_counted_cases(received, due):
    got = ENGINE.compute(Clock(received), as_of=received)
    assert got.due == due
    assert not got.provisional


def test_year_boundary_is_provisional():
    got = ENGINE.compute(Clock(date(2026, 12, 20)), as_of=date(2026, 12, 21))
    assert got.due == date(2027, 1, 18)  # 2027-01-01 (元旦) provisional day off
    assert got.provisional
    assert any(s.provisional and s.reason == "元旦" for s in got.explanation)
    early = ENGINE.compute(Clock(date(2026, 11, 2)), as_of=date(2026, 11, 2))
    assert not early.provisional


def test_correction_limit_alone_can_be_provisional():
    got = ENGINE.compute(Clock(date(2026, 12, 28)), as_of=date(2026, 12, 28))
    assert got.correction_notice_by == date(2027, 1, 7)
    assert got.provisional


def test_restart_counts_from_the_day_after_the_corrected_request():
    clock = Clock(date(2026, 3, 2), restarts=(date(2026, 3, 10),))
    got = ENGINE.compute(clock, as_of=date(2026, 3, 10))
    assert got.start == date(2026, 3, 10)
    assert got.due == ENGINE.calendar.add_workdays(date(2026, 3, 10), 20)
    assert got.correction_notice_by == date(2026, 3, 11)  # from the original receipt


def test_pause_excludes_days_after_start_up_to_end():
    # pause from Tue 3-3 to Thu 3-5: Wed and Thu are not counted, Tue is
    got = ENGINE.compute(Clock(date(2026, 3, 2), pauses=(Pause(date(2026, 3, 3), date(2026, 3, 5)),)),
                         as_of=date(2026, 3, 6))
    assert got.used == 2  # 3-3 and 3-6
    assert [s.reason for s in got.explanation[:3]] == ["", "暂停:第三方意见征询", ""]


def test_open_pause_runs_to_as_of():
    clock = Clock(date(2026, 3, 2), pauses=(Pause(date(2026, 3, 4), None, "fee"),))
    got = ENGINE.compute(clock, as_of=date(2026, 3, 20))
    assert got.paused and got.used == 2
    assert got.due == ENGINE.calendar.add_workdays(date(2026, 3, 20), 18)


def test_extension_counts_after_original_due():
    got = ENGINE.compute(Clock(date(2026, 9, 28), extension_days=20), as_of=date(2026, 9, 28))
    assert got.original_due == date(2026, 10, 30)
    assert got.due == ENGINE.calendar.add_workdays(date(2026, 10, 30), 20)
    assert got.total_days == 40


def test_manual_due_date():
    got = ENGINE.compute(Clock(date(2026, 3, 2), manual_due=date(2026, 6, 30)), as_of=date(2026, 3, 2))
    assert got.manual and got.due == date(2026, 6, 30)
    assert got.left == ENGINE.calendar.workdays_between(date(2026, 3, 2), date(2026, 6, 30))


def test_summary_is_chinese_and_names_reasons():
    text = ENGINE.compute(Clock(date(2026, 9, 28)), as_of=date(2026, 10, 9)).summary()
    assert "答复期限:2026年10月30日" in text
    assert "不计(国庆节)" in text
    assert "第5个工作日(调休上班)" in text
