"""Number patterns (编号格式): how a registration number (受理编号) or a document number (文号) is written.

A pattern is Python format text with three fields only: ``{prefix}``, ``{year}`` and ``{seq}``,
each at most padded to a width (``{seq:04d}``, ``{prefix:>8}``). The year must be in it: the
sequence starts again at 1 every year, so a number without its year repeats last year's.
"""

from __future__ import annotations

import re
from string import Formatter

from workstation.domain.errors import UserError

FIELDS = ("prefix", "year", "seq")
MAX_WIDTH = 12
# [[fill]align][0][width][d]: padding only; no precision, no sign, no other type
_SPEC = re.compile(r"(?:[^{}]?[<>^])?0?(?P<width>\d{0,3})d?")


def pattern_problem(pattern: str, *, complete: bool = True) -> str | None:
    """What is wrong with a number pattern, in Chinese, or None when it may be used.

    ``complete=False`` checks only that it is safe to format (an example while the admin types).
    """
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError:
        return "花括号不成对(文字中的花括号请写成 {{ 和 }})"
    found: set[str] = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS:
            return f"只能使用 {{prefix}}、{{year}}、{{seq}} 三个占位符,不能使用“{{{name}}}”"
        if conversion:
            return f"占位符 {{{name}}} 中不能使用“!”"
        match = _SPEC.fullmatch(spec or "")
        if match is None or int(match["width"] or 0) > MAX_WIDTH:
            return (f"“{{{name}:{spec}}}”的格式只能写补足的位数(不超过{MAX_WIDTH}位),"
                    "例如 {seq:04d} 表示序号补足4位")
        found.add(name)
    if not complete:
        return None
    if "seq" not in found:
        return "必须包含序号 {seq}"
    if "year" not in found:
        return "必须包含年份 {year}(序号每年从1起,没有年份的编号会与往年的重复)"
    try:
        pattern.format(prefix="政依申", year=2026, seq=1)
    except ValueError:
        return "格式写法有误,例如前缀 {prefix} 不能写成数字格式 {prefix:d}"
    return None


def format_number(pattern: str, prefix: str, year: int, seq: int, *, label: str = "编号格式") -> str:
    """A number written in ``pattern``; a pattern that is not allowed (saved by an older version) is refused."""
    problem = pattern_problem(pattern)
    if problem:
        raise UserError(f"{label}“{pattern}”无效:{problem}。请管理员在“设置 → 编号格式”中改正。")
    return pattern.format(prefix=prefix, year=year, seq=seq)


def example_number(pattern: str, prefix: str, year: int, seq: int) -> str | None:
    """How a number in ``pattern`` looks, or None when the pattern cannot be formatted safely."""
    if pattern_problem(pattern, complete=False):
        return None
    try:
        return pattern.format(prefix=prefix, year=year, seq=seq)
    except ValueError:
        return None
