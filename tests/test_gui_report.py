"""The 报送与汇总 window: import a folder of packages, the matrix, the consolidated table and its drill-down."""

from __future__ import annotations

from datetime import date

from workstation.domain.tally import ROW_KEYS, TALLY_COLUMNS, Period
from workstation.services import report_exchange as rx
from workstation.services.demo import fill_demo
from workstation.store.database import Database

pytest_plugins = ["helpers.gui"]

TODAY = date(2026, 6, 30)
QUARTER = Period.quarter(2026, 2)


def _packages(folder, tmp_path) -> list[dict]:
    figures = []
    for i, (name, kind) in enumerate((("示范县甲镇人民政府", "乡镇街道"), ("示范县乙局", "县直部门"))):
        db = Database.open_path(tmp_path / f"t{i}.sqlite3")
        try:
            fill_demo(db, cases=150, today=TODAY, seed=40 + i, office=name, kind=kind)
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


def test_the_reviewer_does_not_see_the_import(qtbot, make_ctx, staff):
    from workstation.gui.report_window import ReportWindow

    window = ReportWindow(make_ctx(staff["reviewer"], TODAY), QUARTER)
    qtbot.addWidget(window)
    assert window.import_button.isHidden()
    qtbot.waitUntil(lambda: window.view is not None)
