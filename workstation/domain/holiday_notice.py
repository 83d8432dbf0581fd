"""The State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

An office imports the notice for a year that chinese-calendar does not know yet
(domain.md section 2), pasted from gov.cn or read from a file. The wording has
changed over the years, so the text is cut into tokens by one table of regular
expressions and read clause by clause rather than matched against whole-sentence
templates:

* the numbered items ("一、元旦：…") are the schedule; the title and the
  introduction before them only give the year, and the closing paragraph after
  them is read like any other clause, which finds nothing in it;
* an item is cut into clauses at ，；。 and classified by its keyword: 放假 and
  补休 give days off, 上班 makeup working days (调休上班), and the wording used
  up to 2009, "X（星期六）公休日调至Y", makes X a working day unless X is inside
  the holiday; 鼓励 (advice to employers) mutes the rest of its sentence;
* the dates of a clause are single days or ranges separated by 、; a date
  without a month takes the month of the date before it, a date without a year
  takes the year of the date before it in the clause (rolling over at New
  Year), else the notice's year, except December dates in the 元旦 item, which
  belong to the year before;
* what the notice says about itself is checked: "共N天" against the days
  counted, a weekday in brackets against the calendar, and every makeup day
  must fall on a weekend. Checks turn a misread into an error naming the line,
  never into a wrong calendar.

Line breaks are whitespace (PDF copies break lines anywhere, even inside a
date or a keyword); only a blank line ends a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from workstation.domain.errors import DataFileError

__all__ = ["ParsedNotice", "parse_notice"]

# Full-width and ASCII punctuation are both common in pasted text; mapping one
# character to one character keeps positions, so line numbers stay right.
_NORMALIZE = str.maketrans(
    {
        "（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "！": "!", "？": "?",
        "～": "~", "〜": "~", "－": "-", "—": "-", "–": "-", "―": "-", "─": "-",
        "．": ".", "　": " ", "\t": " ", "\u00a0": " ", "\ufeff": " ",
    }
    | {chr(0xFF10 + i): str(i) for i in range(10)}
)


def _spaced(word: str) -> str:
    """A keyword may be split by a line break when text is copied from a PDF."""
    return r"\s*".join(re.escape(char) for char in word)


# One table, tried in order at each position; the first kind that matches wins.
_TOKEN_SPEC: tuple[tuple[str, str], ...] = (
    ("BRACKET", r"\([^()]{0,100}\)"),
    ("DATE", r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日"),
    (
        "COUNT",
        rf"(?:{_spaced('共')}|{_spaced('放假')})"
        r"\s*(?P<count>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*天",
    ),
    ("OFF", _spaced("放假")),
    ("LIEU", _spaced("补休")),
    ("WORK", _spaced("上班")),
    ("MOVE", _spaced("调至")),
    ("ADVICE", "|".join(_spaced(word) for word in ("鼓励", "倡导", "建议"))),
    ("RANGE", r"至|[-~](?:\s*[-~])*"),
    ("LIST", r"、"),
    ("SENTENCE_END", r"[。!?]|\n[^\S\n]*\n"),
    ("CLAUSE_END", r"[,;]"),
    ("SPACE", r"[^\S\n]+|\n"),
    ("TEXT", r"."),
)
_TOKEN_RE = re.compile(
    "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TOKEN_SPEC), re.DOTALL
)

# "一、元旦：", "六、中秋节、国庆节：", "四、“五一”国际劳动节："; some copies drop the
# colon, and a PDF copy may break the line inside the name.
_HEADER_RE = re.compile(
    r"^[ ]*(?P<number>[一二三四五六七八九十]{1,3})\s*[、.]"
    r"\s*(?P<name>[^\d:,;。!?()]{1,20}?)\s*(?::|(?=\d))",
    re.MULTILINE,
)
# The title ("关于2026年部分节假日安排的通知") or the introduction ("现将2026年元旦、…").
_TITLE_YEAR_RE = re.compile(r"(\d{4})\s*年\s*(?:部\s*分\s*节\s*假\s*日|元\s*旦)")
_WEEKDAY_RE = re.compile(r"(?:星\s*期|周|礼\s*拜)\s*([一二三四五六日天])")
# Clauses that name dates without deciding them: the explanations of the old
# wording ("其中，1月1日为法定节假日", "4月5日（星期日）照常公休").
_EXPLANATION_RE = re.compile(r"法\s*定|公\s*休|其\s*中")
# "2月3日（星期一）起正常上班" ends a holiday; it is not a makeup day.
_RESUME_RE = re.compile(r"起\s*(?:正\s*常|照\s*常)?\s*上\s*班")
_CHINESE_NUMBER_RE = re.compile(
    r"(?:(?P<tens>[二两三四五六七八九]?)十)?(?P<ones>[一二两三四五六七八九]?)"
)
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WEEKDAY_NAMES = "一二三四五六日"
_QUOTES = "“”‘’\"'「」"
_MAX_RANGE_DAYS = 31  # longer than any holiday ever granted: such a range is a misreading
_YEARS = range(1950, 3000)


@dataclass(frozen=True)
class ParsedNotice:
    """The schedule one notice sets.

    ``off`` holds every day off inside each holiday (weekends inside a range
    included) and ``work`` the makeup working days, each with the name of the
    festival as the notice writes it ("春节", "中秋节、国庆节"). Days the notice
    sets in the year before (late December) keep their real dates.
    """

    year: int
    off: dict[date, str]
    work: dict[date, str]

    def to_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "off": [day.isoformat() for day in sorted(self.off)],
            "work": [day.isoformat() for day in sorted(self.work)],
        }


def parse_notice(text: str, source: str = "粘贴的文本") -> ParsedNotice:
    """Read a holiday notice; raise DataFileError naming ``source`` and the line on bad text."""
    return _NoticeParser(text, source).parse()


@dataclass
class _Section:
    name: str
    header_pos: int
    body_start: int
    body_end: int
    is_new_year: bool = field(init=False)

    def __post_init__(self) -> None:
        self.is_new_year = "元旦" in self.name


@dataclass
class _Clause:
    tokens: list[re.Match[str]]
    ends_sentence: bool


class _NoticeParser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.norm = self.text.translate(_NORMALIZE)
        self.source = source
        self.line_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]
        self.year = 0
        self.off: dict[date, str] = {}
        self.work: dict[date, str] = {}
        self.raw_of: dict[date, re.Match[str]] = {}
        # Old wording "X公休日调至Y": X is settled once all days off are known.
        self.moved: list[tuple[date, str, re.Match[str]]] = []

    # -- errors -------------------------------------------------------------

    def _line(self, pos: int) -> int:
        return bisect_right(self.line_starts, pos)

    def _raw(self, start: int, end: int) -> str:
        raw = " ".join(self.text[start:end].split())
        return raw if len(raw) <= 40 else raw[:39] + "…"

    def _error(self, message: str, pos: int | None = None) -> DataFileError:
        return DataFileError(self.source, message, line=None if pos is None else self._line(pos))

    # -- structure ----------------------------------------------------------

    def parse(self) -> ParsedNotice:
        sections = self._sections()
        self.year = self._find_year(sections)
        for section in sections:
            self._read_section(section)
        self._settle_moved_days()
        self._check_makeup_days()
        return ParsedNotice(
            year=self.year,
            off=dict(sorted(self.off.items())),
            work=dict(sorted(self.work.items())),
        )

    def _sections(self) -> list[_Section]:
        headers = list(_HEADER_RE.finditer(self.norm))
        if not headers:
            raise self._error("未找到节假日安排：通知正文应有“一、元旦：……”这样的条目")
        sections = []
        for expected, (header, following) in enumerate(
            zip(headers, headers[1:] + [None], strict=True), start=1
        ):
            # A damaged or missing number would silently merge one festival into
            # the one before it (or drop it into the introduction).
            if _number(header.group("number")) != expected:
                raise self._error(
                    f"条目编号“{header.group('number')}、”不连续，应为第{expected}项，"
                    "请检查是否漏掉或改动了条目",
                    header.start("number"),
                )
            name = "".join(c for c in header.group("name") if c not in _QUOTES and not c.isspace())
            end = following.start() if following else len(self.norm)
            sections.append(_Section(name, header.start("name"), header.end(), end))
        return sections

    def _find_year(self, sections: list[_Section]) -> int:
        preamble = self.norm[: sections[0].header_pos]
        titled = {int(m.group(1)) for m in _TITLE_YEAR_RE.finditer(preamble)}
        if len(titled) > 1:
            years = "、".join(str(y) for y in sorted(titled))
            raise self._error(f"通知开头出现了不同的年份（{years}），请只粘贴一份通知")
        stated = [
            (int(m.group("year")), m.start())
            for section in sections
            if section.is_new_year
            for m in _TOKEN_RE.finditer(self.norm, section.body_start, section.body_end)
            if m.lastgroup == "DATE" and m.group("year")
        ]
        new_year = max(stated)[0] if stated else None
        if titled:
            year = titled.pop()
            if new_year is not None and new_year != year:
                pos = max(stated)[1]
                raise self._error(f"标题中的年份{year}与元旦日期中的年份{new_year}不符", pos)
        elif new_year is not None:
            year = new_year
        else:
            raise self._error(
                "未找到年份：请连同标题“国务院办公厅关于20XX年部分节假日安排的通知”一起粘贴"
            )
        if year not in _YEARS:
            raise self._error(f"年份{year}不是有效的通知年份")
        return year

    def _clauses(self, section: _Section) -> list[_Clause]:
        clauses: list[_Clause] = []
        tokens: list[re.Match[str]] = []
        for m in _TOKEN_RE.finditer(self.norm, section.body_start, section.body_end):
            kind = m.lastgroup
            if kind in ("SENTENCE_END", "CLAUSE_END"):
                clauses.append(_Clause(tokens, kind == "SENTENCE_END"))
                tokens = []
            elif kind != "SPACE":
                tokens.append(m)
        clauses.append(_Clause(tokens, True))
        return [clause for clause in clauses if clause.tokens or clause.ends_sentence]

    # -- clauses ------------------------------------------------------------

    def _read_section(self, section: _Section) -> None:
        uncounted: set[date] = set()  # days off since the last "共N天"
        month: int | None = None  # for a later "17日" with no month
        advice = False
        found_off = False
        for clause in self._clauses(section):
            kinds = {m.lastgroup for m in clause.tokens}
            self._check_no_broken_date(clause)
            if "ADVICE" in kinds:
                advice = True
            if advice:
                advice = not clause.ends_sentence
                continue
            counts = [m for m in clause.tokens if m.lastgroup == "COUNT"]
            says_off = bool(kinds & {"OFF", "LIEU"}) or any(
                m.group(0).startswith("放") for m in counts
            )
            dates = [m for m in clause.tokens if m.lastgroup == "DATE"]
            if dates:
                if "MOVE" in kinds:
                    move_at = next(m.start() for m in clause.tokens if m.lastgroup == "MOVE")
                    before = [m for m in clause.tokens if m.start() < move_at]
                    for day, m in self._days(before, section, month):
                        self.moved.append((day, section.name, m))
                        month = day.month
                elif says_off and "WORK" in kinds:
                    start, end = clause.tokens[0].start(), clause.tokens[-1].end()
                    raise self._error(
                        f"同一句中既有放假又有上班，无法判断：“{self._raw(start, end)}”", start
                    )
                elif says_off:
                    for day, m in self._days(clause.tokens, section, month):
                        self._add(self.off, day, section.name, m, "放假")
                        uncounted.add(day)
                        month = day.month
                        found_off = True
                elif "WORK" in kinds:
                    if not _RESUME_RE.search(self._clause_text(clause)):
                        for day, m in self._days(clause.tokens, section, month):
                            self._add(self.work, day, section.name, m, "上班")
                            month = day.month
                elif not self._is_unrelated(clause, dates):
                    start = clause.tokens[0].start()
                    raise self._error(
                        f"无法判断“{self._raw(start, clause.tokens[-1].end())}”是放假还是上班，"
                        "请核对是否缺少“放假”“补休”或“上班”",
                        start,
                    )
            for m in counts:
                self._check_count(m, uncounted)
                uncounted = set()
        if not found_off:
            raise self._error(f"“{section.name}”一项没有找到放假日期", section.header_pos)

    def _clause_text(self, clause: _Clause) -> str:
        return self.norm[clause.tokens[0].start() : clause.tokens[-1].end()]

    def _is_unrelated(self, clause: _Clause, dates: list[re.Match[str]]) -> bool:
        """Whether a clause with dates but no keyword can be passed over.

        Every date of a schedule sits next to 放假, 补休 or 上班, so a date without
        one is either an explanation of the old wording or the date the notice
        was signed (full, with no weekday and no range); anything else means a
        keyword was lost in copying.
        """
        if _EXPLANATION_RE.search(self._clause_text(clause)):
            return True
        signature = all(m.group("year") and m.group("month") for m in dates)
        return signature and not any(m.lastgroup in ("BRACKET", "RANGE") for m in clause.tokens)

    def _check_no_broken_date(self, clause: _Clause) -> None:
        """Outside brackets an item's digits belong to dates and day counts; a
        leftover digit is a date damaged in copying ("4月2（星期六）上班", "4月5，"),
        which would otherwise be passed over and lost. Likewise a date before 鼓励
        in one clause means the 上班 or 放假 that ended its sentence went missing."""
        advice_at = next((m.start() for m in clause.tokens if m.lastgroup == "ADVICE"), None)
        for m in clause.tokens:
            if advice_at is not None and m.start() > advice_at:
                break
            stray = m.lastgroup == "TEXT" and m.group(0).isdigit()
            if stray or (m.lastgroup == "DATE" and advice_at is not None):
                start = clause.tokens[0].start()
                raise self._error(
                    f"无法识别“{self._raw(start, clause.tokens[-1].end())}”中的日期", start
                )

    def _check_count(self, m: re.Match[str], uncounted: set[date]) -> None:
        stated = _number(m.group("count"))
        raw = self._raw(m.start(), m.end())
        if stated is None:
            raise self._error(f"无法识别的天数“{raw}”", m.start())
        if not uncounted:
            raise self._error(f"“{raw}”前面没有放假日期", m.start())
        if stated != len(uncounted):
            raise self._error(f"“{raw}”与解析出的{len(uncounted)}天不符，请核对日期", m.start())

    def _days(
        self, tokens: list[re.Match[str]], section: _Section, month: int | None
    ) -> list[tuple[date, re.Match[str]]]:
        """The days a clause names: single dates and ranges, separated by 、."""
        significant: list[tuple[re.Match[str], re.Match[str] | None]] = []
        for previous_token, m in zip([None, *tokens], tokens, strict=False):
            if m.lastgroup in ("DATE", "RANGE", "LIST"):
                significant.append((m, None))
            elif m.lastgroup == "BRACKET" and previous_token and previous_token.lastgroup == "DATE":
                # A bracket right after a date tells its weekday ("（农历除夕、周二）").
                significant[-1] = (previous_token, m)
        if not any(m.lastgroup == "DATE" for m, _ in significant):
            return []

        def unreadable() -> DataFileError:
            start, end = significant[0][0].start(), significant[-1][0].end()
            return self._error(f"无法识别的日期范围“{self._raw(start, end)}”", start)

        days: list[tuple[date, re.Match[str]]] = []
        previous: date | None = None
        i = 0
        while True:
            if i >= len(significant) or significant[i][0].lastgroup != "DATE":
                raise unreadable()
            start_match, bracket = significant[i]
            first = self._resolve(start_match, previous, month, section, bracket)
            previous, i = first, i + 1
            if i < len(significant) and significant[i][0].lastgroup == "RANGE":
                if i + 1 >= len(significant) or significant[i + 1][0].lastgroup != "DATE":
                    raise unreadable()
                end_match, bracket = significant[i + 1]
                last = self._resolve(end_match, first, month, section, bracket)
                raw = self._raw(start_match.start(), end_match.end())
                if last <= first:
                    raise self._error(f"日期范围“{raw}”的结束日期不晚于开始日期", start_match.start())
                if (last - first).days >= _MAX_RANGE_DAYS:
                    raise self._error(f"日期范围“{raw}”超过{_MAX_RANGE_DAYS}天", start_match.start())
                days.extend(
                    (first + timedelta(days=n), start_match) for n in range((last - first).days + 1)
                )
                previous, i = last, i + 2
            else:
                days.append((first, start_match))
            if i == len(significant):
                return days
            if significant[i][0].lastgroup != "LIST":
                raise unreadable()
            i += 1

    def _resolve(
        self,
        m: re.Match[str],
        previous: date | None,
        month: int | None,
        section: _Section,
        bracket: re.Match[str] | None,
    ) -> date:
        raw = self._raw(m.start(), m.end())
        day = int(m.group("day"))
        if m.group("month"):
            month = int(m.group("month"))
        elif previous is not None:
            month = previous.month
        if month is None:
            raise self._error(f"“{raw}”缺少月份", m.start())
        if m.group("year"):
            year = int(m.group("year"))
        elif previous is not None:
            # Dates in a clause run forward: "12月30日至1月1日" crosses New Year.
            rolls = m.group("month") and (month, day) < (previous.month, previous.day)
            year = previous.year + 1 if rolls else previous.year
        else:
            # The 元旦 holiday may start in late December of the year before.
            year = self.year - 1 if section.is_new_year and month == 12 else self.year
        if abs(year - self.year) > 1:
            raise self._error(f"日期“{raw}”不在{self.year}年前后，请核对年份", m.start())
        try:
            result = date(year, month, day)
        except ValueError:
            raise self._error(f"无效日期“{raw}”", m.start()) from None
        if bracket is not None:
            named = _WEEKDAY_RE.findall(self.norm[bracket.start() : bracket.end()])
            if len(named) == 1:
                stated = _WEEKDAY_NAMES.index("日" if named[0] == "天" else named[0])
                if stated != result.weekday():
                    raise self._error(
                        f"“{self._raw(m.start(), bracket.end())}”与日历不符："
                        f"{_format(result)}是星期{_WEEKDAY_NAMES[result.weekday()]}",
                        m.start(),
                    )
        return result

    # -- results ------------------------------------------------------------

    def _add(
        self, target: dict[date, str], day: date, name: str, m: re.Match[str], what: str
    ) -> None:
        known = target.get(day)
        if known is not None and known != name:
            raise self._error(
                f"{_format(day)}同时出现在“{known}”和“{name}”两项的{what}日期中", m.start()
            )
        other = self.work if target is self.off else self.off
        if day in other:
            raise self._error(f"{_format(day)}既放假又上班，请核对", m.start())
        target[day] = name
        self.raw_of.setdefault(day, m)

    def _settle_moved_days(self) -> None:
        for day, name, m in self.moved:
            if day not in self.off:
                self._add(self.work, day, name, m, "上班")

    def _check_makeup_days(self) -> None:
        for day in self.work:
            if day.weekday() < 5:
                m = self.raw_of[day]
                raise self._error(
                    f"上班日“{self._raw(m.start(), m.end())}”（{_format(day)}）是"
                    f"星期{_WEEKDAY_NAMES[day.weekday()]}；调休上班日应是周六或周日，请核对日期和年份",
                    m.start(),
                )


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    m = _CHINESE_NUMBER_RE.fullmatch(text)
    if m is None or not text:
        return None
    tens = (_DIGITS.get(m.group("tens"), 1) * 10) if "十" in text else 0
    return tens + _DIGITS.get(m.group("ones"), 0)


def _format(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
