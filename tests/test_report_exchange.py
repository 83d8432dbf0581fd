"""报送与汇总 (issue 20): township packages carried to the county, checked, and consolidated.

Twenty township and department registers are made by the demo (each named with its own 统一社会信用代码); each
exports its package for a month, a quarter and a year; the county (a demo register of kind 县政府本级) imports
them and its consolidation must equal, cell by cell, the sum of the parts, each part its register's own tally.
"""

from __future__ import annotations

import io
import json
import shutil
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from helpers.cli import password_in_env

from workstation.cli import main
from workstation.domain import exchange
from workstation.domain.identity import check_credit_code
from workstation.domain.tally import APPEAL_COLUMNS, APPEAL_KINDS, ROW_KEYS, TALLY_COLUMNS, Period
from workstation.services import report_exchange as rx
from workstation.services import users
from workstation.services.demo import fill_demo, office_credit_code
from workstation.services.tally import tally
from workstation.store.database import Database
from workstation.store.models import Event, ReportPackage

TODAY = date(2026, 6, 30)
PERIODS = {"month": Period.month(2026, 5), "quarter": Period.quarter(2026, 2), "year": Period.year(2024)}
TOWNSHIPS = 20


def _office(i: int) -> tuple[str, str]:
    return (f"示范县第{i + 1}镇人民政府", "乡镇街道") if i < 16 else (f"示范县第{i - 15}局", "县直部门")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The packages of twenty registers for each period, each register's own tallies, and a county register."""
    root = tmp_path_factory.mktemp("report")
    old_n = users.SCRYPT_N
    users.SCRYPT_N = 2**6
    try:
        own: dict[str, dict[str, dict]] = {}
        for i in range(TOWNSHIPS):
            name, kind = _office(i)
            db = Database.open_path(root / f"t{i}.sqlite3")
            try:
                fill_demo(db, cases=300, today=TODAY, seed=100 + i, office=name, kind=kind)
                code = office_credit_code(name, kind)
                own[code] = {}
                for key, period in PERIODS.items():
                    rx.save_package(db, rx.export_package(db, period), f"{root / key}/", xlsx=(i == 0))
                    own[code][key] = tally(db, period.start, period.end).to_json()
            finally:
                db.close()
        path = root / "county.sqlite3"
        db = Database.open_path(path)
        try:
            fill_demo(db, cases=150, today=TODAY, seed=7, office="示范县人民政府", kind="县政府本级")
        finally:
            db.close()
    finally:
        users.SCRYPT_N = old_n
    return {"root": root, "path": path, "own": own}


@pytest.fixture
def county_db(county, tmp_path):
    path = tmp_path / "county.sqlite3"
    shutil.copy(county["path"], path)
    db = Database.open_path(path)
    yield db
    db.close()


def _admin(db):
    return users.authenticate(db, "admin", "demo123").actor()


def _rows(db) -> int:
    with db.read() as s:
        return s.query(ReportPackage).count()


def test_demo_office_has_a_valid_credit_code_and_its_kind(county):
    codes = list(county["own"])
    assert len(set(codes)) == TOWNSHIPS
    assert all(check_credit_code(c).ok for c in codes)
    assert codes[0] == office_credit_code("示范县第1镇人民政府", "乡镇街道")


@pytest.mark.parametrize("key", list(PERIODS))
def test_round_trip_of_twenty_packages_equals_each_registers_own_tally(county, county_db, key):
    report = rx.import_folder(county_db, _admin(county_db), county["root"] / key)
    assert (len(report.imported), report.refused) == (TOWNSHIPS, ())
    view = rx.county_view(county_db, PERIODS[key])
    parts = {p.code: p for p in view.consolidation.parts}
    for code, tallies in county["own"].items():
        want = tallies[key]
        assert {"table3": parts[code].table3, "table4": parts[code].table4} == \
            {"table3": want["table3"], "table4": want["table4"]}
    own = [p for p in view.consolidation.parts if p.source == "register"]
    assert len(own) == 1 and own[0].kind == "县政府本级"
    assert own[0].table3 == tally(county_db, PERIODS[key].start, PERIODS[key].end).table3
    # something was counted: the test would not notice a consolidation of zeros otherwise
    total = view.consolidation.groups[exchange.TOTAL][0]
    assert total["new"]["total"] > 0 and total["total"]["total"] + total["carried_out"]["total"] > 0


@pytest.mark.parametrize("key", list(PERIODS))
def test_consolidation_is_the_sum_of_the_parts_in_every_cell(county, county_db, key):
    rx.import_folder(county_db, _admin(county_db), county["root"] / key)
    c = rx.county_view(county_db, PERIODS[key]).consolidation
    assert c.ok, c.problems
    for group in (*exchange.GROUPS, exchange.TOTAL):
        members = [p for p in c.parts if group == exchange.TOTAL or exchange.KINDS[p.kind] == group]
        t3, t4 = c.groups[group]
        for row in ROW_KEYS:
            for col in TALLY_COLUMNS:
                assert t3[row][col] == sum(p.table3[row][col] for p in members), (group, row, col)
        for kind in APPEAL_KINDS:
            for col in APPEAL_COLUMNS:
                assert t4[kind][col] == sum(p.table4[kind][col] for p in members), (group, kind, col)
    assert {len([p for p in c.parts if p.kind == k]) for k in exchange.KINDS} == {1, 4, 16}


def _package(county, key: str = "quarter", n: int = 0) -> tuple[Path, dict]:
    f = sorted((county["root"] / key).glob("*.json"))[n]
    return f, json.loads(f.read_text("utf-8"))


def _write(folder: Path, name: str, content: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(exchange.dump(content))
    return path


def _refusal(county_db, folder: Path) -> str:
    before = _rows(county_db)
    report = rx.import_folder(county_db, _admin(county_db), folder)
    assert len(report.refused) == 1 and _rows(county_db) == before
    return report.refused[0]


def test_a_tampered_package_is_refused_by_its_hash(county, county_db, tmp_path):
    _, content = _package(county)
    content["figures"]["table3"]["new"]["natural"] += 1
    _write(tmp_path / "in", "改过.json", content)
    message = _refusal(county_db, tmp_path / "in")
    assert "改过.json" in message and "SHA-256" in message


def test_a_package_of_another_schema_is_refused(county, county_db, tmp_path):
    _, content = _package(county)
    content["schema"] = "xxgk-report/9"
    _write(tmp_path / "in", "新版.json", exchange.seal(content))
    message = _refusal(county_db, tmp_path / "in")
    assert "新版.json" in message and "xxgk-report/9" in message and "不受支持" in message


def test_a_package_that_does_not_balance_is_refused_though_its_hash_fits(county, county_db, tmp_path):
    _, content = _package(county)
    for row in ("new",):
        content["figures"]["table3"][row]["natural"] += 1
        content["figures"]["table3"][row]["total"] += 1
    _write(tmp_path / "in", "不平衡.json", exchange.seal(content))
    message = _refusal(county_db, tmp_path / "in")
    assert "不平衡.json" in message and "不平衡" in message and "列" in message


def test_a_package_with_a_wrong_office_code_or_kind_is_refused(county, county_db, tmp_path):
    _, content = _package(county)
    code = content["office"]["code"]
    content["office"]["code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    _write(tmp_path / "a", "代码.json", exchange.seal(content))
    assert "统一社会信用代码" in _refusal(county_db, tmp_path / "a")
    _, content = _package(county)
    content["office"]["kind"] = "街道办"
    _write(tmp_path / "b", "类别.json", exchange.seal(content))
    assert "机关类别" in _refusal(county_db, tmp_path / "b")


def test_two_packages_of_one_office_and_period_in_a_folder_keep_the_first(county, county_db, tmp_path):
    f, content = _package(county)
    shutil.copy(f, tmp_path / "a.json")
    _write(tmp_path, "b.json", content)
    report = rx.import_folder(county_db, _admin(county_db), tmp_path)
    assert report.imported == ("a.json",)
    assert len(report.refused) == 1 and "b.json" in report.refused[0] and "a.json" in report.refused[0]
    assert _rows(county_db) == 1


def _corrected(content: dict, reason: str | None) -> dict:
    out = json.loads(json.dumps(content))
    t3 = out["figures"]["table3"]
    for row in ("new", "carried_out"):  # one more request received and still open: the identity holds
        t3[row]["natural"] += 1
        t3[row]["total"] += 1
    out.pop("correction", None)
    if reason:
        out["correction"] = {"reason": reason}
    return exchange.seal(out)


def test_a_later_correction_replaces_the_earlier_with_its_reason(county, county_db, tmp_path):
    f, content = _package(county)
    shutil.copy(f, tmp_path / "first.json")
    admin = _admin(county_db)
    assert rx.import_folder(county_db, admin, tmp_path).imported == ("first.json",)
    period = PERIODS["quarter"]
    code = content["office"]["code"]
    # the same file again: nothing changes
    assert rx.import_folder(county_db, admin, tmp_path).unchanged == ("first.json",)
    # other figures without a reason: refused
    _write(tmp_path / "again", "second.json", _corrected(content, None))
    assert "更正理由" in _refusal(county_db, tmp_path / "again")
    _write(tmp_path / "fix", "fixed.json", _corrected(content, "第0012号漏登,补登后重报"))
    report = rx.import_folder(county_db, admin, tmp_path / "fix")
    assert report.replaced == ("fixed.json",)
    view = rx.county_view(county_db, period)
    part = next(p for p in view.consolidation.parts if p.code == code)
    assert part.table3["new"]["natural"] == content["figures"]["table3"]["new"]["natural"] + 1
    assert code in view.corrected
    assert rx.matrix(county_db, [period]).cells[(code, period)] == "更正"
    with county_db.read() as s:
        rows = s.query(ReportPackage).filter_by(office_code=code).all()
        events = s.query(Event).filter_by(action="report_package_replaced").all()
    assert len(rows) == 2 and sum(r.superseded_at is None for r in rows) == 1
    assert [e.note for e in events] == ["第0012号漏登,补登后重报"]


def test_the_matrix_names_who_has_not_reported(county, county_db, tmp_path):
    listing = tmp_path / "offices.csv"
    lines = ["统一社会信用代码,名称,类别"]
    lines += [f"{office_credit_code(*_office(i))},{_office(i)[0]},{_office(i)[1]}" for i in range(TOWNSHIPS)]
    extra = office_credit_code("示范县第九十九镇人民政府")
    lines.append(f"{extra},示范县第九十九镇人民政府,乡镇街道")
    listing.write_text("\n".join(lines), encoding="gb18030")
    admin = _admin(county_db)
    assert len(rx.import_office_list(county_db, admin, listing)) == TOWNSHIPS + 1
    rx.import_folder(county_db, admin, county["root"] / "month")
    m = rx.matrix(county_db, [PERIODS["month"], PERIODS["quarter"]])
    assert m.cells[(extra, PERIODS["month"])] == "未报"
    assert sum(v == "已报" for (code, p), v in m.cells.items() if p == PERIODS["month"]) == TOWNSHIPS
    assert all(m.cells[(o.code, PERIODS["quarter"])] == "未报" for o in m.offices)
    view = rx.county_view(county_db, PERIODS["month"])
    assert [o.name for o in view.not_reported] == ["示范县第九十九镇人民政府"]
    bad = tmp_path / "bad.csv"
    bad.write_text("123,某镇,乡镇街道\n", encoding="utf-8")
    with pytest.raises(Exception, match="第1行.*统一社会信用代码"):
        rx.import_office_list(county_db, admin, bad)


def test_open_requests_cross_offices_without_personal_data(county, county_db):
    rx.import_folder(county_db, _admin(county_db), county["root"] / "quarter")
    rows = rx.open_across(county_db, PERIODS["quarter"])
    assert rows and set(rows[0]) == {"number", "received", "due", "status", "unit", "office"}
    dues = [r["due"] or "9999" for r in rows]
    assert dues == sorted(dues)
    offices = {r["office"] for r in rows}
    assert "示范县人民政府" in offices and len(offices) > TOWNSHIPS // 2  # the county's own register too


def test_a_locked_period_sends_its_locked_figures_and_says_so(tmp_path):
    from workstation.services.tally import lock_period

    db = Database.open_path(tmp_path / "t.sqlite3")
    try:
        fill_demo(db, cases=120, today=TODAY, seed=3, office="示范县锁定镇人民政府")
        period = PERIODS["quarter"]
        head = users.authenticate(db, "head", "demo123").actor()
        lock_period(db, head, period.start, period.end)
        made = rx.export_package(db, period)
        assert made.package["locked"] is True and made.package["locked_at"]
        assert made.package["figures"]["table3"] == tally(db, period.start, period.end).to_json()["table3"]
        assert rx.export_package(db, PERIODS["month"]).package["locked"] is False
    finally:
        db.close()


def test_the_cli_exports_imports_and_shows_the_consolidation(county, tmp_path, capsys):
    town = tmp_path / "town.sqlite3"
    assert main(["demo", "--db", str(town), "--cases", "120", "--quiet", "--office", "示范县东镇人民政府"]) == 0
    out = tmp_path / "out"
    assert main(["report", "export", "--quarter", "2026-2", "--db", str(town), "--out", f"{out}/"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["示范县东镇人民政府-2026年第二季度-报送.json", "示范县东镇人民政府-2026年第二季度-报送.xlsx"]
    path = tmp_path / "county.sqlite3"
    shutil.copy(county["path"], path)
    capsys.readouterr()
    with password_in_env("demo123"):
        assert main(["report", "import", str(out), "--db", str(path), "--login", "clerk"]) == 0
        assert main(["report", "show", "--quarter", "2026-2", "--db", str(path), "--json"]) == 0
        data = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert set(data["groups"]) == {"本级", "县直部门", "乡镇街道", "合计"}
        assert set(data["groups"]["合计"]) == {"period", "table3", "table4"}
        assert [o["name"] for o in data["offices"]] == ["示范县人民政府", "示范县东镇人民政府"]
        (out / next(p for p in files if p.endswith(".json"))).write_text("{}", encoding="utf-8")
        shutil.copy(out / files[0], tmp_path / "x.json")
        assert main(["report", "import", str(out), "--db", str(path), "--login", "clerk"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "被拒收" in err[0] and "格式版本" in err[0]
        # the reviewer does not import
        assert main(["report", "import", str(out), "--db", str(path), "--login", "reviewer"]) == 2


def test_the_consolidation_as_xlsx_reads_back(county, county_db, tmp_path):
    import openpyxl

    from workstation.reports import consolidation

    rx.import_folder(county_db, _admin(county_db), county["root"] / "year")
    view = rx.county_view(county_db, PERIODS["year"])
    data = consolidation.render("示范县人民政府", view, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["合计·表三", "合计·表四"]
    ws = wb["合计·表三"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, int)]
    t3 = view.consolidation.groups[exchange.TOTAL][0]
    assert t3["new"]["total"] in values and t3["total"]["total"] in values
    assert "未报单位" in wb.sheetnames
    pdf = consolidation.render("示范县人民政府", view, "pdf")
    assert pdf.startswith(b"%PDF")


@pytest.mark.slow
def test_an_import_of_200_packages_is_measured(county, county_db, tmp_path):
    sources = [json.loads(f.read_text("utf-8")) for f in sorted((county["root"] / "year").glob("*.json"))]
    folder = tmp_path / "200"
    for i in range(200):
        content = json.loads(json.dumps(sources[i % len(sources)]))
        name = f"示范县第{i + 1}号单位"
        content["office"].update(name=name, code=office_credit_code(name))
        _write(folder, f"{i:03d}.json", exchange.seal(content))
    tracemalloc.start()
    t0 = time.perf_counter()
    report = rx.import_folder(county_db, _admin(county_db), folder)
    seconds = time.perf_counter() - t0
    view = rx.county_view(county_db, PERIODS["year"])
    total = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(report.imported) == 200 and view.consolidation.ok
    print(f"\n200 packages: import {seconds:.2f} s, import + consolidation {total:.2f} s, "
          f"peak Python memory {peak / 2**20:.1f} MiB")
    assert seconds < 60


def test_an_office_without_its_code_cannot_export_and_the_settings_check_code_and_kind(tmp_path, capsys):
    from helpers.cli import add_staff

    from workstation.domain.errors import UserError
    from workstation.services.office import save_settings

    path = tmp_path / "new.sqlite3"
    db = Database.open_path(path)
    try:
        admin = add_staff(db)["admin"]
        with pytest.raises(UserError, match="统一社会信用代码尚未填写"):
            rx.export_package(db, PERIODS["month"])
        with pytest.raises(UserError, match="统一社会信用代码无效"):
            save_settings(db, admin, {"office.credit_code": "11330000ABCDEFGH10"})
        with pytest.raises(UserError, match="机关类别"):
            save_settings(db, admin, {"office.kind": "街道"})
    finally:
        db.close()
    assert main(["report", "export", "--month", "2026-05", "--db", str(path), "--out", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "统一社会信用代码尚未填写" in err[0]
