"""The working-day calendar (工作日历).

Whether a date is a working day is decided by four sources, in this order:

1. office overrides (manual): local closures, ethnic autonomous areas' holidays;
2. imported State Council notices (国务院办公厅关于20XX年部分节假日安排的通知);
3. chinese-calendar's official data (up to the last year it knows);
4. a provisional year (预估): weekends plus the statutory days of
   《全国年节及纪念日放假办法》(2024), computed with a lunar calendar.

chinese-calendar raises NotImplementedError past its last year; this module
never calls it for such a year, so the error cannot reach a user.

Queries run on an index of working-day ordinals built once per year range, so
"the nth working day after d" and "working days between a and b" are bisections.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from chinese_calendar import constants as _cc

WEEKEND = "周末"
MAKEUP = "调休上班"


class Source(StrEnum):
    MANUAL = "manual"
    IMPORTED = "imported"
    OFFICIAL = "official"
    PROVISIONAL = "provisional"

    @property
    def label(self) -> str:
        return {"manual": "本机关设定", "imported": "导入的通知", "official": "官方数据",
                "provisional": "预估"}[self.value]


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    source: Source
    reason: str  # "" for an ordinary working day, else 周末 / 国庆节 / 调休上班 / an office's reason

    @property
    def provisional(self) -> bool:
        return self.source is Source.PROVISIONAL


@dataclass(frozen=True)
class Override:
    """An office's own decision for one date (manual 本机关设定)."""

    day: date
    working: bool
    reason: str


@dataclass(frozen=True)
class ImportedYear:
    """An imported holiday notice: the year it is for, its days off and makeup days.

    Dates may lie outside ``year`` (a notice can move late December of the
    year before); they are applied at their own dates.
    """

    year: int
    off: Mapping[date, str]
    work: Mapping[date, str]


_CC_NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "national_day": "国庆节",
    "mid_autumn_festival": "中秋节",
    "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


_CC_BY_VALUE = {h.value: _CC_NAMES.get(h.name, h.value) for h in _cc.Holiday}


def _cc_name(holiday: object) -> str:
    """Chinese name of a chinese-calendar holiday (its data holds the English value)."""
    value = getattr(holiday, "value", holiday)
    return _CC_BY_VALUE.get(str(value), str(value))


OFFICIAL_YEARS: range = range(min(_cc.holidays).year, max(_cc.holidays).year + 1)


@cache
def statutory_days(year: int) -> dict[date, str]:
    """The statutory days off of 《全国年节及纪念日放假办法》(2024 revision) in a year.

    元旦 1 day, 春节 4 (除夕 to 初三), 清明 1 (the solar term), 劳动节 2 (May 1–2),
    端午 1, 中秋 1, 国庆 3 (Oct 1–3). Used for a provisional year.
    """
    from lunar_python import Lunar, Solar  # imported lazily: only provisional years need it

    def solar(y: int, m: int, d: int) -> date:
        s = Lunar.fromYmd(y, m, d).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    new_year = solar(year, 1, 1)
    for offset in range(-1, 3):
        days[new_year + timedelta(days=offset)] = "春节"
    qingming = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = "劳动节"
    days[date(year, 5, 2)] = "劳动节"
    days[solar(year, 5, 5)] = "端午节"
    mid_autumn = solar(year, 8, 15)
    for d in (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)):
        days[d] = "国庆节"
    days[mid_autumn] = "中秋节、国庆节" if mid_autumn in days else "中秋节"
    return {d: n for d, n in days.items() if d.year == year}


class WorkCalendar:
    """Answers working-day questions from the four sources (see module doc)."""

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        imported: Iterable[ImportedYear] = (),
    ) -> None:
        self._overrides: dict[date, Override] = {o.day: o for o in overrides}
        self._imported_days: dict[date, tuple[bool, str]] = {}
        self._imported_years: set[int] = set()
        for notice in sorted(imported, key=lambda n: n.year):
            self._imported_years.add(notice.year)
            for d, name in notice.off.items():
                self._imported_days[d] = (False, name)
            for d in notice.work:
                self._imported_days[d] = (True, MAKEUP)
        self._lo = 0  # first year in the index
        self._hi = -1  # last year in the index
        self._ordinals: list[int] = []
        self._provisional_spans: dict[tuple[int, int], bool] = {}

    # -- single days -------------------------------------------------------
    def year_source(self, year: int) -> Source:
        """Where the schedule of a year comes from (manual overrides aside)."""
        if year in self._imported_years:
            return Source.IMPORTED
        if year in OFFICIAL_YEARS:
            return Source.OFFICIAL
        return Source.PROVISIONAL

    def is_provisional_year(self, year: int) -> bool:
        return self.year_source(year) is Source.PROVISIONAL

    def info(self, day: date) -> DayInfo:
        override = self._overrides.get(day)
        if override is not None:
            return DayInfo(day, override.working, Source.MANUAL, override.reason)
        imported = self._imported_days.get(day)
        if imported is not None:
            return DayInfo(day, imported[0], Source.IMPORTED, imported[1])
        source = self.year_source(day.year)
        weekend = day.weekday() >= 5
        if source is Source.IMPORTED:
            return DayInfo(day, not weekend, source, WEEKEND if weekend else "")
        if source is Source.OFFICIAL:
            holiday = _cc.holidays.get(day)
            if holiday is not None:
                return DayInfo(day, False, source, _cc_name(holiday))
            if day in _cc.workdays:
                return DayInfo(day, True, source, MAKEUP)
            return DayInfo(day, not weekend, source, WEEKEND if weekend else "")
        name = statutory_days(day.year).get(day)
        if name is not None:
            return DayInfo(day, False, source, name)
        return DayInfo(day, not weekend, source, WEEKEND if weekend else "")

    def is_workday(self, day: date) -> bool:
        return self.info(day).working

    # -- the index ------------------------------------------------------------
    def _year_ordinals(self, year: int) -> list[int]:
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        return [o for o in range(first, last + 1) if self.info(date.fromordinal(o)).working]

    def _cover(self, lo: int, hi: int) -> None:
        """Extend the index so that it covers the years lo..hi."""
        if self._hi < self._lo:
            self._lo, self._hi = lo, lo - 1
        if lo < self._lo:
            before: list[int] = []
            for y in range(lo, self._lo):
                before.extend(self._year_ordinals(y))
            self._ordinals[:0] = before
            self._lo = lo
        for y in range(self._hi + 1, hi + 1):
            self._ordinals.extend(self._year_ordinals(y))
        self._hi = max(self._hi, hi)

    def _ensure(self, day: date) -> None:
        if not (self._lo <= day.year <= self._hi):
            self._cover(min(day.year, self._lo) if self._hi >= self._lo else day.year,
                        max(day.year, self._hi))

    def index_after(self, day: date) -> int:
        """Position in the index of the first working day after ``day``."""
        if not self._lo <= day.year <= self._hi:
            self._ensure(day)
        return bisect_right(self._ordinals, day.toordinal())

    def workday_at(self, index: int) -> date:
        """The working day at a position of the index, growing it into later years as needed."""
        while index >= len(self._ordinals):
            self._cover(self._lo, self._hi + 1)
        return date.fromordinal(self._ordinals[index])

    def add_workdays(self, day: date, n: int) -> date:
        """The nth working day after ``day`` (n >= 1); ``day`` itself is never counted."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return self.workday_at(self.index_after(day) + n - 1)

    def workdays_before(self, day: date, n: int) -> date:
        """The working day n working days before ``day`` (n >= 1): a unit's internal deadline before the legal one."""
        if n < 1:
            raise ValueError("n must be at least 1")
        self._ensure(day)
        position = bisect_left(self._ordinals, day.toordinal())
        while position - n < 0:  # grow the index into the year before
            self._cover(self._lo - 1, self._hi)
            position = bisect_left(self._ordinals, day.toordinal())
        return date.fromordinal(self._ordinals[position - n])

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        if end <= start:
            return 0
        self._ensure(start)
        self._ensure(end)
        return bisect_right(self._ordinals, end.toordinal()) - bisect_right(
            self._ordinals, start.toordinal()
        )

    def touches_provisional(self, start: date, end: date) -> bool:
        """Whether any day d with start < d <= end was decided by provisional data."""
        if end <= start:
            return False
        first = start.year + 1 if (start.month, start.day) == (12, 31) else start.year
        key = (first, end.year)
        answer = self._provisional_spans.get(key)
        if answer is None:
            answer = any(self.is_provisional_year(y) for y in range(first, end.year + 1))
            self._provisional_spans[key] = answer
        return answer

    def days(self, start: date, end: date) -> list[DayInfo]:
        """DayInfo for every day d with start < d <= end."""
        out = []
        d = start + timedelta(days=1)
        while d <= end:
            out.append(self.info(d))
            d += timedelta(days=1)
        return out
