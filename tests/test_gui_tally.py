"""The tally screen (统计): tables 三 and 四 as printed, the period picker, the requests behind a number,
exports, period locks with the locked figures beside the current ones, and the monthly trend chart."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from conftest import person
from helpers.gui import QT_NOISE, Answers, type_date, wait_idle
from helpers.reply import record_reply
from PySide6.QtCore import Qt

from workstation.domain.results import TALLY_COLUMNS
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    GROUP_ROWS,
    ROW_KEYS,
    Period,
    column_label,
    row_label,
)
from workstation.gui import file_dialogs
from workstation.gui.main_window import MainWindow
from workstation.gui.tally_chart import GROUP_NAMES
from workstation.gui.tally_grid import KEY_ROLE, GridModel
from workstation.gui.tally_view import TallyView
from workstation.gui.widgets import SOON_BACK, to_qdate
from workstation.reports.tables import table3_grid, table4_grid
from workstation.services import cases
from workstation.services import tally as tally_service
from workstation.services.users import SYSTEM_ACTOR

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 2, 1)
YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))
ORG = {"id_number": "91350100M000100Y43", "legal_representative": "赵法人", "id_type": "统一社会信用代码"}

# name: (received, applicant kind, closed on, result key; "withdrawn" = the applicant withdrew)
REGISTER: dict[str, tuple[date, str, date | None, str | None]] = {
    "A": (date(2024, 12, 20), "natural", date(2025, 1, 15), "disclosed"),
    "B": (date(2025, 1, 6), "natural", date(2025, 1, 20), "disclosed"),
    "C": (date(2025, 2, 3), "commercial", date(2025, 2, 28), "withheld.third_party"),
    "D": (date(2025, 3, 5), "natural", date(2025, 3, 12), "withdrawn"),
    "E": (date(2025, 3, 10), "commercial", date(2025, 3, 28), "unavailable.needs_creation"),
    "F": (date(2025, 3, 18), "natural", None, None),
    "G": (date(2025, 3, 3), "natural", date(2025, 3, 6), "disclosed"),
    "H": (date(2025, 6, 20), "research", date(2025, 7, 8), "not_processed.repeated"),
    "I": (date(2025, 11, 20), "natural", date(2025, 12, 31), "partly_disclosed"),
    "J": (date(2025, 12, 15), "legal_service", None, None),
}
YEAR = Period.year(2025)
MARCH = Period.month(2025, 3)


@pytest.fixture
def register(gui_db, staff) -> dict[str, cases.CaseSummary]:
    clerk = staff["clerk"].actor()
    made = {}
    for name, (received, kind, _, _) in sorted(REGISTER.items(), key=lambda kv: kv[1][0]):
        extra = ORG if kind != "natural" else {}
        data = person(handed_in_on=received, applicant_kind=kind, applicant_name=f"申请人{name}", **extra)
        made[name] = cases.register(gui_db, clerk, data, today=TODAY).case
    for name, (_, _, closed_on, result) in sorted(REGISTER.items(), key=lambda kv: kv[1][2] or date.max):
        if closed_on is None:
            continue
        if result == "withdrawn":
            cases.withdraw(gui_db, clerk, made[name].id, closed_on, today=TODAY)
        else:
            record_reply(gui_db, clerk, made[name].id, result, closed_on, today=TODAY)
    return made


def open_view(qtbot, ctx) -> TallyView:
    view = TallyView(ctx)
    qtbot.addWidget(view)
    view.resize(1254, 720)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    return view


def choose(qtbot, view: TallyView, period: Period) -> None:
    """Pick a period the way a clerk does: the kind of period, then the year (typed), quarter or month."""
    ctx = view.ctx
    y = period.start.year
    if period == Period.year(y):
        mode = "year"
    elif period == Period.month(y, period.start.month):
        mode = "month"
    elif any(period == Period.quarter(y, q) for q in range(1, 5)):
        mode = "quarter"
    else:
        mode = "range"
    view.picker.mode.setCurrentIndex(view.picker.mode.findData(mode))
    wait_idle(qtbot, ctx)
    if mode == "range":
        for edit, day in ((view.picker.date_from, period.start), (view.picker.date_to, period.end)):
            type_date(qtbot, edit, day)
            qtbot.keyClick(edit, Qt.Key.Key_Return)
            wait_idle(qtbot, ctx)
    else:
        view.picker.year.setFocus()
        qtbot.keyClick(view.picker.year, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(view.picker.year, str(y))
        qtbot.keyClick(view.picker.year, Qt.Key.Key_Return)
        wait_idle(qtbot, ctx)
        if mode == "month":
            view.picker.month.setCurrentIndex(period.start.month - 1)
        elif mode == "quarter":
            view.picker.quarter.setCurrentIndex((period.start.month - 1) // 3)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: not view.loading and view.result is not None and view.result.period == period)


def shown_numbers(view: TallyView) -> dict[tuple[str, str], str]:
    """What table 三 shows, by (row key, column key), read from the screen's cells."""
    model = view.table3_model
    out = {}
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            key = model.index(r, c).data(KEY_ROLE)
            if key is not None:
                out[key] = model.index(r, c).data()
    return out


def label_of_row(view: TallyView, row_key: str) -> str:
    """The printed label in the row that holds ``row_key``'s numbers."""
    model = view.table3_model
    for r in range(model.rowCount()):
        if model.index(r, 3).data(KEY_ROLE) == (row_key, "natural"):
            cells = [model.cell(r, c) for c in range(3)]
            return next(str(cell.value) for cell in reversed(cells) if cell is not None and cell.rowspan == 1)
    raise AssertionError(row_key)


def index_of(view: TallyView, key: tuple[str, str]):
    model = view.table3_model
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            if model.index(r, c).data(KEY_ROLE) == key:
                return model.index(r, c)
    raise AssertionError(key)


def click(qtbot, table, index, *, double: bool = False) -> None:
    table.scrollTo(index)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# --- the table ------------------------------------------------------------------------------------
def test_the_current_year_is_shown_first(qtbot, staff, make_ctx, register):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY))
    assert view.result is not None and view.result.period == Period.year(2026)
    assert view.picker.mode.currentData() == "year" and view.picker.year.value() == 2026
    assert view.title.text() == "2026年政府信息公开申请统计"
    assert shown_numbers(view)[("carried_out", "total")] == "2"  # F and J are still open


def test_table_three_shows_the_services_numbers_as_printed(qtbot, gui_db, staff, make_ctx, register):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY))
    choose(qtbot, view, YEAR)
    expected = tally_service.tally(gui_db, YEAR.start, YEAR.end)
    assert expected.ok and expected.cell("new") == 9 and expected.cell("total") == 8
    shown = shown_numbers(view)
    leaf_rows = [k for k in ROW_KEYS if k not in GROUP_ROWS]
    assert set(shown) == {(row, col) for row in leaf_rows for col in TALLY_COLUMNS}
    for (row, col), text in shown.items():
        assert text == str(expected.cell(row, col)), (row, col)
    for row in leaf_rows:
        assert label_of_row(view, row) == row_label(row, YEAR)
    headers = {str(c.value) for c in view.table3_model.grid.cells if c.kind == "header"}
    assert {column_label(c) for c in TALLY_COLUMNS} <= headers
    assert view.summary_label.text() == "新收 9 件 · 上年结转 1 件 · 办结 8 件 · 结转下年 2 件"

    # the result groups span their rows as on paper, and stand apart from their rows
    model = view.table3_model
    first = index_of(view, ("withheld.state_secret", "natural")).row()
    group_cell = model.cell(first, 1)
    assert group_cell is not None and group_cell.value == "（三）不予公开" and group_cell.rowspan == 8
    assert view.table3.rowSpan(first, 1) == 8
    group_index = model.index(first, 1)
    member_index = model.index(first, 2)
    assert group_index.data(Qt.ItemDataRole.FontRole).bold()
    assert group_index.data(Qt.ItemDataRole.BackgroundRole) != member_index.data(Qt.ItemDataRole.BackgroundRole)
    new_row = index_of(view, ("new", "total")).row()
    assert model.index(new_row, 0).data(Qt.ItemDataRole.FontRole).bold()

    table4 = view.table4_model
    kinds, columns = list(APPEAL_KINDS), list(APPEAL_COLUMNS)
    numbers = [table4.index(3, c).data() for c in range(15)]
    assert numbers == [str(expected.table4[kinds[c // 5]][columns[c % 5]]) for c in range(15)]


def test_switching_the_period(qtbot, gui_db, staff, make_ctx, register):
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx)
    for period in (MARCH, Period.quarter(2025, 1), YEAR, Period(date(2025, 3, 4), date(2025, 7, 31))):
        choose(qtbot, view, period)
        expected = tally_service.tally(gui_db, period.start, period.end)
        assert {k: int(v) for k, v in shown_numbers(view).items()} == {
            k: expected.cell(*k) for k in shown_numbers(view)}, period
        assert view.title.text() == f"{period.label}政府信息公开申请统计"
    assert view.picker.mode.currentData() == "range"
    assert label_of_row(view, "new") == "一、本期新收政府信息公开申请数量"  # not a year: 本期, not 本年

    # the end before the start: a Chinese message, the typed dates stay, the last table stays
    type_date(qtbot, view.picker.date_to, date(2025, 2, 1))
    qtbot.keyClick(view.picker.date_to, Qt.Key.Key_Return)
    wait_idle(qtbot, ctx)
    assert view.error.isVisible()
    assert "结束日期(2025-02-01)不能早于开始日期(2025-03-04)" in view.error.text()
    assert view.picker.date_to.date() == to_qdate(date(2025, 2, 1))
    assert view.result.period == Period(date(2025, 3, 4), date(2025, 7, 31))
    type_date(qtbot, view.picker.date_to, date(2025, 3, 31))
    qtbot.keyClick(view.picker.date_to, Qt.Key.Key_Return)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.result.period == Period(date(2025, 3, 4), date(2025, 3, 31)))
    assert not view.error.isVisible()


def test_the_grid_models_pass_qtmodeltester(qtmodeltester, gui_db, staff, register):
    """Tables 三 and 四 of a locked month with a recorded correction (locked figures beside current ones)."""
    head = staff["head"].actor()
    tally_service.lock_period(gui_db, head, MARCH.start, MARCH.end)
    tally_service.correct_locked_result(gui_db, head, register["G"].id, "partly_disclosed", date(2025, 3, 6),
                                        "答复书载明部分公开")
    [lock] = tally_service.locks(gui_db)
    for period, figures in ((MARCH, lock.figures), (YEAR, None)):
        result = tally_service.tally(gui_db, period.start, period.end)
        table3 = GridModel("table3")
        table3.set_grid(table3_grid(result), group_totals={g: result.cell(g) for g in GROUP_ROWS}, figures=figures)
        assert table3.rowCount() == table3.grid.rows and table3.columnCount() == 10
        assert len(table3.locked) == (4 if figures else 0)
        qtmodeltester.check(table3)
        table4 = GridModel("table4")
        table4.set_grid(table4_grid(result), figures=figures)
        assert (table4.rowCount(), table4.columnCount()) == (4, 15)
        qtmodeltester.check(table4)


# --- the requests behind a number -------------------------------------------------------------------
def test_a_click_on_a_number_lists_its_requests_and_a_double_click_opens_one(qtbot, gui_db, staff, make_ctx,
                                                                           register):
    ctx = make_ctx(staff["clerk"], TODAY)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    view = window.show_page("tally")
    assert isinstance(view, TallyView)
    wait_idle(qtbot, ctx)
    choose(qtbot, view, YEAR)

    click(qtbot, view.table3, index_of(view, ("new", "natural")))
    wait_idle(qtbot, ctx)
    dialog = view.cases_dialog
    assert dialog is not None and dialog.isVisible()
    numbers = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert sorted(numbers) == sorted(register[n].number for n in ("B", "D", "F", "G", "I"))
    behind = tally_service.requests_behind(gui_db, YEAR.start, YEAR.end, "new", "natural")
    assert sorted(dialog.case_ids()) == sorted(c.id for c in behind)
    assert dialog.model.headerData(1, Qt.Orientation.Horizontal) == "申请人"
    row = numbers.index(register["G"].number)
    assert dialog.model.index(row, 1).data() == "申请人G"
    assert dialog.model.index(row, 3).data() == "2025-03-03"
    assert dialog.model.index(row, 4).data() == "予以公开"

    click(qtbot, dialog.table, dialog.model.index(row, 0), double=True)
    assert register["G"].id in window.case_windows
    window.case_windows[register["G"].id].close()
    dialog.close()
    qtbot.waitUntil(lambda: view.cases_dialog is None)

    # a zero lists nothing; a group's name lists the whole group
    click(qtbot, view.table3, index_of(view, ("withheld.state_secret", "natural")))
    wait_idle(qtbot, ctx)
    assert view.cases_dialog is None
    first = index_of(view, ("unavailable.not_held", "natural")).row()
    click(qtbot, view.table3, view.table3_model.index(first, 1))
    wait_idle(qtbot, ctx)
    assert view.cases_dialog is not None
    assert view.cases_dialog.case_ids() == [register["E"].id]
    view.cases_dialog.close()


# --- exports -------------------------------------------------------------------------------------------
def test_export_writes_an_xlsx_through_the_file_dialog(qtbot, gui_db, staff, make_ctx, register, tmp_path,
                                                       monkeypatch):
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx)
    choose(qtbot, view, MARCH)
    asked: list[str] = []

    def save_as(_parent, title, suggested, _filter):
        asked.append(suggested)
        return str(tmp_path / "三月统计")

    monkeypatch.setattr(file_dialogs, "save_file_name", save_as)
    qtbot.mouseClick(view.export_buttons["xlsx"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    target = tmp_path / "三月统计.xlsx"
    assert target.is_file()
    assert asked and asked[0].endswith("2025年3月政府信息公开统计表.xlsx")
    assert view.note.isVisible() and str(target) in view.note.text()
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["收到和处理申请情况", "复议诉讼情况", "按期办结率"]
    values = [[c.value for c in row] for row in book["收到和处理申请情况"].iter_rows()]
    [new_row] = [row for row in values if row[0] == "一、本期新收政府信息公开申请数量"]
    march = tally_service.tally(gui_db, MARCH.start, MARCH.end)
    assert new_row[3:10] == [march.cell("new", c) for c in TALLY_COLUMNS]

    # the annual report is for a whole year only: said plainly, no file dialog
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *_a: pytest.fail("no file dialog expected"))
    qtbot.mouseClick(view.export_buttons["docx"], Qt.MouseButton.LeftButton)
    assert view.error.isVisible() and "年度报告只能按整年生成" in view.error.text()


def test_an_identity_break_names_the_requests_instead_of_a_table(qtbot, gui_db, staff, make_ctx, register,
                                                                 monkeypatch):
    e = register["E"]  # replied on 2025-03-28; its received date is corrected to after the reply
    data = cases.intake_of(gui_db, e.id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2025, 4, 2)
    cases.correct_registration(gui_db, staff["clerk"].actor(), e.id, data, "收到日期登记错误", today=TODAY)
    ctx = make_ctx(staff["head"], TODAY)
    view = open_view(qtbot, ctx)
    choose(qtbot, view, MARCH)
    assert view.table3_stack.currentWidget() is view.problems
    assert e.number in view.problems_text.toPlainText()
    assert "不平衡" in view.problems_heading.text()
    assert [view.problem_model.row_object(r).id for r in range(view.problem_model.rowCount())] == [e.id]
    assert not view.table4.isVisibleTo(view)

    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *_a: pytest.fail("no file dialog expected"))
    qtbot.mouseClick(view.export_buttons["xlsx"], Qt.MouseButton.LeftButton)
    assert view.error.isVisible()
    assert "不平衡,不能导出" in view.error.text() and e.number in view.error.text()

    opened: list[int] = []
    view.open_case.connect(opened.append)
    click(qtbot, view.problem_table, view.problem_model.index(0, 0), double=True)
    assert opened == [e.id]


# --- locks -----------------------------------------------------------------------------------------------
def test_a_clerk_cannot_lock(qtbot, staff, make_ctx, register):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY))
    assert not view.lock_button.isVisibleTo(view)
    head_view = open_view(qtbot, make_ctx(staff["head"], TODAY))
    assert head_view.lock_button.isVisibleTo(head_view) and head_view.lock_button.text() == "锁定本期"


def test_a_head_locks_and_a_recorded_correction_shows_beside_the_locked_figures(qtbot, gui_db, staff, make_ctx,
                                                                               register):
    ctx = make_ctx(staff["head"], TODAY)
    view = open_view(qtbot, ctx)
    choose(qtbot, view, MARCH)
    march = tally_service.tally(gui_db, MARCH.start, MARCH.end)

    answers = Answers("取消")
    qtbot.mouseClick(view.lock_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    assert tally_service.locks(gui_db) == [] and "锁定2025年3月" in answers.texts[0]

    answers = Answers("锁定")
    qtbot.mouseClick(view.lock_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.lock is not None and not view.loading)
    assert answers.texts and "锁定不能撤销" in answers.texts[0]
    [lock] = tally_service.locks(gui_db)
    assert (lock.start, lock.end) == (MARCH.start, MARCH.end) and lock.figures == march.to_json()
    assert not view.lock_button.isEnabled() and view.lock_button.text() == "本期已锁定"
    assert view.lock_note.isVisible() and "当前数字与锁定时一致" in view.lock_note.text()
    assert not view.lock_warning.isVisible()
    assert view.locks_page.model.rowCount() == 1 and view.locks_page.model.index(0, 0).data() == "2025年3月"
    assert view.changed_figures() == 0

    # G was replied 予以公开 on 03-06; the head records that it was in fact 部分公开
    tally_service.correct_locked_result(gui_db, staff["head"].actor(), register["G"].id, "partly_disclosed",
                                        date(2025, 3, 6), "答复书载明部分公开")
    ctx.data_changed()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.lock_warning.isVisible())
    assert not view.lock_note.isVisible()
    shown = shown_numbers(view)
    assert shown[("disclosed", "natural")] == "1 → 0"
    assert shown[("disclosed", "total")] == "1 → 0"
    assert shown[("partly_disclosed", "natural")] == "0 → 1"
    assert shown[("partly_disclosed", "total")] == "0 → 1"
    assert shown[("new", "total")] == str(march.cell("new"))  # unchanged figures read as before
    assert view.changed_figures() == 4
    changed = index_of(view, ("disclosed", "natural"))
    assert changed.data(Qt.ItemDataRole.BackgroundRole) == SOON_BACK
    assert "已锁定(已报送或公开)的数字:1" in changed.data(Qt.ItemDataRole.ToolTipRole)
    assert index_of(view, ("new", "total")).data(Qt.ItemDataRole.BackgroundRole) != SOON_BACK
    text = view.lock_warning_text.text()
    assert "报送或公开的是锁定时的数字" in text and "有 4 个数字与已报送的不同" in text

    # the year is not locked: no comparison there; the lock list leads back to March
    choose(qtbot, view, YEAR)
    assert not view.lock_warning.isVisible() and view.changed_figures() == 0
    assert view.lock_button.isEnabled()
    view.tabs.setCurrentWidget(view.locks_page)
    click(qtbot, view.locks_page.table, view.locks_page.model.index(0, 0), double=True)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.result.period == MARCH and not view.loading)
    assert view.picker.mode.currentData() == "month" and view.picker.month.currentIndex() == 2
    assert view.lock_warning.isVisible()


# --- the trend chart -------------------------------------------------------------------------------------
def test_the_chart_shows_new_and_concluded_requests_and_results_by_month(qtbot, gui_db, staff, make_ctx, register):
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx)
    choose(qtbot, view, YEAR)
    assert view.trend_page.flow_chart is None  # built when the tab is first shown
    view.tabs.setCurrentWidget(view.trend_page)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.trend_page.trend is not None and view.trend_page.trend.year == 2025)
    months = [tally_service.tally(gui_db, p.start, p.end) for p in (Period.month(2025, m) for m in range(1, 13))]
    assert [s.name() for s in view.trend_page.flow_chart.series()] == ["新收", "办结"]
    [bars] = view.trend_page.result_chart.series()
    assert [b.label() for b in bars.barSets()] == list(GROUP_NAMES.values())
    series = view.trend_page.chart_series()
    assert series["新收"] == [m.cell("new") for m in months]
    assert series["办结"] == [m.cell("total") for m in months]
    for group, name in GROUP_NAMES.items():
        assert series[name] == [m.cell(group) for m in months], name
    assert series["新收"][2] == 4 and series["办结"][2] == 3  # March: D E F G new; D E G concluded
    assert sum(series["不予公开"]) == 1 and series["不予公开"][1] == 1  # C in February

    # the current year: only the months that have begun carry a line
    choose(qtbot, view, Period.year(2026))
    qtbot.waitUntil(lambda: view.trend_page.trend is not None and view.trend_page.trend.year == 2026 and not ctx.tasks.busy)
    assert view.trend_page.trend.months == 2
    assert len(view.trend_page.chart_series()["新收"]) == 2
    assert "已过 2 个月" in view.trend_page.status.text()


def test_qtcharts_is_not_loaded_at_startup():
    code = ("import sys; import workstation.gui.main_window, workstation.gui.tally_view; "
            "print('PySide6.QtCharts' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_hidden_page_counts_again_only_when_shown(qtbot, gui_db, staff, make_ctx, register):
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx)
    assert shown_numbers(view)[("new", "total")] == str(tally_service.tally(gui_db, *YEAR_2026).cell("new"))
    before = shown_numbers(view)[("new", "total")]
    view.hide()
    cases.register(gui_db, staff["clerk"].actor(), person(handed_in_on=TODAY), today=TODAY)
    ctx.data_changed()
    wait_idle(qtbot, ctx)
    assert not ctx.tasks.busy and shown_numbers(view)[("new", "total")] == before  # no work behind the clerk
    view.show()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: shown_numbers(view)[("new", "total")] == str(int(before) + 1))


def test_a_click_on_a_number_of_table_four_lists_the_requests_appealed(qtbot, gui_db, staff, make_ctx, register):
    from workstation.services import review

    clerk = staff["clerk"].actor()
    decided = review.record_appeal(gui_db, clerk, register["C"].id, "review", date(2025, 4, 1), today=TODAY)
    review.set_appeal_result(gui_db, clerk, decided.id, "upheld", date(2025, 6, 1), today=TODAY)
    review.record_appeal(gui_db, clerk, register["E"].id, "review", date(2025, 5, 1), today=TODAY)  # pending
    ctx = make_ctx(staff["clerk"], TODAY)
    view = open_view(qtbot, ctx)
    choose(qtbot, view, YEAR)
    view.tabs.setCurrentIndex(1)  # 表四

    def cell(key):
        model = view.table4_model
        return next(model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                    if model.index(r, c).data(KEY_ROLE) == key)

    for key, expected in ((("review", "upheld"), ["C"]), (("review", "pending"), ["E"]),
                          (("review", "total"), ["C", "E"])):
        click(qtbot, view.table4, cell(key))
        wait_idle(qtbot, ctx)
        dialog = view.cases_dialog
        assert dialog is not None and dialog.isVisible(), key
        assert sorted(dialog.case_ids()) == sorted(register[n].id for n in expected), key
        assert dialog.heading.text().startswith("2025年 · 行政复议 · "), dialog.heading.text()
        dialog.close()
        qtbot.waitUntil(lambda: view.cases_dialog is None)
    click(qtbot, view.table4, cell(("litigation_direct", "upheld")))  # a zero lists nothing
    wait_idle(qtbot, ctx)
    assert view.cases_dialog is None
