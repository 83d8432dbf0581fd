"""The 报送与汇总 window: import a folder of packages, the matrix, the consolidated table and its drill-down."""

from __future__ import annotations

from datetime import date

from helpers.gui import QT_NOISE

from workstation.domain import exchange
from workstation.domain.tally import APPEAL_COLUMNS, APPEAL_KINDS, ROW_KEYS, TALLY_COLUMNS, Period
from workstation.services import report_exchange as rx
from workstation.services.demo import fill_demo
from workstation.store.database import Database

pytest_plugins = ["helpers.gui"]

TODAY = date(2026, 6, 30)
QUARTER = Period.quarter(2026, 2)


def _appeal(db, count: int) -> None:
    """``count`` 行政复议 filed in the quarter against requests of the register (table 四 is not all zero)."""
    from workstation.domain.status import Role
    from workstation.services import queries, review
    from workstation.services.base import Actor

    actor = Actor(None, "test", "测试", frozenset({Role.CLERK}))
    ids = queries.list_case_ids(db, queries.CaseFilter(view="all"), today=TODAY)[:count]
    for case_id in ids:
        review.record_appeal(db, actor, case_id, "review", TODAY, today=TODAY)


def _packages(folder, tmp_path) -> list[dict]:
    figures = []
    for i, (name, kind) in enumerate((("示范县甲镇人民政府", "乡镇街道"), ("示范县乙局", "县直部门"))):
        db = Database.open_path(tmp_path / f"t{i}.sqlite3")
        try:
            fill_demo(db, cases=150, today=TODAY, seed=40 + i, office=name, kind=kind)
            _appeal(db, i + 1)
            made = rx.export_package(db, QUARTER)
            rx.save_package(db, made, f"{folder}/", xlsx=False)
            figures.append(made.package["figures"]["table3"])
        finally:
            db.close()
    return figures


def test_the_county_imports_and_sees_the_matrix_and_the_sums(qtbot, make_ctx, staff, tmp_path):
    from workstation.gui.report_window import ReportWindow

    folder = tmp_path / "in"
    figures = _packages(folder, tmp_path)
    window = ReportWindow(make_ctx(staff["clerk"], TODAY), QUARTER)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.view is not None)
    assert window.matrix_table.rowCount() == 0
    window.import_from(folder)
    qtbot.waitUntil(lambda: "导入 2 份" in window.status.text() and window.view is not None
                    and len(window.view.consolidation.parts) == 2, timeout=10000)
    qtbot.waitUntil(lambda: window.matrix_table.rowCount() == 2)
    m = window.matrix_table
    assert m.columnCount() == 5  # 类别 and the four quarters
    assert [m.item(r, 2).text() for r in range(2)] == ["已报", "已报"]  # the second quarter
    assert [m.item(r, 1).text() for r in range(2)] == ["未报", "未报"]
    row, col = ROW_KEYS.index("new"), TALLY_COLUMNS.index("total")
    want = figures[0]["new"]["total"] + figures[1]["new"]["total"]
    assert want > 0
    assert window.sums_table.item(row, col).text() == str(want)
    assert sorted(n for _, n in window.offices_behind(row, col)) == sorted(f["new"]["total"] for f in figures)
    window.group.setCurrentText("乡镇街道")
    assert window.sums_table.item(row, col).text() == str(figures[0]["new"]["total"])
    assert "平衡" in window.identity.text()
    assert window.open_table.rowCount() > 0
    window.group.setCurrentText(exchange.TOTAL)  # table 四 beside table 三, summed the same way
    parts = window.view.consolidation.parts
    last = len(APPEAL_COLUMNS) - 1
    assert any(p.table4[kind]["total"] for p in parts for kind in APPEAL_KINDS)  # the demo has appeals
    for r, kind in enumerate(APPEAL_KINDS):
        assert window.appeals_table.item(r, last).text() == str(sum(p.table4[kind]["total"] for p in parts))
    assert sorted(n for _, n in window.appeals_behind(0, last)) == sorted(p.table4["review"]["total"] for p in parts)


def test_the_reviewer_does_not_see_the_import(qtbot, make_ctx, staff):
    from workstation.gui.report_window import ReportWindow

    window = ReportWindow(make_ctx(staff["reviewer"], TODAY), QUARTER)
    qtbot.addWidget(window)
    assert window.import_button.isHidden() and window.offices_button.isHidden()
    qtbot.waitUntil(lambda: window.view is not None)


def test_the_admin_imports_the_list_of_reporting_offices(qtbot, make_ctx, staff, tmp_path):
    from workstation.gui.report_window import ReportWindow
    from workstation.services.demo import office_credit_code

    listing = tmp_path / "名单.csv"
    listing.write_text(f"{office_credit_code('示范县丙镇人民政府')},示范县丙镇人民政府,乡镇街道\n", encoding="utf-8")
    window = ReportWindow(make_ctx(staff["admin"], TODAY), QUARTER)
    qtbot.addWidget(window)
    assert not window.offices_button.isHidden()
    window.import_offices_from(listing)
    qtbot.waitUntil(lambda: window.matrix_table.rowCount() == 1)
    assert "1 个单位" in window.status.text() and "未报 1 个(示范县丙镇人民政府)" in window.status.text()
    assert window.matrix_table.item(0, 2).text() == "未报"
    bad = tmp_path / "坏.csv"
    bad.write_text("1,某镇,乡镇街道\n", encoding="utf-8")
    window.import_offices_from(bad)
    qtbot.waitUntil(lambda: "第1行" in window.status.text())


@QT_NOISE
def test_the_tally_screen_opens_the_window_for_its_period(qtbot, make_ctx, staff):
    from workstation.gui.tally_view import TallyView

    ctx = make_ctx(staff["clerk"], TODAY)
    view = TallyView(ctx)
    qtbot.addWidget(view)
    view.picker.set_period(QUARTER)
    view.report_button.click()
    window = view.report_window
    assert window.isVisible() and window.period() == QUARTER
    qtbot.waitUntil(lambda: window.view is not None)
    window.close()
