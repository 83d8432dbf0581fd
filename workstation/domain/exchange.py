"""报送包 (report package): a township's or department's tables sent to the county, and their consolidation.

Pure Python. A package is one JSON object (docs/report-package.md): the office, the period, tables 三 and 四
in the shape of ``workstation tally``, the identity check, the on-time rate, the open requests without
personal data, and a SHA-256 of its canonical content. ``read_package`` checks everything the county relies
on and answers with one Chinese sentence naming the problem; ``consolidate`` adds packages per column group.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workstation.domain.errors import UserError
from workstation.domain.identity import check_credit_code
from workstation.domain.results import RESULT_GROUPS, TALLY_COLUMNS
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    GROUP_ROWS,
    KIND_COLUMNS,
    ROW_KEYS,
    Period,
    _identity_breaks,
)

SCHEMA = "xxgk-report/1"
# the kinds of reporting office, and the column group of the consolidation each belongs to
KINDS: dict[str, str] = {"县政府本级": "本级", "县直部门": "县直部门", "乡镇街道": "乡镇街道"}
GROUPS: tuple[str, ...] = ("本级", "县直部门", "乡镇街道")
TOTAL = "合计"


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes the hash is taken of: the package without ``sha256``, keys sorted, no spaces, UTF-8."""
    body = {k: v for k, v in content.items() if k != "sha256"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def seal(content: dict[str, Any]) -> dict[str, Any]:
    """The package with its ``sha256`` set."""
    out = {k: v for k, v in content.items() if k != "sha256"}
    out["sha256"] = digest(out)
    return out


def dump(package: Mapping[str, Any]) -> bytes:
    return (json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def check_office(code: str, name: str, kind: str) -> str | None:
    """What is wrong with an office's identity, or None."""
    if not (name or "").strip():
        return "缺少报送机关名称"
    if kind not in KINDS:
        return f"机关类别“{kind}”无效,应为{'、'.join(KINDS)}之一"
    check = check_credit_code(code or "")
    if not check.ok:
        return f"报送机关“{name}”的统一社会信用代码“{code}”无效:" + (check.problem or "").split("。")[0]
    return None


def identity_breaks(table3: Mapping[str, Mapping[str, int]], period: Period) -> list[str]:
    """新收 + 结转 = 办结 + 结转下期 in every column, and the total column and rows add up."""
    out = list(_identity_breaks(table3, period))
    for row in ROW_KEYS:
        if table3[row]["total"] != sum(table3[row][c] for c in KIND_COLUMNS):
            out.append(f"“{row}”行的总计不等于各列之和")
    for column in TALLY_COLUMNS:
        if table3["total"][column] != sum(table3[g][column] for g in RESULT_GROUPS):
            out.append(f"“{column}”列的办结总计不等于各类结果之和")
        for group, members in GROUP_ROWS.items():
            if members and table3[group][column] != sum(table3[m][column] for m in members):
                out.append(f"“{group}”行不等于其细项之和")
    return out


@dataclass(frozen=True)
class Package:
    """A checked package."""

    code: str
    name: str
    kind: str
    period: Period
    sha256: str
    locked: bool
    table3: Mapping[str, Mapping[str, int]]
    table4: Mapping[str, Mapping[str, int]]
    open_requests: tuple[Mapping[str, Any], ...]
    correction: str  # the reason a corrected package gives, "" for a first one
    content: Mapping[str, Any] = field(repr=False)

    @property
    def group(self) -> str:
        return KINDS[self.kind]


def _table(raw: Any, rows: Iterable[str], columns: Iterable[str], what: str) -> dict[str, dict[str, int]]:
    if not isinstance(raw, dict):
        raise UserError(f"缺少{what}")
    columns = tuple(columns)
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        cells = raw.get(row)
        if not isinstance(cells, dict):
            raise UserError(f"{what}缺少“{row}”行")
        out[row] = {}
        for c in columns:
            v = cells.get(c)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise UserError(f"{what}“{row}”行“{c}”列的数字无效")
            out[row][c] = v
    return out


def _period(raw: Any) -> Period:
    try:
        period = Period(date.fromisoformat(raw["start"]), date.fromisoformat(raw["end"]))
    except (TypeError, KeyError, ValueError):
        raise UserError("统计期间无效(应有开始和结束日期 YYYY-MM-DD)") from None
    if "年" not in period.label or "至" in period.label:
        raise UserError(f"统计期间{period.span}不是整月、整季度或整年")
    if isinstance(raw, dict) and raw.get("label") not in (None, period.label):
        raise UserError(f"统计期间的名称“{raw.get('label')}”与日期{period.span}不符")
    return period


def read_package(data: bytes, name: str = "") -> Package:
    """A package from its bytes, checked: schema, hash, office, period, tables and identity.

    A problem raises UserError naming the file ``name`` and the problem in one sentence.
    """
    prefix = f"报送包“{name}”" if name else "报送包"
    try:
        return _read(data)
    except UserError as exc:
        raise UserError(f"{prefix}被拒收:{exc}") from None


def _read(data: bytes) -> Package:
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise UserError("不是有效的报送包文件(内容无法读取)") from None
    if not isinstance(content, dict):
        raise UserError("不是报送包格式")
    schema = content.get("schema")
    if not isinstance(schema, str) or not schema:
        raise UserError(f"没有写明格式版本,不是本程序写出的报送包(本程序读取“{SCHEMA}”)")
    if schema != SCHEMA:
        raise UserError(f"格式版本“{schema[:40]}”不受支持,本程序读取“{SCHEMA}”")
    stated = content.get("sha256")
    if not isinstance(stated, str) or stated != digest(content):
        raise UserError("SHA-256 校验值不符,文件在导出后被改动或已损坏")
    office = content.get("office")
    if not isinstance(office, dict):
        raise UserError("缺少报送机关")
    code, name, kind = (str(office.get(k) or "").strip() for k in ("code", "name", "kind"))
    problem = check_office(code, name, kind)
    if problem:
        raise UserError(problem)
    period = _period(content.get("period"))
    figures = content.get("figures")
    if not isinstance(figures, dict):
        raise UserError("缺少统计表")
    table3 = _table(figures.get("table3"), ROW_KEYS, TALLY_COLUMNS, "表三")
    table4 = _table(figures.get("table4"), APPEAL_KINDS, APPEAL_COLUMNS, "表四")
    breaks = identity_breaks(table3, period)
    if breaks:
        raise UserError("表三不平衡:" + breaks[0])
    identity = content.get("identity")
    if not isinstance(identity, dict) or identity.get("ok") is not True:
        raise UserError("报送包自称统计表不平衡")
    opened = content.get("open_requests") or []
    if not isinstance(opened, list) or not all(isinstance(r, dict) for r in opened):
        raise UserError("未办结申请清单格式无效")
    correction = content.get("correction") or {}
    reason = str(correction.get("reason") or "").strip() if isinstance(correction, dict) else ""
    return Package(code, name, kind, period, stated, bool(content.get("locked")), table3, table4,
                   tuple(opened), reason, content)


def empty_tables() -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    return ({row: dict.fromkeys(TALLY_COLUMNS, 0) for row in ROW_KEYS},
            {kind: dict.fromkeys(APPEAL_COLUMNS, 0) for kind in APPEAL_KINDS})


@dataclass(frozen=True)
class Part:
    """One office's figures in a consolidation."""

    code: str
    name: str
    kind: str
    table3: Mapping[str, Mapping[str, int]]
    table4: Mapping[str, Mapping[str, int]]
    source: str = "package"  # package | register (the county's own register as 本级)


@dataclass(frozen=True)
class Consolidation:
    """Tables 三 and 四 per column group and 合计 for one period, with the identity check on the sums."""

    period: Period
    groups: Mapping[str, tuple[Mapping[str, Mapping[str, int]], Mapping[str, Mapping[str, int]]]]
    parts: tuple[Part, ...]
    problems: Mapping[str, tuple[str, ...]]  # group -> identity breaks of its sums

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def group_json(self, group: str) -> dict[str, Any]:
        t3, t4 = self.groups[group]
        return {"period": self.period.to_json(),
                "table3": {row: dict(t3[row]) for row in ROW_KEYS},
                "table4": {kind: dict(t4[kind]) for kind in APPEAL_KINDS}}


def consolidate(period: Period, parts: Iterable[Part]) -> Consolidation:
    parts = tuple(parts)
    groups = {g: empty_tables() for g in (*GROUPS, TOTAL)}
    for p in parts:
        for g in (KINDS[p.kind], TOTAL):
            t3, t4 = groups[g]
            for row in ROW_KEYS:
                for c in TALLY_COLUMNS:
                    t3[row][c] += p.table3[row][c]
            for kind in APPEAL_KINDS:
                for c in APPEAL_COLUMNS:
                    t4[kind][c] += p.table4[kind][c]
    problems = {g: tuple(identity_breaks(groups[g][0], period)) for g in groups}
    return Consolidation(period, groups, parts, problems)


@dataclass(frozen=True)
class ReportingOffice:
    code: str
    name: str
    kind: str


def parse_office_list(text: str) -> list[ReportingOffice]:
    """The county's list of reporting offices: one a line, ``统一社会信用代码,名称,类别`` (a header line may lead)."""
    import csv
    import io

    out: list[ReportingOffice] = []
    seen: set[str] = set()
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if n == 1 and cells[0] in ("统一社会信用代码", "代码"):
            continue
        if len(cells) < 3:
            raise UserError(f"报送单位名单第{n}行应有三项:统一社会信用代码,名称,类别")
        code, name, kind = cells[0].upper(), cells[1], cells[2]
        problem = check_office(code, name, kind)
        if problem:
            raise UserError(f"报送单位名单第{n}行:{problem}")
        if code in seen:
            raise UserError(f"报送单位名单第{n}行:统一社会信用代码{code}重复")
        seen.add(code)
        out.append(ReportingOffice(code, name, kind))
    return out


def office_list_text(offices: Iterable[ReportingOffice]) -> str:
    return "".join(f"{o.code},{o.name},{o.kind}\n" for o in offices)
