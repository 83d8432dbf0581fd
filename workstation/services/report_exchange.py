"""报送与汇总: a township's package for the county, and the county's import and consolidation.

The township exports its tables of a period as a 报送包 (docs/report-package.md); the county imports a folder
of them (each package whole or not at all), keeps a corrected one in place of the earlier with its reason, and
adds them up per column group (本级 / 县直部门 / 乡镇街道 / 合计) with its own register as 本级.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from workstation.domain import exchange
from workstation.domain.errors import UserError
from workstation.domain.exchange import Consolidation, Package, Part, ReportingOffice
from workstation.domain.status import Role
from workstation.domain.tally import Period, TallyResult
from workstation.services.base import Actor, office_settings, require, utcnow, writing
from workstation.store.database import Database
from workstation.store.models import PeriodLock, ReportPackage, Request

IMPORT_ROLES = (Role.CLERK, Role.HEAD, Role.ADMIN)


# --- the township's side ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportedPackage:
    package: dict[str, Any]
    data: bytes  # the JSON file
    result: TallyResult  # the figures it carries (the locked ones for a locked period)
    locked: bool

    @property
    def file_name(self) -> str:
        office = self.package["office"]
        return f"{office['name']}-{self.result.period.label}-报送.json"


def _own_office(db: Database) -> tuple[str, str, str]:
    settings = office_settings(db)
    code, name, kind = settings.credit_code.strip(), settings.office_name.strip(), settings.office_kind.strip()
    if not code:
        raise UserError("本机关的统一社会信用代码尚未填写,不能生成报送包;请在“工具 → 设置… → 机关信息”中填写。")
    problem = exchange.check_office(code, name, kind)
    if problem:
        raise UserError(f"本机关信息有误,不能生成报送包:{problem}")
    return code, name, kind


def _open_at(db: Database, end: date, unit: str) -> list[dict[str, Any]]:
    """The requests open at ``end`` (received by then, not closed by then), without personal data."""
    with db.read() as s:
        rows = s.execute(select(Request.number, Request.received, Request.due, Request.status)
                         .where(Request.received <= end, or_(Request.closed_on.is_(None), Request.closed_on > end))
                         .order_by(Request.received, Request.id)).all()
    return [{"number": n, "received": r.isoformat(), "due": d.isoformat() if d else None, "status": st,
             "unit": unit} for n, r, d, st in rows]


def export_package(db: Database, period: Period, *, correction: str = "", today: date | None = None,
                   exported_at: str | None = None) -> ExportedPackage:
    """The package of ``period``: a locked period's locked figures (marked), else the register's tally."""
    from workstation import __version__
    from workstation.services.tally import tally

    code, name, kind = _own_office(db)
    current = tally(db, period.start, period.end)
    with db.read() as s:
        lock = s.execute(select(PeriodLock).where(PeriodLock.start == period.start, PeriodLock.end == period.end)
                         ).scalar_one_or_none()
        locked_at = lock.locked_at.strftime("%Y-%m-%dT%H:%M:%SZ") if lock else None
        figures = dict(lock.figures) if lock else None
    if figures is not None:
        result = TallyResult(period, figures["table3"], figures["table4"], on_time=current.on_time)
    else:
        result = current
    if not result.ok:
        from workstation.reports import check_exportable

        check_exportable(result)
    content = {
        "schema": exchange.SCHEMA,
        "program": {"name": "workstation", "version": __version__},
        "office": {"name": name, "code": code, "kind": kind},
        "period": {**period.to_json(), "label": period.label},
        "exported_at": exported_at or utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locked": figures is not None,
        "locked_at": locked_at,
        "figures": {"table3": {k: dict(v) for k, v in result.table3.items()},
                    "table4": {k: dict(v) for k, v in result.table4.items()}},
        "identity": {"ok": result.ok, "problems": list(result.problems)},
        "on_time": current.on_time.to_json(),
        "open_requests": _open_at(db, period.end, name),
    }
    if correction.strip():
        content["correction"] = {"reason": correction.strip()}
    package = exchange.seal(content)
    return ExportedPackage(package, exchange.dump(package), result, figures is not None)


def save_package(db: Database, made: ExportedPackage, path: Path | str, *, xlsx: bool = True) -> list[Path]:
    """Write the package (and beside it the XLSX rendering of the same tables); returns the files written."""
    from workstation.reports import write_file
    from workstation.services.tally import export

    as_folder = str(path).endswith(("/", "\\")) or Path(path).is_dir()
    path = Path(path)
    if as_folder:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"无法建立文件夹“{path}”:{exc.strerror or exc}") from None
        path = path / made.file_name
    write_file(path, made.data)
    written = [path]
    if xlsx:
        sheet = export(db, made.result, "xlsx")
        write_file(path.with_suffix(".xlsx"), sheet.data)
        written.append(path.with_suffix(".xlsx"))
    return written


# --- the county's side ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportReport:
    imported: tuple[str, ...]  # file names of new packages
    replaced: tuple[str, ...]  # file names of corrections that replaced an earlier package
    unchanged: tuple[str, ...]  # the same package again: nothing to do
    refused: tuple[str, ...]  # one Chinese sentence per refused file


def _current(session: Any, code: str, period: Period) -> ReportPackage | None:
    return session.execute(select(ReportPackage).where(
        ReportPackage.office_code == code, ReportPackage.start == period.start, ReportPackage.end == period.end,
        ReportPackage.superseded_at.is_(None))).scalar_one_or_none()


def import_folder(db: Database, actor: Actor, folder: Path | str) -> ImportReport:
    """Import every ``*.json`` in ``folder``; each package whole or not at all, a refused one named with its problem."""
    require(actor, *IMPORT_ROLES, action="导入报送包")
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"找不到文件夹“{folder}”")
    files = sorted(folder.glob("*.json"))
    if not files:
        raise UserError(f"文件夹“{folder}”中没有报送包(.json 文件)")
    imported: list[str] = []
    replaced: list[str] = []
    unchanged: list[str] = []
    refused: list[str] = []
    seen: dict[tuple[str, Period], str] = {}
    for f in files:
        try:
            package = exchange.read_package(f.read_bytes(), f.name)
        except OSError as exc:
            refused.append(f"报送包“{f.name}”无法读取:{exc.strerror or exc}")
            continue
        except UserError as exc:
            refused.append(str(exc))
            continue
        key = (package.code, package.period)
        if key in seen:
            refused.append(f"报送包“{f.name}”被拒收:与“{seen[key]}”是同一机关({package.name},"
                           f"{package.code})同一期间({package.period.label})的报送,请只保留一份")
            continue
        seen[key] = f.name
        try:
            outcome = _store(db, actor, package, f.name)
        except UserError as exc:
            refused.append(f"报送包“{f.name}”被拒收:{exc}")
            continue
        {"imported": imported, "replaced": replaced, "unchanged": unchanged}[outcome].append(f.name)
    return ImportReport(tuple(imported), tuple(replaced), tuple(unchanged), tuple(refused))


def _store(db: Database, actor: Actor, package: Package, file_name: str) -> str:
    with writing(db, actor) as tx:
        s = tx.session
        earlier = _current(s, package.code, package.period)
        if earlier is not None and earlier.sha256 == package.sha256:
            return "unchanged"
        if earlier is not None and not package.correction:
            raise UserError(f"{package.name}{package.period.label}的报送已于"
                            f"{earlier.imported_at:%Y-%m-%d %H:%M}导入(“{earlier.file_name}”);"
                            "更正后重报的报送包须在导出时注明更正理由")
        now = utcnow()
        if earlier is not None:
            earlier.superseded_at = now
        row = ReportPackage(office_code=package.code, office_name=package.name, office_kind=package.kind,
                            start=package.period.start, end=package.period.end, sha256=package.sha256,
                            file_name=file_name[:300], content=dict(package.content),
                            correction=package.correction if earlier is not None else None,
                            imported_at=now, imported_by=actor.id)
        s.add(row)
        s.flush()
        summary = {"office": package.name, "code": package.code, "period": package.period.label,
                   "sha256": package.sha256, "file": file_name}
        if earlier is not None:
            tx.event("report_package_replaced", before={"sha256": earlier.sha256, "file": earlier.file_name},
                     after=summary, note=package.correction)
            return "replaced"
        tx.event("report_package_imported", after=summary)
        return "imported"


def reporting_offices(db: Database) -> list[ReportingOffice]:
    """The county's list of offices that report (the setting 报送单位名单)."""
    return exchange.parse_office_list(office_settings(db).reporting_offices)


def import_office_list(db: Database, actor: Actor, path: Path | str) -> list[ReportingOffice]:
    """Set the list of reporting offices from a CSV file (统一社会信用代码,名称,类别; UTF-8 or GB18030)."""
    from workstation.services.office import save_settings

    require(actor, Role.ADMIN, action="修改报送单位名单")
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取报送单位名单“{path}”:{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError(f"报送单位名单“{path}”的编码无法识别,请另存为 UTF-8 的 CSV 文件")
    offices = exchange.parse_office_list(text)
    save_settings(db, actor, {"report.offices": exchange.office_list_text(offices)})
    return offices


def _current_packages(db: Database, period: Period) -> list[ReportPackage]:
    with db.read() as s:
        rows = list(s.execute(select(ReportPackage).where(
            ReportPackage.start == period.start, ReportPackage.end == period.end,
            ReportPackage.superseded_at.is_(None)).order_by(ReportPackage.office_kind, ReportPackage.office_name)
        ).scalars())
        s.expunge_all()
    return rows


def _register_part(db: Database, period: Period) -> Part | None:
    """The county's own register as 县政府本级 (only when it names itself so in the settings)."""
    from workstation.services.tally import tally

    settings = office_settings(db)
    if settings.office_kind != "县政府本级":
        return None
    result = tally(db, period.start, period.end)
    if not result.ok:
        from workstation.reports import check_exportable

        check_exportable(result)
    return Part(settings.credit_code, settings.office_name, "县政府本级", result.table3, result.table4, "register")


@dataclass(frozen=True)
class CountyView:
    consolidation: Consolidation
    not_reported: tuple[ReportingOffice, ...]
    corrected: tuple[str, ...]  # codes of offices whose current package replaced an earlier one

    def to_json(self) -> dict[str, Any]:
        c = self.consolidation
        return {
            "period": {**c.period.to_json(), "label": c.period.label},
            "groups": {g: c.group_json(g) for g in (*exchange.GROUPS, exchange.TOTAL)},
            "identity": {g: {"ok": not c.problems[g], "problems": list(c.problems[g])} for g in c.problems},
            "offices": [{"code": p.code, "name": p.name, "kind": p.kind, "source": p.source,
                         "corrected": p.code in self.corrected} for p in c.parts],
            "not_reported": [{"code": o.code, "name": o.name, "kind": o.kind} for o in self.not_reported],
        }


def county_view(db: Database, period: Period) -> CountyView:
    """The consolidation of ``period``: the current packages of that exact period and the county's register."""
    rows = _current_packages(db, period)
    parts = [Part(r.office_code, r.office_name, r.office_kind, r.content["figures"]["table3"],
                  r.content["figures"]["table4"]) for r in rows]
    own = _register_part(db, period)
    if own is not None and own.code not in {p.code for p in parts}:
        parts.insert(0, own)
    reported = {p.code for p in parts}
    missing = tuple(o for o in reporting_offices(db) if o.code not in reported)
    return CountyView(exchange.consolidate(period, parts), missing,
                      tuple(r.office_code for r in rows if r.correction is not None))


@dataclass(frozen=True)
class Matrix:
    """Offices × periods: 已报 / 未报 / 更正."""

    offices: tuple[ReportingOffice, ...]
    periods: tuple[Period, ...]
    cells: dict[tuple[str, Period], str]


def matrix(db: Database, periods: list[Period]) -> Matrix:
    offices = {o.code: o for o in reporting_offices(db)}
    cells: dict[tuple[str, Period], str] = {}
    with db.read() as s:
        for period in periods:
            for r in s.execute(select(ReportPackage).where(
                    ReportPackage.start == period.start, ReportPackage.end == period.end,
                    ReportPackage.superseded_at.is_(None))).scalars():
                offices.setdefault(r.office_code, ReportingOffice(r.office_code, r.office_name, r.office_kind))
                cells[(r.office_code, period)] = "更正" if r.correction is not None else "已报"
    for code in offices:
        for period in periods:
            cells.setdefault((code, period), "未报")
    order = sorted(offices.values(), key=lambda o: (exchange.GROUPS.index(exchange.KINDS[o.kind]), o.name))
    return Matrix(tuple(order), tuple(periods), cells)


def open_across(db: Database, period: Period) -> list[dict[str, Any]]:
    """The open requests at the period's end of every office that reported it and of the county's own register
    (when it is 县政府本级) (督办), soonest due first."""
    packages = _current_packages(db, period)
    out = [{**r, "office": p.office_name} for p in packages for r in p.content.get("open_requests", [])]
    settings = office_settings(db)
    if settings.office_kind == "县政府本级" and settings.credit_code not in {p.office_code for p in packages}:
        out += [{**r, "office": settings.office_name} for r in _open_at(db, period.end, settings.office_name)]
    return sorted(out, key=lambda r: (r.get("due") or "9999-12-31", r["office"], r["number"]))
