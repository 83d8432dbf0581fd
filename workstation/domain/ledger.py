"""Ledger import (台账导入): check every row of an office's spreadsheet register.

A ledger is XLSX or CSV (read into rows by ledger_file.py) whose first row holds the column
headers of spec/annual-report.md, in any order. Checking never stops at the first bad row:
every problem is collected with the row number a spreadsheet shows, so the clerk
can fix the whole file at once. Whether a row clashes with the register is the
service's question; this module knows nothing of a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from workstation.domain.errors import DataFileError, UserError
from workstation.domain.identity import check_credit_code, check_id_number
from workstation.domain.intake import trimmed
from workstation.domain.ledger_file import EXCEL_EPOCH, open_ledger, read_file
from workstation.domain.results import APPLICANT_KINDS, CHANNELS, applicant_kind_key, result_key

MAX_ROWS = 100_000
SHOWN_PROBLEMS = 50

# Header as printed -> field name; the order is the one a template ledger uses.
HEADERS: dict[str, str] = {
    "受理编号": "number",
    "收到日期": "received",
    "递交方式": "channel",
    "申请人类型": "applicant_kind",
    "申请人": "applicant_name",
    "证件号码": "id_number",
    "联系电话": "phone",
    "通讯地址": "address",
    "申请内容": "content",
    "办理结果": "result",
    "答复日期": "replied",
    "延期": "extended",
    "备注": "remark",
}
REQUIRED: tuple[str, ...] = ("受理编号", "收到日期", "申请人类型", "申请人")

# Column widths of the register (store/models.py; intake.LIMITS for the content).
LENGTH_LIMITS: dict[str, int] = {
    "受理编号": 60,
    "申请人": 200,
    "证件号码": 40,
    "联系电话": 40,
    "通讯地址": 300,
    "申请内容": 20000,
}

_CHANNEL_WORDS: dict[str, str] = {
    "当面提交": "in_person", "当面": "in_person", "现场": "in_person", "窗口": "in_person",
    "邮寄": "registered_post", "邮寄(需签收)": "registered_post", "挂号信": "registered_post",
    "EMS": "registered_post", "快递": "registered_post",
    "平常信函": "ordinary_post", "平信": "ordinary_post",
    "传真": "fax",
    "互联网": "online", "互联网/电子邮件": "online", "电子邮件": "online", "网上申请": "online",
    "网络": "online", "在线": "online", "邮箱": "online",
}
_CHANNEL_HINT = "当面提交、邮寄、平常信函、传真、互联网"
_KIND_HINT = "、".join(k.label for k in APPLICANT_KINDS)
_YES = frozenset({"是", "有", "已延期", "Y", "YES", "TRUE", "1", "√"})
_NO = frozenset({"否", "无", "未延期", "N", "NO", "FALSE", "0", "×"})

_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DATE_HINT = "应写作 2025-03-07、2025/3/7 或 2025年3月7日"


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: the row as a spreadsheet numbers it (the headers are row 1)."""

    line: int
    column: str
    reason: str

    def text(self) -> str:
        return f"第{self.line}行 {self.column}:{self.reason}"


class LedgerRejected(UserError):
    """The ledger has bad rows; nothing was imported. ``problems`` lists every one."""

    def __init__(self, name: str, problems: Iterable[RowProblem]) -> None:
        self.name = name
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        shown = [p.text() for p in self.problems[:SHOWN_PROBLEMS]]
        more = len(self.problems) - len(shown)
        self.bad_rows = len({p.line for p in self.problems})
        lines = [f"台账 {name} 有 {self.bad_rows} 行有问题(共 {len(self.problems)} 处),未导入任何数据。"
                 "请改正后重新导入:", *shown]
        if more:
            lines.append(f"……另有 {more} 处问题未列出。")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class LedgerRow:
    """A row that passed every check of its own (the register may still hold its number)."""

    line: int
    number: str
    received: date
    channel: str
    applicant_kind: str
    applicant_name: str
    id_number: str
    phone: str
    address: str
    content: str
    result_key: str | None
    replied: date | None
    extended: bool
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def id_type(self) -> str | None:
        if not self.id_number:
            return None
        return "居民身份证" if self.applicant_kind == "natural" else "统一社会信用代码"


@dataclass(frozen=True)
class Ledger:
    """A ledger read and checked: the good rows and every problem of the others."""

    name: str
    sha256: str
    data_rows: int  # non-blank rows below the headers
    rows: tuple[LedgerRow, ...]
    problems: tuple[RowProblem, ...]
    unknown_columns: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading the file (ledger_file.py) and checking it -------------------------------------
def read_ledger(path: Path, *, today: date, encoding: str | None = None) -> Ledger:
    """Read and check a ledger file. Raises DataFileError when the file as a whole cannot be used.

    ``encoding`` ("utf-8" or "gb18030") is the clerk's answer when a CSV's encoding was unclear.
    """
    path = Path(path)
    return parse_ledger(read_file(path), path.name, today=today, encoding=encoding)


def parse_ledger(raw: bytes, name: str, *, today: date, encoding: str | None = None) -> Ledger:
    """Check a ledger given as the bytes of its file."""
    opened = open_ledger(raw, name, encoding)
    return _check(opened.rows, name, opened.sha256, today=today, epoch=opened.epoch)


# --- headers --------------------------------------------------------------------------------
def _canonical_header(text: str) -> str:
    """Full-width letters and brackets become ASCII (NFKC); spaces and a required-mark '*' go."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace()).strip("*")


def _column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: the column as a spreadsheet labels it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class _Columns:
    known: dict[str, int]  # header -> column index
    unknown: dict[int, str]  # column index -> header as written (or the column letter)


def _refuse_header(header_row: tuple[Any, ...] | None, rows: Iterator[tuple[Any, ...]], name: str) -> NoReturn:
    """The first row is blank: say whether the file is empty or the headers sit lower."""
    if header_row is not None and any(any(_text(c) for c in row) for row in rows):
        raise DataFileError(name, "是空行,但第1行应为列名。请删去列名上方的空行后再导入", line=1)
    raise DataFileError(name, "文件中没有任何内容")


def _columns(header_row: tuple[Any, ...], rows: Iterator[tuple[Any, ...]], name: str) -> _Columns:
    known: dict[str, int] = {}
    unknown: dict[int, str] = {}
    for index, cell in enumerate(header_row):
        written = _text(cell)
        if not written:
            continue
        canonical = _canonical_header(written)
        if canonical in HEADERS:
            if canonical in known:
                raise DataFileError(name, f"有两列都是“{canonical}”(第{_column_letter(known[canonical])}列和"
                                    f"第{_column_letter(index)}列),请删去或改名其中一列", line=1)
            known[canonical] = index
        else:
            unknown[index] = written
    missing = [h for h in REQUIRED if h not in known]
    if not missing:
        return _Columns(known, unknown)
    if not known:
        second = next(rows, None) or ()
        if {_canonical_header(_text(c)) for c in second} >= set(REQUIRED):
            raise DataFileError(name, "像是标题行,但第1行应为列名。请删去标题行后再导入", line=1)
        raise DataFileError(name, "应为列名(受理编号、收到日期、申请人类型、申请人等),但没有找到任何一个。"
                            "请确认第1行是列名,或选择了正确的文件", line=1)
    raise DataFileError(name, f"缺少必需的列:{'、'.join(missing)}", line=1)


# --- cell values ----------------------------------------------------------------------------
def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return trimmed(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class _BadValue(Exception):
    """A cell that does not hold what its column needs; the message is the Chinese reason."""


def _serial_date(serial: float, epoch: datetime) -> date:
    if not 1 <= serial < 2958466:
        raise _BadValue(f"数字 {_text(serial)} 不是日期({_DATE_HINT})")
    return (epoch + timedelta(days=int(serial))).date()


def parse_date(value: Any, *, epoch: datetime = EXCEL_EPOCH) -> date | None:
    """A date cell: a date or datetime, an Excel serial number, or text such as 2025-03-07,
    2025/3/7, 2025年3月7日 or 20250307. Empty is None; anything else raises _BadValue."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _BadValue(f"“{_text(value)}”不是日期({_DATE_HINT})")
    if isinstance(value, (int, float)) and not (isinstance(value, int) and len(str(value)) == 8):
        return _serial_date(value, epoch)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text)
    if match is None and re.fullmatch(r"\d{8}", text):
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise _BadValue(f"日期“{text}”不存在,请核对") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial_date(float(text), epoch)
    raise _BadValue(f"无法识别的日期“{_short(text)}”,{_DATE_HINT}")


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def channel_key(text: str) -> str | None:
    """The channel key for a label a ledger uses (empty: 当面提交); None if unknown."""
    folded = _canonical_header(text)
    if not folded:
        return "in_person"
    if folded in CHANNELS:
        return folded
    for key, label in CHANNELS.items():
        if folded == _canonical_header(label):
            return key
    return _CHANNEL_WORDS.get(folded.upper() if folded.isascii() else folded)


def _result_key(text: str) -> str | None:
    return result_key(text) or result_key(
        unicodedata.normalize("NFKC", text).replace("•", "·").replace("・", "·").replace("．", "·"))


# --- checking -------------------------------------------------------------------------------
def _check(rows: Iterator[tuple[Any, ...]], name: str, digest: str, *, today: date,
           epoch: datetime) -> Ledger:
    header_row = next(rows, None)
    if header_row is None or not any(_text(c) for c in header_row):
        _refuse_header(header_row, rows, name)
    columns = _columns(header_row, rows, name)
    good: list[LedgerRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[str, int] = {}
    data_rows = 0
    for line, row in enumerate(rows, start=2):
        if not any(_text(c) for c in row):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise DataFileError(name, f"台账超过 {MAX_ROWS} 行,请分成几个文件导入")
        checked = _check_row(row, line, columns, today=today, epoch=epoch)
        if isinstance(checked, LedgerRow):
            number = checked.number
        else:
            problems.extend(checked)
            number = _text(_cell(row, columns.known["受理编号"]))
        if number:
            earlier = first_line_of.setdefault(number, line)
            if earlier != line:
                problems.append(RowProblem(line, "受理编号", f"受理编号“{_short(number)}”与第{earlier}行重复"))
                continue
        if isinstance(checked, LedgerRow):
            good.append(checked)
    if data_rows == 0:
        raise DataFileError(name, "除第1行的列名外没有任何数据行")
    return Ledger(name, digest, data_rows, tuple(good), tuple(problems), tuple(columns.unknown.values()))


def _cell(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


def _check_row(row: tuple[Any, ...], line: int, columns: _Columns, *, today: date,
               epoch: datetime) -> LedgerRow | list[RowProblem]:
    problems: list[RowProblem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(RowProblem(line, column, reason))

    def raw(header: str) -> Any:
        index = columns.known.get(header)
        return None if index is None else _cell(row, index)

    values = {header: _text(raw(header)) for header in HEADERS}
    for header, limit in LENGTH_LIMITS.items():
        if len(values[header]) > limit:
            bad(header, f"过长:最多 {limit} 字,现有 {len(values[header])} 字")

    number = values["受理编号"]
    if not number:
        bad("受理编号", "受理编号不能为空")

    def date_of(header: str, what: str) -> date | None:
        try:
            day = parse_date(raw(header), epoch=epoch)
        except _BadValue as exc:
            bad(header, str(exc))
            return None
        if day is not None and day > today:
            bad(header, f"{what}{day.isoformat()}晚于今天,请核对")
        elif day is not None and day.year < 2000:
            bad(header, f"{what}{day.isoformat()}不合理,请核对")
        return day

    received = date_of("收到日期", "收到日期")
    if received is None and not values["收到日期"]:
        bad("收到日期", "请填写收到日期")
    replied = date_of("答复日期", "答复日期")

    channel = channel_key(values["递交方式"])
    if channel is None:
        bad("递交方式", f"无法识别的递交方式“{_short(values['递交方式'])}”,可用:{_CHANNEL_HINT}")
    kind = applicant_kind_key(values["申请人类型"]) if values["申请人类型"] else None
    if not values["申请人类型"]:
        bad("申请人类型", f"请填写申请人类型({_KIND_HINT})")
    elif kind is None:
        bad("申请人类型", f"无法识别的申请人类型“{_short(values['申请人类型'])}”,可用:{_KIND_HINT}")
    if not values["申请人"]:
        bad("申请人", "请填写申请人姓名或名称")

    result: str | None = None
    if values["办理结果"]:
        result = _result_key(values["办理结果"])
        if result is None:
            bad("办理结果", f"无法识别的办理结果“{_short(values['办理结果'])}”,应写作“予以公开”“部分公开”或"
                "“类别·情形”,如“不予公开·属于国家秘密”“无法提供·本机关不掌握相关政府信息”")
    if values["办理结果"] and not values["答复日期"]:
        bad("答复日期", "已填写办理结果,请填写答复日期")
    if values["答复日期"] and not values["办理结果"]:
        bad("办理结果", "已填写答复日期,请填写办理结果(尚未办结的,两列都留空)")
    if received is not None and replied is not None and replied < received:
        bad("答复日期", f"答复日期{replied.isoformat()}早于收到日期{received.isoformat()}")

    extended_text = unicodedata.normalize("NFKC", values["延期"]).upper()
    if extended_text and extended_text not in _YES | _NO:
        bad("延期", f"延期应填“是”或“否”(留空为否),现为“{_short(values['延期'])}”")

    if problems:
        return problems
    assert received is not None and channel is not None and kind is not None

    notes: dict[str, str] = {}
    if values["备注"]:
        notes["备注"] = values["备注"]
    for index, header in columns.unknown.items():
        text = _text(_cell(row, index))
        if text:
            notes[header] = text
    for index in range(len(row)):
        if index not in columns.unknown and index not in columns.known.values():
            text = _text(row[index])
            if text:
                notes[f"第{_column_letter(index)}列"] = text
    id_number = values["证件号码"]
    if id_number:
        check = check_id_number(id_number) if kind == "natural" else check_credit_code(id_number)
        if not check.ok:
            notes["证件号码校验"] = f"导入时校验不符,按台账原样保留:{check.problem}"
    return LedgerRow(
        line=line, number=number, received=received, channel=channel, applicant_kind=kind,
        applicant_name=values["申请人"], id_number=id_number, phone=values["联系电话"],
        address=values["通讯地址"], content=values["申请内容"], result_key=result,
        replied=replied if result else None, extended=extended_text in _YES, notes=notes,
    )


def sequence_of(number: str, pattern: str, prefix: str) -> tuple[int, int] | None:
    """(year, seq) when ``number`` is written in the office's own numbering pattern, else None.

    An imported number such as 政依申〔2025〕第0012号 must not be issued again by the
    per-year sequence, so the importer moves the sequence past it.
    """
    regex = _number_regex(pattern, prefix)
    match = regex.fullmatch(number) if regex is not None else None
    return (int(match["year"]), int(match["seq"])) if match else None


MAX_SEQUENCE = 999_999  # the per-year counter continues from an imported number: it must stay a counter


def number_problem(number: str, received: date, pattern: str, prefix: str) -> str | None:
    """Why a number written in the office's own pattern cannot be imported, or None.

    Such a number moves that year's counter past it, so its sequence must be a plausible count and its
    year the one the request was received in (or next to it, for one registered across New Year).
    """
    regex = _number_regex(pattern, prefix)
    match = regex.fullmatch(number) if regex is not None else None
    if match is None:
        return None
    year, seq = match["year"], match["seq"]
    if len(seq) > 7 or not 1 <= int(seq) <= MAX_SEQUENCE:
        return f"受理编号“{_short(number)}”中的序号{seq}超出范围(应为1至{MAX_SEQUENCE}),请核对"
    if len(year) != 4 or abs(int(year) - received.year) > 1:
        return (f"受理编号“{_short(number)}”中的年份{_short(year, 8)}与收到日期{received.isoformat()}不符,"
                "请核对")
    return None


@lru_cache(maxsize=8)
def _number_regex(pattern: str, prefix: str) -> re.Pattern[str] | None:
    from string import Formatter

    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conversion in Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name == "prefix":
            parts.append(re.escape(prefix))
        elif name in ("year", "seq") and name not in seen:
            parts.append(rf"(?P<{name}>\d+)")
            seen.add(name)
        else:
            return None
    return re.compile("".join(parts)) if seen == {"year", "seq"} else None
