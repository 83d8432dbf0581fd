"""The holiday notice parser against the official texts and chinese-calendar.

tests/data/holiday-notices/YYYY.txt holds the notice for year YYYY as published
on gov.cn (国务院办公厅关于YYYY年部分节假日安排的通知). For 2010–2026 and 2007
the files are the whole notice, checked against several reprints; for 2004, 2006,
2008 and 2009 they are the title and the numbered items as quoted from gov.cn and
Wikisource in chinese-calendar's scripts/data.py, without the introduction and
the closing, whose wording we could not verify. 2005 is missing: the only text
at hand is a news report, not the notice.

Each notice must give exactly chinese-calendar's days off and makeup days for
the dates it governs, except for the differences listed in EXPECTED_DIFFERENCES,
each with its reason. They are never papered over in the parser: either another
notice changed the year, or chinese-calendar records weekends differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from chinese_calendar import constants as cc
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.domain.errors import DataFileError
from workstation.domain.holiday_notice import ParsedNotice, parse_notice

NOTICES = Path(__file__).parent / "data" / "holiday-notices"
YEARS = sorted(int(path.stem) for path in NOTICES.glob("*.txt"))


@dataclass(frozen=True)
class Differences:
    """Where chinese-calendar and a year's notice disagree, and why."""

    reason: str
    cc_extra_off: frozenset[date] = frozenset()
    cc_missing_off: frozenset[date] = frozenset()
    cc_extra_work: frozenset[date] = frozenset()
    cc_missing_work: frozenset[date] = frozenset()


def _days(*isoformats: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(text) for text in isoformats)


EXPECTED_DIFFERENCES: dict[int, Differences] = {
    2006: Differences(
        "chinese-calendar lacks the makeup day 2005-12-31 that the 2006 notice sets "
        "(“12月31日(星期六)上班”).",
        cc_missing_work=_days("2005-12-31"),
    ),
    2011: Differences(
        "chinese-calendar leaves out Sunday 6-5 inside “6月4日至6日放假公休”; "
        "it is a weekend either way.",
        cc_missing_off=_days("2011-06-05"),
    ),
    2012: Differences(
        "chinese-calendar leaves out Saturday 6-23 inside “6月22日至24日放假公休”; "
        "it is a weekend either way.",
        cc_missing_off=_days("2012-06-23"),
    ),
    2014: Differences(
        "chinese-calendar counts Sunday 4-6 between “4月5日放假” and the 补休 on 4-7; "
        "the notice names only those two days.",
        cc_extra_off=_days("2014-04-06"),
    ),
    2015: Differences(
        "A separate notice (国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休"
        "放假的通知) gave 9-3 and 9-4 off and made Sunday 9-6 a working day.",
        cc_extra_off=_days("2015-09-03", "2015-09-04"),
        cc_extra_work=_days("2015-09-06"),
    ),
    2019: Differences(
        "A separate notice of 2019-03-22 extended 劳动节 to 5-1..5-4 with makeup days "
        "4-28 and 5-5; and chinese-calendar counts the weekends of "
        "“与周末连休” (清明, 端午, 中秋), which the notice does not list.",
        cc_extra_off=_days(
            "2019-05-02", "2019-05-03", "2019-05-04",
            "2019-04-06", "2019-04-07", "2019-06-08", "2019-06-09", "2019-09-14", "2019-09-15",
        ),
        cc_extra_work=_days("2019-04-28", "2019-05-05"),
    ),
    2020: Differences(
        "A separate notice (国办发明电〔2020〕1号, COVID-19) extended 春节 to 2-2, "
        "which also cancelled the makeup day 2-1.",
        cc_extra_off=_days("2020-01-31", "2020-02-01", "2020-02-02"),
        cc_missing_work=_days("2020-02-01"),
    ),
    2023: Differences(
        "chinese-calendar counts the weekend 2023-12-30/31 before “1月1日放假，与周末连休” "
        "of the 2024 notice; neither notice lists it.",
        cc_extra_off=_days("2023-12-30", "2023-12-31"),
    ),
}

# Before 2008 the notices called 劳动节 and 国庆节 by their dates.
NAME_ALIASES = {"五一": "劳动节", "十一": "国庆节"}


@cache
def notice_text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@cache
def parsed(year: int) -> ParsedNotice:
    return parse_notice(notice_text(year), f"{year}.txt")


def governed(year: int) -> tuple[date, date]:
    """The dates a year's notice decides: its own year, plus the late December it
    reaches back into, minus the late December the next notice reaches into."""
    notice = parsed(year)
    start = min([date(year, 1, 1), *notice.off, *notice.work])
    end = date(year + 1, 1, 1)
    if year + 1 in YEARS:
        following = parsed(year + 1)
        end = min([end, *following.off, *following.work])
    return start, end - timedelta(days=1)


def chinese_calendar_days(year: int) -> tuple[dict[date, str], dict[date, str]]:
    start, end = governed(year)

    def names(table: dict[date, str]) -> dict[date, str]:
        return {day: cc.Holiday(value).chinese for day, value in table.items() if start <= day <= end}

    return names(cc.holidays), names(cc.workdays)


def assert_names_agree(notice_names: dict[date, str], cc_names: dict[date, str]) -> None:
    for day in notice_names.keys() & cc_names.keys():
        name = NAME_ALIASES.get(notice_names[day], notice_names[day])
        assert cc_names[day] in name, (day, notice_names[day], cc_names[day])


def test_there_are_notices_for_2008_to_2026() -> None:
    assert set(range(2008, 2027)) <= set(YEARS)


def test_2026_notice_is_exactly_chinese_calendar() -> None:
    notice = parsed(2026)
    cc_off, cc_work = chinese_calendar_days(2026)
    assert notice.year == 2026
    assert set(notice.off) == set(cc_off)
    assert set(notice.work) == set(cc_work)
    assert_names_agree(notice.off, cc_off)
    assert_names_agree(notice.work, cc_work)
    assert notice.work[date(2026, 9, 20)] == "国庆节"
    assert notice.off[date(2026, 2, 15)] == "春节"


@pytest.mark.parametrize("year", YEARS)
def test_notice_matches_chinese_calendar(year: int) -> None:
    notice = parsed(year)
    assert notice.year == year
    cc_off, cc_work = chinese_calendar_days(year)
    expected = EXPECTED_DIFFERENCES.get(year, Differences("none"))
    # Keep the list honest: every listed difference must still exist.
    assert expected.cc_extra_off <= cc_off.keys()
    assert expected.cc_extra_work <= cc_work.keys()
    assert not expected.cc_missing_off & cc_off.keys()
    assert not expected.cc_missing_work & cc_work.keys()
    assert set(notice.off) == (cc_off.keys() - expected.cc_extra_off) | expected.cc_missing_off
    assert set(notice.work) == (cc_work.keys() - expected.cc_extra_work) | expected.cc_missing_work
    assert_names_agree(notice.off, cc_off)
    assert_names_agree(notice.work, cc_work)


def test_weekend_differences_are_weekends() -> None:
    weekend_only = {2011, 2012, 2014, 2023}
    for year in weekend_only:
        differences = EXPECTED_DIFFERENCES[year]
        assert all(day.weekday() >= 5 for day in differences.cc_extra_off | differences.cc_missing_off)


def test_days_in_the_year_before_keep_their_dates() -> None:
    assert parsed(2023).off[date(2022, 12, 31)] == "元旦"
    assert parsed(2019).work[date(2018, 12, 29)] == "元旦"
    assert parsed(2012).work[date(2011, 12, 31)] == "元旦"
    assert set(parsed(2008).off) >= {date(2007, 12, 30), date(2007, 12, 31)}
    assert date(2007, 12, 29) in parsed(2008).work


def test_combined_festival_keeps_both_names() -> None:
    assert parsed(2023).off[date(2023, 10, 1)] == "中秋节、国庆节"
    assert parsed(2025).work[date(2025, 9, 28)] == "国庆节、中秋节"


def test_old_wording_moved_weekend_becomes_working_day() -> None:
    # 2008: "9月27日（星期六）、9月28日（星期日）两个公休日调至9月29日…" with no 上班 sentence.
    assert parsed(2008).work[date(2008, 9, 27)] == "国庆节"
    assert parsed(2008).work[date(2008, 9, 28)] == "国庆节"
    # 2009: "10月3日（星期六）公休日…调至…": 10-3 lies inside the holiday and stays off.
    assert parsed(2009).off[date(2009, 10, 3)] == "国庆节、中秋节"


def test_to_json() -> None:
    data = parsed(2025).to_json()
    assert data["year"] == 2025
    assert data["off"][0] == "2025-01-01"
    assert data["work"] == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    assert data["off"] == sorted(data["off"])


# -- wordings ------------------------------------------------------------------


def notice(year: int, *items: str) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知\n\n" + "\n\n".join(items) + "\n"


def test_yearless_range_across_new_year() -> None:
    result = parse_notice(notice(2019, "一、元旦：12月30日至1月1日放假，共3天。 12月29日（星期六）上班。"))
    assert set(result.off) == {date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1)}
    assert set(result.work) == {date(2018, 12, 29)}


def test_range_across_months() -> None:
    result = parse_notice(notice(2025, "一、端午节：5月31日（周六）至6月2日（周一）放假，共3天。"))
    assert set(result.off) == {date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2)}


@pytest.mark.parametrize("mark", ["至", "—", "———", "～", "~", "-", "－", "–"])
def test_range_marks(mark: str) -> None:
    result = parse_notice(notice(2022, f"一、元旦：1月1日{mark}3日放假，共3天。"))
    assert set(result.off) == {date(2022, 1, 1), date(2022, 1, 2), date(2022, 1, 3)}


@pytest.mark.parametrize(
    "weekday", ["周日", "星期日", "星期天", "农历腊月二十八、周日", "农历腊月二十八，星期日"]
)
def test_weekday_spellings(weekday: str) -> None:
    result = parse_notice(notice(2026, f"一、春节：2月15日（{weekday}）至23日放假调休，共9天。"))
    assert len(result.off) == 9


def test_one_day_without_makeup() -> None:
    result = parse_notice(notice(2025, "一、元旦：1月1日（周三）放假1天，不调休。"))
    assert result.off == {date(2025, 1, 1): "元旦"}
    assert result.work == {}


def test_compensatory_day_off() -> None:
    result = parse_notice(notice(2017, "一、元旦：1月1日放假，1月2日（星期一）补休。"))
    assert set(result.off) == {date(2017, 1, 1), date(2017, 1, 2)}


def test_with_weekend_lists_only_the_stated_day() -> None:
    result = parse_notice(notice(2024, "一、元旦：1月1日放假，与周末连休。"))
    assert set(result.off) == {date(2024, 1, 1)}


def test_makeup_list_without_month() -> None:
    result = parse_notice(notice(2007, "一、“五一”：5月1日—7日放假，共7天。4月28日、29日上班。"))
    assert result.work == {date(2007, 4, 28): "五一", date(2007, 4, 29): "五一"}


def test_count_in_chinese_numerals() -> None:
    result = parse_notice(notice(2007, "一、元旦： 1月1日－3日放假，共三天。"))
    assert len(result.off) == 3


def test_advice_is_not_a_holiday() -> None:
    assert date(2024, 2, 9) not in parsed(2024).off
    result = parse_notice(
        notice(
            2024,
            "一、春节：2月10日至17日放假调休，共8天。"
            "鼓励各单位安排职工2月9日放假休息，2月9日上班不受影响。",
        )
    )
    assert date(2024, 2, 9) not in result.off and date(2024, 2, 9) not in result.work


def test_resuming_work_is_not_a_makeup_day() -> None:
    result = parse_notice(
        notice(2020, "一、春节：1月24日至2月2日放假，共10天。2月3日（星期一）起正常上班。")
    )
    assert result.work == {}


def test_header_without_colon() -> None:
    text = notice_text(2009).replace("三、清明节：", "三、清明节").replace("四、劳动节：", "四、劳动节")
    assert parse_notice(text) == parsed(2009)


def test_year_from_the_new_year_item_when_the_title_is_missing() -> None:
    lines = [line for line in notice_text(2023).splitlines() if "2023年元旦、" not in line]
    text = "\n".join(lines[1:])
    assert parse_notice(text) == parsed(2023)


FULL_WIDTH = str.maketrans("（）：，；", "():,;")
HALF_WIDTH = str.maketrans("():,;", "（）：，；")


@pytest.mark.parametrize("year", [2026, 2019, 2009])
def test_ascii_punctuation_gives_the_same_result(year: int) -> None:
    assert parse_notice(notice_text(year).translate(FULL_WIDTH)) == parsed(year)


def test_full_width_punctuation_gives_the_same_result() -> None:
    # The 2006 notice uses ASCII brackets.
    assert parse_notice(notice_text(2006).translate(HALF_WIDTH)) == parsed(2006)


def hard_wrap(line: str, width: int) -> str:
    """Break a line every ``width`` characters, as a PDF copy does, but never
    inside a number: Chinese typesetting keeps a run of digits together."""
    pieces, start = [], 0
    while len(line) - start > width:
        end = start + width
        while end < len(line) and line[end - 1].isdigit() and line[end].isdigit():
            end += 1
        pieces.append(line[start:end])
        start = end
    return "\n".join([*pieces, line[start:]])


@pytest.mark.parametrize("width", [5, 11, 23])
@pytest.mark.parametrize("year", YEARS)
def test_hard_line_breaks_give_the_same_result(year: int, width: int) -> None:
    """Breaks fall inside dates ("2月1\n日"), keywords ("上\n班") and item names."""
    wrapped = "\n".join(hard_wrap(line, width) for line in notice_text(year).splitlines())
    assert parse_notice(wrapped) == parsed(year)


def test_windows_line_endings() -> None:
    assert parse_notice(notice_text(2026).replace("\n", "\r\n")) == parsed(2026)


# -- errors ----------------------------------------------------------------------


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_checksum_mismatch_names_the_line() -> None:
    text = notice_text(2026).replace("共3天", "共4天", 1)
    with pytest.raises(DataFileError) as caught:
        parse_notice(text, "2026.txt")
    assert caught.value.line == line_of(text, "一、元旦")
    assert caught.value.path == "2026.txt"
    assert "共4天" in caught.value.message and "3天" in caught.value.message
    assert f"第{caught.value.line}行" in str(caught.value)


def test_missing_year() -> None:
    lines = [line for line in notice_text(2026).splitlines() if "2026" not in line]
    with pytest.raises(DataFileError, match="未找到年份"):
        parse_notice("\n".join(lines))


def test_no_items() -> None:
    with pytest.raises(DataFileError, match="未找到节假日安排"):
        parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n元旦放三天。")


def test_title_and_new_year_item_disagree() -> None:
    with pytest.raises(DataFileError, match="2024"):
        parse_notice(notice(2024, "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。"))


def test_unreadable_range_names_the_line() -> None:
    text = notice_text(2026).replace("4月4日（周六）至6日（周一）放假", "4月4日（周六）至放假")
    with pytest.raises(DataFileError, match="无法识别的日期范围") as caught:
        parse_notice(text)
    assert caught.value.line == line_of(text, "三、清明节")


def test_weekday_that_does_not_match_the_calendar() -> None:
    text = notice_text(2026).replace("1月4日（周日）上班", "1月4日（周一）上班")
    with pytest.raises(DataFileError, match="星期日") as caught:
        parse_notice(text)
    assert caught.value.line == line_of(text, "一、元旦")


def test_makeup_day_on_a_weekday() -> None:
    with pytest.raises(DataFileError, match="周六或周日"):
        parse_notice(notice(2026, "一、元旦：1月1日至3日放假调休，共3天。1月5日上班。"))


def test_invalid_date() -> None:
    with pytest.raises(DataFileError, match="无效日期"):
        parse_notice(notice(2026, "一、春节：2月28日至30日放假调休，共3天。"))


def test_item_without_days_off() -> None:
    with pytest.raises(DataFileError, match="没有找到放假日期"):
        parse_notice(notice(2026, "一、元旦：另行通知。"))


def test_day_both_off_and_working() -> None:
    with pytest.raises(DataFileError, match="既放假又上班"):
        parse_notice(notice(2026, "一、元旦：1月1日至4日放假，共4天。1月4日（周日）上班。"))


def test_day_off_in_two_items() -> None:
    with pytest.raises(DataFileError, match="同时出现"):
        parse_notice(notice(2026, "一、元旦：1月1日放假。", "二、春节：1月1日至2日放假。"))


def test_lost_item_number() -> None:
    text = notice_text(2026).replace("三、清明节：", "清明节：")
    with pytest.raises(DataFileError, match="编号") as caught:
        parse_notice(text)
    assert caught.value.line == line_of(text, "四、劳动节")


def test_lost_keyword_is_reported_not_dropped() -> None:
    text = notice_text(2026).replace("1月4日（周日）上班", "1月4日（周日）")
    with pytest.raises(DataFileError, match="是放假还是上班") as caught:
        parse_notice(text)
    assert caught.value.line == line_of(text, "一、元旦")


@pytest.mark.parametrize(
    ("before", "after"),
    [("5月9日（周六）上班", "5月9（周六）上班"), ("9月25日（周五）至27日", "9月25日（周五）至27")],
)
def test_damaged_date_is_reported_not_dropped(before: str, after: str) -> None:
    with pytest.raises(DataFileError, match="日期"):
        parse_notice(notice_text(2026).replace(before, after))


def test_date_before_advice_is_reported() -> None:
    text = notice_text(2024).replace("2月18日（星期日）上班。鼓励", "2月18日（星期日）鼓励")
    with pytest.raises(DataFileError, match="2月18日"):
        parse_notice(text)


def test_both_off_and_working_in_one_clause() -> None:
    with pytest.raises(DataFileError, match="既有放假又有上班"):
        parse_notice(notice(2026, "一、元旦：1月1日至3日放假1月4日（周日）上班。"))


def test_range_too_long() -> None:
    with pytest.raises(DataFileError, match="超过31天"):
        parse_notice(notice(2026, "一、春节：1月1日至3月1日放假。"))


def test_date_far_from_the_notice_year() -> None:
    with pytest.raises(DataFileError, match="2026年前后"):
        parse_notice(notice(2026, "一、春节：2030年2月1日至3日放假。"))


# -- robustness ------------------------------------------------------------------

NOTICE_ALPHABET = list(
    "0123456789年月日至—～-~、，。,.:：;（）()一二三四五六七八九十元旦春节放假上班补休调至共天周星期鼓励起 \n"
)


def parses_or_reports(text: str) -> None:
    try:
        result = parse_notice(text, "随机文本")
    except DataFileError as error:
        assert error.path == "随机文本"
        assert error.line is None or 1 <= error.line <= text.count("\n") + text.count("\r") + 1
    else:
        assert isinstance(result, ParsedNotice)


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_random_text_only_raises_data_file_error(text: str) -> None:
    parses_or_reports(text)


@settings(max_examples=examples(500), deadline=None)
@given(
    st.sampled_from(["", "国务院办公厅关于2026年部分节假日安排的通知\n", "一、元旦：", "2022年"]),
    st.text(alphabet=NOTICE_ALPHABET, max_size=200),
)
def test_notice_like_text_only_raises_data_file_error(prefix: str, text: str) -> None:
    parses_or_reports(prefix + text)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(YEARS),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 3), st.sampled_from(NOTICE_ALPHABET)),
        min_size=1,
        max_size=6,
    ),
)
def test_damaged_notice_only_raises_data_file_error(
    year: int, edits: list[tuple[float, int, str]]
) -> None:
    text = notice_text(year)
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    parses_or_reports(text)


def test_every_notice_file_is_named_by_its_year() -> None:
    for year in YEARS:
        assert re.search(rf"关于{year}年", notice_text(year))
