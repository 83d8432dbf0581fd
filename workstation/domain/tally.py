"""Tally arithmetic (统计) of tables 三 and 四 of the annual report (国办公开办函〔2021〕30号).

Pure Python: the services hand in plain records, this module counts them for a
period by the rules of spec/annual-report.md and checks the identity
新收 + 上期结转 = 办结总计 + 结转下期 in every column.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from workstation.domain.errors import UserError
from workstation.domain.results import (
    APPLICANT_KINDS,
    APPLICANT_KINDS_BY_KEY,
    RESULT_GROUPS,
    RESULTS,
    RESULTS_BY_KEY,
    TALLY_COLUMNS,
)


class TallyRecord(NamedTuple):
    """What a tally needs of one request (the case). A named tuple: a year's 11,000 are made in a fifth of the
    time a frozen dataclass's take."""

    id: int
    number: str
    applicant_kind: str
    received: date
    closed_on: date | None
    result_key: str | None
    status: str = ""
    due: date | None = None  # kept from the reply on (the due date it was judged against)
    delivered_on: date | None = None  # the day its delivery counts (签收、交邮、发送之日)


@dataclass(frozen=True)
class OnTimeRate:
    """按期办结率: of the replies of a period whose delivery is recorded, the share delivered by the due date.

    Not part of the tables of 国办公开办函〔2021〕30号, so it is shown apart from them. A reply counts in
    the period of its reply date (as in table 三); on time means its delivery counts on or before its due
    date (国办公开办函〔2016〕235号). Replies not yet delivered, and deliveries with no due date on record
    (imported ledgers, cases from before the due date was kept), are named but not counted.
    """

    on_time: int = 0
    late: int = 0
    awaiting: int = 0
    undated: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def text(self) -> str:
        out = (f"按期办结率 {self.percent}(已送达 {self.judged} 件,其中按期 {self.on_time} 件、"
               f"逾期 {self.late} 件)")
        rest = [f"已答复待送达 {self.awaiting} 件" if self.awaiting else "",
                f"无答复期限记录 {self.undated} 件" if self.undated else ""]
        rest = [x for x in rest if x]
        return out + (f";{'、'.join(rest)}未计入" if rest else "")

    def to_json(self) -> dict[str, Any]:
        return {"on_time": self.on_time, "late": self.late, "awaiting": self.awaiting, "undated": self.undated,
                "rate": None if self.rate is None else round(self.rate, 4)}


def on_time_rate(records: Iterable[TallyRecord], period: Period) -> OnTimeRate:
    """The on-time rate of the replies dated in ``period`` (withdrawals, with nothing to deliver, are left out)."""
    on_time = late = awaiting = undated = 0
    for r in records:
        if r.closed_on is None or r.result_key is None or not period.start <= r.closed_on <= period.end:
            continue
        if r.delivered_on is None:
            awaiting += r.status == "replied"
        elif r.due is None:
            undated += 1
        elif r.delivered_on <= r.due:
            on_time += 1
        else:
            late += 1
    return OnTimeRate(on_time, late, awaiting, undated)


@dataclass(frozen=True)
class AppealRecord:
    """One 行政复议 or 行政诉讼 on a request."""

    id: int
    request_id: int
    kind: str  # review | litigation_direct | litigation_after_review
    filed_on: date
    result: str | None  # upheld | corrected | other, None while pending
    result_on: date | None


_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(
                f"统计期间的结束日期({self.end.isoformat()})不能早于开始日期({self.start.isoformat()})"
            )

    @classmethod
    def year(cls, year: int) -> Period:
        _check_year(year)
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        _check_year(year)
        if not 1 <= quarter <= 4:
            raise UserError(f"季度应为 1 至 4,不是 {quarter}")
        first = 3 * quarter - 2
        return cls(date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if not 1 <= month <= 12:
            raise UserError(f"月份应为 1 至 12,不是 {month}")
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
            and self.start.year == self.end.year

    @property
    def label(self) -> str:
        """The period as a heading says it: 2025年, 2025年第一季度, 2025年3月, or from–to."""
        s, e = self.start, self.end
        if self.is_year:
            return f"{s.year}年"
        if s.year == e.year and s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
            if s.month == e.month:
                return f"{s.year}年{s.month}月"
            if s.month % 3 == 1 and e.month == s.month + 2:
                return f"{s.year}年{_QUARTERS[s.month // 3]}"
        return f"{_cn_date(s)}至{_cn_date(e)}"

    @property
    def span(self) -> str:
        """The exact dates, for a line under a title."""
        return f"{_cn_date(self.start)}至{_cn_date(self.end)}"

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _check_year(year: int) -> None:
    if not 1900 <= year <= 9999:
        raise UserError(f"年份 {year} 不合理,请写四位数的年份(如 2025)")


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- the rows and columns of table 三 ------------------------------------------------------
GROUP_ROWS: dict[str, tuple[str, ...]] = {
    g: tuple(r.key for r in RESULTS if r.group == g) for g in RESULT_GROUPS if g not in RESULTS_BY_KEY
}
ROW_KEYS: tuple[str, ...] = (
    "new", "carried_in",
    *[key for g in RESULT_GROUPS for key in (g, *GROUP_ROWS.get(g, ()))],
    "total", "carried_out",
)
RESULTS_HEADING = "三、本年度办理结果"
IDENTITY_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_FIXED_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}
# A tally for a month or quarter says 本期 where the annual table says 本年.
_PERIOD_WORDS = (("本年度", "本期"), ("本年", "本期"), ("上年", "上期"), ("下年度", "下期"), ("下年", "下期"))


def row_label(key: str, period: Period | None = None) -> str:
    """The printed label of a row of table 三; for a period other than a year, 本年 reads 本期."""
    if key in _FIXED_LABELS:
        label = _FIXED_LABELS[key]
    elif key in RESULT_GROUPS:
        label = RESULT_GROUPS[key]
    else:
        label = RESULTS_BY_KEY[key].table_label
    return _for_period(label, period)


def results_heading(period: Period | None = None) -> str:
    return _for_period(RESULTS_HEADING, period)


def _for_period(label: str, period: Period | None) -> str:
    if period is None or period.is_year:
        return label
    for year_word, period_word in _PERIOD_WORDS:
        label = label.replace(year_word, period_word)
    return label


def column_label(key: str) -> str:
    return "总计" if key == "total" else APPLICANT_KINDS_BY_KEY[key].label


KIND_COLUMNS: tuple[str, ...] = tuple(k.key for k in APPLICANT_KINDS)

# --- table 四 --------------------------------------------------------------------------------
APPEAL_KINDS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
APPEAL_COLUMNS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
_APPEAL_RESULTS = ("upheld", "corrected", "other")


# --- counting ----------------------------------------------------------------------------------
def _rows_of(r: TallyRecord, start: date, end: date) -> tuple[str, ...]:
    """The rows of table 三 one request counts in for the period (leaf rows only)."""
    rows: list[str] = []
    received, closed = r.received, r.closed_on
    if start <= received <= end:
        rows.append("new")
    elif received < start and (closed is None or closed >= start):
        rows.append("carried_in")
    if closed is not None and start <= closed <= end and r.result_key in RESULTS_BY_KEY:
        rows.append(r.result_key)  # type: ignore[arg-type]
    if received <= end and (closed is None or closed > end):
        rows.append("carried_out")
    return tuple(rows)


def _record_problem(r: TallyRecord, rows: tuple[str, ...], start: date, end: date) -> str | None:
    """Why a request cannot be counted correctly in the period, or None."""
    touches = bool(rows) or (r.closed_on is not None and start <= r.closed_on <= end)
    if not touches:
        return None
    if r.applicant_kind not in APPLICANT_KINDS_BY_KEY:
        return f"申请 {r.number} 的申请人类型“{r.applicant_kind}”无法识别,不能归入任何一列"
    if r.closed_on is not None and r.closed_on < r.received:
        return (f"申请 {r.number} 的办结日期 {r.closed_on.isoformat()} 早于收到日期 {r.received.isoformat()},"
                "请更正其中一个日期")
    if r.closed_on is not None and start <= r.closed_on <= end:
        if not r.result_key:
            return f"申请 {r.number} 已于 {r.closed_on.isoformat()} 办结但没有办理结果,不能计入任何办理结果行"
        if r.result_key not in RESULTS_BY_KEY:
            return f"申请 {r.number} 的办理结果“{r.result_key}”无法识别,不能计入任何办理结果行"
    return None


def _appeal_problem(a: AppealRecord, numbers: Mapping[int, str]) -> str | None:
    what = f"申请 {numbers.get(a.request_id, f'(ID {a.request_id})')} 的复议/诉讼记录(ID {a.id})"
    if a.kind not in APPEAL_KINDS:
        return f"{what}类型“{a.kind}”无法识别"
    if a.result is not None and a.result not in _APPEAL_RESULTS:
        return f"{what}结果“{a.result}”无法识别"
    if (a.result is None) != (a.result_on is None):
        return f"{what}结果和结果日期应同时填写"
    if a.result_on is not None and a.result_on < a.filed_on:
        return f"{what}结果日期早于申请或起诉日期"
    return None


@dataclass(frozen=True)
class TallyResult:
    """Tables 三 and 四 of one period, and what keeps them from balancing."""

    period: Period
    table3: Mapping[str, Mapping[str, int]]  # row key -> column key -> count
    table4: Mapping[str, Mapping[str, int]]  # appeal kind -> upheld/corrected/other/pending/total -> count
    problems: tuple[str, ...] = ()
    problem_ids: tuple[int, ...] = ()  # the requests named in problems
    problem_numbers: tuple[str, ...] = ()  # their registration numbers, in the order of problems
    on_time: OnTimeRate = OnTimeRate()  # shown apart: not one of the official tables

    @property
    def ok(self) -> bool:
        return not self.problems

    def cell(self, row: str, column: str = "total") -> int:
        return self.table3[row][column]

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period.to_json(),
            "table3": {row: dict(self.table3[row]) for row in ROW_KEYS},
            "table4": {kind: dict(self.table4[kind]) for kind in APPEAL_KINDS},
        }


def compute_tally(records: Iterable[TallyRecord], appeals: Iterable[AppealRecord], period: Period) -> TallyResult:
    """Tables 三 and 四 for ``period``; records outside it are ignored, so the whole register may be passed."""
    start, end = period.start, period.end
    records = list(records)
    counts: dict[str, dict[str, int]] = {row: dict.fromkeys(TALLY_COLUMNS, 0) for row in ROW_KEYS}
    problems: list[tuple[str, str, int]] = []
    numbers: dict[int, str] = {}
    for r in records:
        numbers[r.id] = r.number
        rows = _rows_of(r, start, end)
        problem = _record_problem(r, rows, start, end)
        if problem is not None:
            problems.append((r.number, problem, r.id))
        column = r.applicant_kind if r.applicant_kind in APPLICANT_KINDS_BY_KEY else None
        if column is None:
            continue
        for row in rows:
            counts[row][column] += 1
    for group, members in GROUP_ROWS.items():
        for column in KIND_COLUMNS:
            counts[group][column] = sum(counts[m][column] for m in members)
    for column in KIND_COLUMNS:
        counts["total"][column] = sum(counts[g][column] for g in RESULT_GROUPS)
    for row in ROW_KEYS:
        counts[row]["total"] = sum(counts[row][c] for c in KIND_COLUMNS)
    problems.sort()
    table4, appeal_problems = _table4(appeals, period, numbers)
    messages = [text for _, text, _ in problems] + _identity_breaks(counts, period)
    messages += [text for _, text in appeal_problems]
    named = [(r_id, number) for number, _, r_id in problems]
    named += [(r_id, numbers.get(r_id, f"(ID {r_id})")) for r_id, _ in appeal_problems]
    ids = tuple(dict.fromkeys(r_id for r_id, _ in named))
    return TallyResult(period, counts, table4, tuple(messages), ids,
                       tuple(dict.fromkeys(number for _, number in named)), on_time_rate(records, period))


def _identity_breaks(counts: Mapping[str, Mapping[str, int]], period: Period) -> list[str]:
    """The identity check itself: one sentence per column where 新收 + 结转 ≠ 办结 + 结转下期."""
    out = []
    for column in TALLY_COLUMNS:
        c = {row: counts[row][column] for row in ("new", "carried_in", "total", "carried_out")}
        if c["new"] + c["carried_in"] != c["total"] + c["carried_out"]:
            out.append(f"“{column_label(column)}”列不平衡:新收 {c['new']} + "
                       f"{_for_period('上年结转', period)} {c['carried_in']} = {c['new'] + c['carried_in']},"
                       f"而办结 {c['total']} + {_for_period('结转下年', period)} {c['carried_out']} = "
                       f"{c['total'] + c['carried_out']}")
    return out


def _table4(appeals: Iterable[AppealRecord], period: Period,
            numbers: Mapping[int, str]) -> tuple[dict[str, dict[str, int]], list[tuple[int, str]]]:
    """Default rule: a case counts in the period of its result; 尚未审结 if filed by the end, no result by then."""
    start, end = period.start, period.end
    table = {kind: dict.fromkeys(APPEAL_COLUMNS, 0) for kind in APPEAL_KINDS}
    problems: list[tuple[int, str]] = []
    for a in appeals:
        if a.filed_on > end:
            continue
        problem = _appeal_problem(a, numbers)
        if problem is not None:
            if a.result_on is None or a.result_on >= start:
                problems.append((a.request_id, problem))
            continue
        column = _appeal_column(a, period)
        if column is not None:
            table[a.kind][column] += 1
    for row in table.values():
        row["total"] = sum(row[c] for c in ("upheld", "corrected", "other", "pending"))
    return table, problems


def _appeal_column(a: AppealRecord, period: Period) -> str | None:
    """The column of table 四 a (valid) appeal counts in for the period, or None when it counts in none."""
    if a.filed_on > period.end:
        return None
    if a.result_on is not None and period.start <= a.result_on <= period.end:
        return a.result
    if a.result_on is None or a.result_on > period.end:
        return "pending"
    return None


def appeals_behind(appeals: Iterable[AppealRecord], period: Period, kind: str, column_key: str) -> list[int]:
    """The ids of the requests whose appeals are counted in one cell of table 四 (总计 sums its row)."""
    if kind not in APPEAL_KINDS:
        raise ValueError(f"unknown appeal kind {kind!r}")
    if column_key not in APPEAL_COLUMNS:
        raise ValueError(f"unknown appeal column {column_key!r}")
    out: list[int] = []
    for a in appeals:
        if a.kind != kind or _appeal_problem(a, {}) is not None:
            continue
        column = _appeal_column(a, period)
        if column is not None and column_key in (column, "total") and a.request_id not in out:
            out.append(a.request_id)
    return out


def requests_behind(records: Iterable[TallyRecord], period: Period, row_key: str, column_key: str) -> list[int]:
    """The ids of the requests counted in one cell of table 三 (a group or total row sums its rows)."""
    if row_key not in ROW_KEYS:
        raise ValueError(f"unknown row key {row_key!r}")
    if column_key not in TALLY_COLUMNS:
        raise ValueError(f"unknown column key {column_key!r}")
    if row_key == "total":
        wanted = {r.key for r in RESULTS}
    elif row_key in GROUP_ROWS:
        wanted = set(GROUP_ROWS[row_key])
    else:
        wanted = {row_key}
    out = []
    for r in records:
        if r.applicant_kind not in APPLICANT_KINDS_BY_KEY or (column_key != "total" and r.applicant_kind != column_key):
            continue
        if wanted.intersection(_rows_of(r, period.start, period.end)):
            out.append(r.id)
    return out
