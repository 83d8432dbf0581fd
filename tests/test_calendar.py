"""The working-day calendar against chinese-calendar, provisional years, overrides."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.domain.calendar import (
    ImportedYear,
    Override,
    Source,
    WorkCalendar,
    statutory_days,
)

CAL = WorkCalendar()


def test_every_official_day_matches_chinese_calendar():
    d = date(2004, 1, 1)
    mismatches = []
    while d <= date(2026, 12, 31):
        if CAL.is_workday(d) != chinese_calendar.is_workday(d):
            mismatches.append(d)
        d += timedelta(days=1)
    assert mismatches == []


def test_known_2026_days():
    assert CAL.info(date(2026, 10, 1)).reason == "国庆节"
    assert not CAL.is_workday(date(2026, 2, 17))
    makeup = CAL.info(date(2026, 2, 14))  # a Saturday made a working day
    assert makeup.working and makeup.reason == "调休上班" and makeup.source is Source.OFFICIAL
    assert CAL.info(date(2026, 3, 7)).reason == "周末"


def test_year_past_chinese_calendar_is_provisional_and_never_raises():
    info = CAL.info(date(2027, 1, 1))
    assert info.source is Source.PROVISIONAL and not info.working and info.reason == "元旦"
    assert CAL.add_workdays(date(2035, 12, 30), 30) > date(2036, 1, 1)
    assert CAL.is_provisional_year(2027)
    assert not CAL.is_provisional_year(2026)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2027, {date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
                date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)}),
        (2028, {date(2028, 1, 25), date(2028, 1, 26), date(2028, 1, 27), date(2028, 1, 28),
                date(2028, 4, 4), date(2028, 5, 28), date(2028, 10, 3)}),
    ],
)
def test_provisional_statutory_days(year, expected):
    days = statutory_days(year)
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2),
             date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)}
    assert set(days) == expected | fixed
    # 2024 rules give 13 statutory days; a coincidence (中秋 on 国庆) merges two
    assert len(days) == 13 - (1 if len(expected | fixed) < 13 else 0)


def test_statutory_days_agree_with_official_festival_dates():
    # the lunar and solar-term dates must match where chinese-calendar knows the festival;
    # 除夕 became a statutory day only with the 2024 revision (in force 2025)
    for year in range(2008, 2027):
        eve = min(d for d, n in statutory_days(year).items() if n == "春节")
        for d, name in statutory_days(year).items():
            if year < 2025 and d == eve:
                continue
            if name in ("春节", "清明节", "端午节", "中秋节") and d.weekday() < 5:
                assert not chinese_calendar.is_workday(d), (year, d, name)


def test_overrides_win_over_imported_over_official():
    imported = ImportedYear(2027, off={date(2027, 10, 4): "国庆节"}, work={date(2027, 9, 26): "国庆节"})
    cal = WorkCalendar(
        overrides=[Override(date(2026, 7, 1), False, "本地停电闭馆"), Override(date(2027, 10, 4), True, "值班")],
        imported=[imported],
    )
    assert cal.info(date(2026, 7, 1)) .source is Source.MANUAL
    assert not cal.is_workday(date(2026, 7, 1))
    assert cal.is_workday(date(2027, 10, 4))  # manual beats imported
    assert cal.info(date(2027, 9, 26)).reason == "调休上班"
    assert cal.year_source(2027) is Source.IMPORTED
    assert not cal.info(date(2027, 3, 3)).provisional
    assert cal.info(date(2027, 3, 6)).reason == "周末"


def test_imported_notice_may_change_the_year_before():
    # the 2019 notice made 2018-12-29 a working day
    cal = WorkCalendar(imported=[ImportedYear(2027, off={}, work={date(2026, 12, 26): "元旦"})])
    assert cal.is_workday(date(2026, 12, 26))
    assert not WorkCalendar().is_workday(date(2026, 12, 26))


def naive_add(d: date, n: int) -> date:
    while n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


@settings(max_examples=examples(300), deadline=None)
@given(st.dates(date(2005, 1, 1), date(2026, 10, 31)), st.integers(1, 40))
def test_add_workdays_agrees_with_day_by_day(d, n):
    assert CAL.add_workdays(d, n) == naive_add(d, n)


@settings(max_examples=examples(200), deadline=None)
@given(st.dates(date(2005, 1, 1), date(2026, 12, 31)), st.integers(0, 120))
def test_workdays_between_agrees_with_day_by_day(a, span):
    b = min(a + timedelta(days=span), date(2026, 12, 31))
    expected = sum(chinese_calendar.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))
    assert CAL.workdays_between(a, b) == expected


def test_index_grows_backwards_and_forwards():
    cal = WorkCalendar()
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_workdays(date(2010, 9, 30), 1) == naive_add(date(2010, 9, 30), 1)
    assert cal.add_workdays(date(2026, 12, 31), 300).year == 2028
