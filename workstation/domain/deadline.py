"""The deadline engine (答复期限): every figure a screen or notice shows about a
request's clock comes from here.

Conventions (spec/domain.md section 2, printed on the notices):

- the day the clock starts is not counted; day 1 is the first working day after
  it (开始的当日不计入). The clock starts on the received date (收到申请之日), or
  on the day a corrected request arrives (补正后重新起算, a restart);
- a pause (暂停: third-party consultation, other bodies, fee) from day S to day E
  excludes the working days d with S < d <= E; an open pause runs to ``as_of``;
- the extension (延期) adds working days after the original due date;
- the correction notice (补正告知) must go out by the 7th working day after receipt;
- an Art. 35 case may get a due date set by hand (manual), with a reason;
- whether the reply was on time is judged on the day its delivery counts
  (国办公开办函〔2016〕235号 item 4): the day the applicant signs for it when handed
  over or delivered by another body (委托送达), the day it is handed to the post
  (交邮之日) when posted, the day it is sent by e-mail; on the due date is on time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from workstation.domain.calendar import WorkCalendar

PAUSE_KINDS: dict[str, str] = {
    "third_party": "第三方意见征询",
    "other_body": "征求其他机关意见",
    "fee": "等待缴纳信息处理费",
}
# The date a pause waits for, by its kind: not the reply's due date, which stands still meanwhile.
PAUSE_WAITS_FOR: dict[str, str] = {"third_party": "第三方答复期限", "other_body": "其他机关答复期限", "fee": "缴费期限"}


# delivery — 送达: the ways a reply reaches the applicant, and the day of each that counts.
DELIVERY_METHODS: dict[str, str] = {
    "in_person": "直接送达(当面签收)",
    "entrusted": "委托送达",
    "post": "邮寄送达",
    "email": "电子邮件",
}
COUNTING_BASIS: dict[str, str] = {
    "in_person": "签收之日",
    "entrusted": "签收之日",
    "post": "交邮之日",
    "email": "发送之日",
}
# 235号 item 2: post goes through 邮政企业 (《邮政法》Art. 55: couriers may not carry state organs' official
# documents); another courier is recorded, with a warning. The letter names no company or product: the choice
# is the kind of enterprise, the product only helps find the item (keys kept for the registers written).
POSTAL_CARRIERS: dict[str, str] = {
    "ems": "邮政企业(特快专递)",
    "china_post": "邮政企业(挂号信)",
    "other": "其他快递企业",
}
NON_POSTAL = "other"
NON_POSTAL_RULE = ("国办公开办函〔2016〕235号:邮寄送达应当通过邮政企业,"
                   "不得通过不具有国家公文寄递资格的其他快递企业(《邮政法》第五十五条)。")


@dataclass(frozen=True)
class Pause:
    start: date
    end: date | None  # None while the pause is still running
    kind: str = "third_party"

    @property
    def label(self) -> str:
        return PAUSE_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Delivered:
    """How the reply reached the applicant and the day that counts against the due date."""

    method: str
    on: date

    @property
    def basis(self) -> str:
        return COUNTING_BASIS.get(self.method, "送达之日")


@dataclass(frozen=True)
class Timeliness:
    """On time or late (按期/逾期), judged on the counting date of the delivery."""

    due: date
    counted_on: date
    basis: str  # 签收之日, 交邮之日, 发送之日
    late_days: int  # working days d with due < d <= counted_on

    @property
    def on_time(self) -> bool:
        return self.counted_on <= self.due

    @property
    def verdict(self) -> str:
        if self.on_time:
            return "按期"
        return f"逾期 {self.late_days} 个工作日" if self.late_days else "逾期(答复期限后的休息日送出)"

    def text(self) -> str:
        return f"{self.verdict}:以{self.basis}{cn_date(self.counted_on)}计,答复期限为{cn_date(self.due)}"

    def to_json(self) -> dict[str, object]:
        return {"due": self.due.isoformat(), "counted_on": self.counted_on.isoformat(), "basis": self.basis,
                "on_time": self.on_time, "late_days": self.late_days}


@dataclass(frozen=True)
class Clock:
    """What the engine needs to know about one request."""

    received: date
    restarts: tuple[date, ...] = ()
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0
    manual_due: date | None = None
    reply_days: int = 20
    correction_notice_days: int = 7
    delivered: Delivered | None = None  # the reply's delivery, once recorded


@dataclass(frozen=True)
class Span:
    """A run of days in the explanation: counted (with their numbers) or skipped (with a reason)."""

    first: date
    last: date
    counted: bool
    reason: str
    first_number: int = 0
    last_number: int = 0
    provisional: bool = False

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "counted": self.counted,
            "reason": self.reason,
            "provisional": self.provisional,
        }
        if self.counted:
            out["numbers"] = [self.first_number, self.last_number]
        return out

    def text(self) -> str:
        when = cn_date(self.first) if self.first == self.last else (
            f"{cn_date(self.first)}至{cn_date(self.last)}")
        mark = "(预估)" if self.provisional else ""
        if self.counted:
            nums = (f"第{self.first_number}个工作日" if self.first_number == self.last_number
                    else f"第{self.first_number}至{self.last_number}个工作日")
            extra = f"({self.reason})" if self.reason else ""
            return f"{when}:{nums}{extra}{mark}"
        return f"{when}:不计({self.reason}){mark}"


@dataclass(slots=True)  # not frozen: built ~150,000 times a second in bulk recomputation
class Deadline:
    received: date
    start: date  # the day the clock (re)started
    original_due: date  # after reply_days, before any extension
    due: date
    correction_notice_by: date
    total_days: int
    used: int  # counted working days up to as_of
    left: int  # total_days - used; negative when overdue
    as_of: date
    provisional: bool
    paused: bool  # a pause is running on as_of
    manual: bool
    explanation: tuple[Span, ...] = field(default=(), compare=False)
    timeliness: Timeliness | None = None  # set once the delivery is recorded

    @property
    def overdue(self) -> bool:
        return self.as_of > self.due

    def to_json(self) -> dict[str, object]:
        return {
            "received": self.received.isoformat(),
            "start": self.start.isoformat(),
            "original_due": self.original_due.isoformat(),
            "due": self.due.isoformat(),
            "correction_notice_by": self.correction_notice_by.isoformat(),
            "total_days": self.total_days,
            "as_of": self.as_of.isoformat(),
            "used": self.used,
            "left": self.left,
            "overdue": self.overdue,
            "paused": self.paused,
            "manual": self.manual,
            "provisional": self.provisional,
            "explanation": [s.to_json() for s in self.explanation],
            "timeliness": self.timeliness.to_json() if self.timeliness else None,
        }

    def summary(self) -> str:
        """A readable Chinese summary, as printed under the deadline panel."""
        mark = "(预估,节假日安排尚未公布)" if self.provisional else ""
        lines = [f"收到申请:{cn_date(self.received)}"]
        if self.start != self.received:
            lines.append(f"补正后重新起算:{cn_date(self.start)}")
        lines.append(f"补正告知期限:{cn_date(self.correction_notice_by)}")
        if self.due != self.original_due and not self.manual:
            lines.append(f"原答复期限:{cn_date(self.original_due)}")
        lines.append(f"答复期限:{cn_date(self.due)}{mark}" + ("(依第三十五条另行确定)" if self.manual else ""))
        state = "暂停中" if self.paused else ("已逾期" if self.overdue else "")
        lines.append(f"截至{cn_date(self.as_of)}:已用{self.used}个工作日,剩余{self.left}个工作日"
                     + (f"({state})" if state else ""))
        if self.timeliness is not None:
            lines.append(f"是否按期:{self.timeliness.text()}")
        lines.append("说明(收到当日不计入,自次日起算):")
        lines.extend("  " + s.text() for s in self.explanation)
        return "\n".join(lines)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def iso(d: date | None) -> str:
    """A date as a list or a spreadsheet shows it (2026-03-02), blank when there is none."""
    return d.isoformat() if d else ""


def _merged_pauses(pauses: Sequence[Pause], start: date, as_of: date) -> list[tuple[date, date, str]]:
    """Pauses as closed ranges (S, E] after the clock start, sorted and merged."""
    ranges = []
    for p in pauses:
        end = p.end if p.end is not None else max(as_of, p.start)
        lo = max(p.start, start)
        if end > lo:
            ranges.append((lo, end, p.label))
    ranges.sort()
    merged: list[tuple[date, date, str]] = []
    for lo, hi, label in ranges:
        if merged and lo <= merged[-1][1]:
            plo, phi, plabel = merged[-1]
            merged[-1] = (plo, max(phi, hi), plabel if label == plabel else f"{plabel}、{label}")
        else:
            merged.append((lo, hi, label))
    return merged


class DeadlineEngine:
    """Computes deadlines on one working-day calendar (build it once, reuse it)."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def nth_counted_day(self, start: date, n: int, pauses: Sequence[tuple[date, date, str]]) -> date:
        """The nth working day after ``start`` that lies in no pause."""
        cal = self.calendar
        pos = cal.index_after(start)
        remaining = n
        for lo, hi, _ in pauses:
            p_lo = cal.index_after(lo)
            p_hi = cal.index_after(hi)
            if p_lo > pos:
                available = p_lo - pos
                if remaining <= available:
                    return cal.workday_at(pos + remaining - 1)
                remaining -= available
            pos = max(pos, p_hi)
        return cal.workday_at(pos + remaining - 1)

    def counted_between(self, start: date, end: date, pauses: Sequence[tuple[date, date, str]]) -> int:
        """Counted working days d with start < d <= end."""
        cal = self.calendar
        total = cal.workdays_between(start, end)
        for lo, hi, _ in pauses:
            a, b = max(lo, start), min(hi, end)
            if b > a:
                total -= cal.workdays_between(a, b)
        return total

    def compute(self, clock: Clock, as_of: date, *, explain: bool = True) -> Deadline:
        cal = self.calendar
        start = max(clock.received, *clock.restarts) if clock.restarts else clock.received
        pauses = _merged_pauses(clock.pauses, start, as_of) if clock.pauses else []
        ext = clock.extension_days
        if pauses:
            original_due = self.nth_counted_day(start, clock.reply_days, pauses)
            due = original_due if ext <= 0 else self.nth_counted_day(start, clock.reply_days + ext, pauses)
        else:  # the common case: two lookups in the index
            pos = cal.index_after(start)
            original_due = cal.workday_at(pos + clock.reply_days - 1)
            due = original_due if ext <= 0 else cal.workday_at(pos + clock.reply_days + ext - 1)
        manual = clock.manual_due is not None
        if clock.manual_due is not None:
            due = clock.manual_due
        correction_by = cal.add_workdays(clock.received, clock.correction_notice_days)
        total = clock.reply_days + max(ext, 0)
        used = self.counted_between(start, as_of, pauses) if pauses else cal.workdays_between(start, as_of)
        if manual:
            total = self.counted_between(start, due, pauses)
        horizon = max(due, correction_by)
        provisional = cal.touches_provisional(clock.received, horizon)
        paused = bool(clock.pauses) and any(p.start <= as_of and (p.end is None or p.end > as_of)
                                            for p in clock.pauses)
        explanation = self._explain(start, due, pauses) if explain else ()
        timeliness = self.judge(due, clock.delivered) if clock.delivered is not None else None
        return Deadline(
            received=clock.received,
            start=start,
            original_due=original_due,
            due=due,
            correction_notice_by=correction_by,
            total_days=total,
            used=used,
            left=total - used,
            as_of=as_of,
            provisional=provisional,
            paused=paused,
            manual=manual,
            explanation=explanation,
            timeliness=timeliness,
        )

    def judge(self, due: date, delivered: Delivered) -> Timeliness:
        """On time or late: the counting date of the delivery against the due date (on the due date is on time)."""
        late = self.calendar.workdays_between(due, delivered.on) if delivered.on > due else 0
        return Timeliness(due, delivered.on, delivered.basis, late)

    def _explain(self, start: date, end: date, pauses: Sequence[tuple[date, date, str]]) -> tuple[Span, ...]:
        spans: list[Span] = []
        number = 0
        pause_at = iter(pauses)
        current = next(pause_at, None)
        for info in self.calendar.days(start, end):
            d = info.day
            while current is not None and d > current[1]:
                current = next(pause_at, None)
            if current is not None and current[0] < d <= current[1]:
                counted, reason = False, f"暂停:{current[2]}"
            elif not info.working:
                counted, reason = False, info.reason
            else:
                number += 1
                counted, reason = True, info.reason
            last = spans[-1] if spans else None
            if (last is not None and last.counted == counted and last.reason == reason
                    and last.provisional == info.provisional and last.last + timedelta(days=1) == d):
                spans[-1] = Span(last.first, d, counted, reason, last.first_number,
                                 number if counted else 0, info.provisional)
            else:
                spans.append(Span(d, d, counted, reason, number if counted else 0,
                                  number if counted else 0, info.provisional))
        return tuple(spans)


# letters — 函: how a letter that starts a period went out. Periods run from its receipt (Art. 30, 32, 34).
LETTER_WAYS: dict[str, str] = {"in_person": "当面送交", "post": "邮寄", "email": "电子邮件"}
LETTER_KINDS: dict[str, str] = {
    "correction": "补正申请告知书",
    "third_party": "第三方意见征询函",
    "other_body": "征求意见函(其他机关)",
    "fee": "收费通知",
}


@dataclass(frozen=True)
class LetterPeriod:
    """A period that runs from the day its letter is received: final once that day is known, else 预计.

    The estimate assumes a posted letter arrives ``postal_days`` calendar days after it was sent (an office
    setting) and a letter handed over or e-mailed arrives the day it was sent; a letter handed over is
    received that day, so its period is final at once.
    """

    kind: str
    sent: date
    way: str
    days: int
    received: date | None
    end: date

    @property
    def estimated(self) -> bool:
        return self.received is None

    @property
    def label(self) -> str:
        return LETTER_KINDS.get(self.kind, self.kind)

    @property
    def period_name(self) -> str:
        """What the period is called where a list shows its end (the dashboard, the register)."""
        return {"correction": "补正期限", "fee": "缴费期限"}.get(self.kind, "答复意见期限")

    @property
    def words(self) -> str:
        return f"自收到之日起{self.days}个工作日内"

    def text(self) -> str:
        if self.estimated:
            return (f"{cn_date(self.end)}(预计:{LETTER_WAYS.get(self.way, self.way)}于{cn_date(self.sent)}发出,"
                    f"尚未登记收到日期;{self.words})")
        return f"{cn_date(self.end)}(于{cn_date(self.received)}收到,{self.words})"  # type: ignore[arg-type]


def letter_period(calendar: WorkCalendar, kind: str, sent: date, way: str, days: int, received: date | None,
                  postal_days: int) -> LetterPeriod:
    """The end of a period of ``days`` working days from the receipt of a letter (the receipt day not counted)."""
    if received is None and way == "in_person":
        received = sent
    assumed = received if received is not None else sent + timedelta(days=postal_days if way == "post" else 0)
    return LetterPeriod(kind, sent, way, days, received, calendar.add_workdays(assumed, days))
