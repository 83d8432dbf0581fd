"""台账: the paged table model and the filters a clerk uses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from helpers.gui import QT_NOISE, type_text
from PySide6.QtCore import QPoint, Qt

from workstation.domain.status import Status
from workstation.gui.main_window import MainWindow
from workstation.gui.register_model import COLUMNS, MAX_PAGES, PAGE, RegisterModel
from workstation.gui.register_view import RegisterView
from workstation.gui.widgets import OVERDUE_TEXT, SOON_TEXT
from workstation.services import queries
from workstation.services.demo import fill_demo
from workstation.services.gui_queries import due_soon_limit
from workstation.services.queries import CaseFilter
from workstation.services.users import list_users

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo(gui_db):
    """A register of 300 sample requests; its users are the demo's (clerk, head, …)."""
    fill_demo(gui_db, cases=300, today=TODAY)
    return {u.login: u for u in list_users(gui_db)}


@pytest.fixture
def view(qtbot, demo, make_ctx) -> RegisterView:
    register = RegisterView(make_ctx(demo["clerk"], TODAY))
    qtbot.addWidget(register)
    register.resize(1300, 700)
    register.show()
    qtbot.waitUntil(lambda: not register.loading)
    return register


def rows_after(qtbot, view: RegisterView, action) -> int:
    with qtbot.waitSignal(view.loaded, timeout=5000) as blocker:
        action()
    return blocker.args[0]


def test_model_passes_the_model_tester(qtmodeltester, gui_db, demo):
    model = RegisterModel(lambda ids: queries.fetch_cases(gui_db, ids))
    ids = queries.list_case_ids(gui_db, CaseFilter(), today=TODAY)
    model.set_ids(ids, TODAY, due_soon_limit(gui_db, TODAY))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 300 and model.columnCount() == len(COLUMNS)


def test_model_reads_only_the_pages_it_shows_of_a_hundred_thousand_rows(qtbot, gui_db, demo):
    sample = queries.fetch_cases(gui_db, queries.list_case_ids(gui_db, CaseFilter())[:1])[0]
    asked: list[int] = []

    def fetch(ids: list[int]):
        asked.extend(ids)
        return [replace(sample, id=i, number=f"第{i}号") for i in ids]

    model = RegisterModel(fetch)
    model.set_ids(list(range(1, 100_001)), TODAY, TODAY)
    from PySide6.QtWidgets import QTableView

    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(800, 600)
    table.show()
    qtbot.waitExposed(table)
    table.scrollToBottom()
    qtbot.wait(20)
    assert model.index(99_999, 0).data() == "第100000号"
    assert model.fetches <= 3 and len(asked) <= 3 * PAGE
    for row in range(0, 100_000, PAGE):  # a scroll through everything keeps a bounded number of pages
        model.index(row, 0).data()
    assert model.pages_held() == MAX_PAGES


def test_search_box_and_view_filter_change_the_rows(qtbot, view, gui_db):
    assert view.model.rowCount() == 300 and view.count_label.text() == "共 300 件"
    expected = queries.count_cases(gui_db, CaseFilter(search="宏达"), today=TODAY)
    assert 0 < expected < 300
    assert rows_after(qtbot, view, lambda: type_text(qtbot, view.search, "宏达")) == expected
    assert view.model.rowCount() == expected and view.count_label.text() == f"共 {expected} 件"
    assert all("宏达" in view.model.case(r).applicant_name + view.model.case(r).content
               for r in range(expected))

    overdue = queries.count_cases(gui_db, CaseFilter(view="overdue", search="宏达"), today=TODAY)
    index = view.view_filter.findData("overdue")
    assert rows_after(qtbot, view, lambda: view.view_filter.setCurrentIndex(index)) == overdue

    assert rows_after(qtbot, view, lambda: qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)) == 300
    assert view.search.text() == "" and view.view_filter.currentData() == "all"


def test_the_search_waits_for_the_clerk_to_stop_typing(qtbot, view):
    loads: list[int] = []
    view.loaded.connect(loads.append)
    for part in ("1", "3", "8"):
        qtbot.keyClicks(view.search, part)
    qtbot.wait(100)
    assert loads == []  # still typing
    qtbot.waitUntil(lambda: len(loads) == 1, timeout=3000)
    qtbot.wait(400)
    assert len(loads) == 1


def test_filters_by_period_kind_and_result(qtbot, view, gui_db):
    f = CaseFilter(applicant_kind="commercial")
    kind = view.kind_filter.findData("commercial")
    assert rows_after(qtbot, view, lambda: view.kind_filter.setCurrentIndex(kind)) == \
        queries.count_cases(gui_db, f, today=TODAY)
    group = view.result_filter.findData("withheld")
    assert rows_after(qtbot, view, lambda: view.result_filter.setCurrentIndex(group)) == \
        queries.count_cases(gui_db, replace(f, result_key="withheld"), today=TODAY)
    view.clear_filters()
    qtbot.waitUntil(lambda: not view.loading)
    from workstation.gui.widgets import to_qdate

    rows_after(qtbot, view, lambda: view.received_from.setDate(to_qdate(date(2026, 1, 1))))
    assert view.model.rowCount() == queries.count_cases(gui_db, CaseFilter(received_from=date(2026, 1, 1)),
                                                        today=TODAY)


def test_clicking_a_header_sorts_in_the_database(qtbot, view, gui_db):
    header = view.table.horizontalHeader()
    section = next(i for i, c in enumerate(COLUMNS) if c.sort_key == "number")
    x = header.sectionViewportPosition(section) + 10
    rows_after(qtbot, view, lambda: qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                                                     pos=QPoint(x, 5)))
    key, descending = view._sort  # noqa: SLF001
    assert key == "number"
    ids = queries.list_case_ids(gui_db, CaseFilter(), sort="number", descending=descending, today=TODAY)
    assert [view.model.case_id(r) for r in range(300)] == ids

    unsortable = next(i for i, c in enumerate(COLUMNS) if c.sort_key is None and not view.table.isColumnHidden(i))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(unsortable) + 10, 5))
    assert header.sortIndicatorSection() == section and view._sort[0] == "number"  # noqa: SLF001


def test_overdue_rows_are_red_and_due_soon_rows_amber(view):
    states = {}
    for row in range(view.model.rowCount()):
        case = view.model.case(row)
        state = view.model.state(case)
        colour = view.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
        states.setdefault(state, colour)
        if state == "overdue":
            assert case.status in queries.RUNNING and case.due < TODAY
    assert states["overdue"] == OVERDUE_TEXT and states["soon"] == SOON_TEXT and states[""] is None


def test_id_numbers_are_masked(view):
    column = next(i for i, c in enumerate(COLUMNS) if c.title == "证件号码")
    text = view.model.index(0, column).data()
    assert "********" in text and len(text) == 18


def test_double_click_opens_the_case(qtbot, demo, make_ctx):
    window = MainWindow(make_ctx(demo["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_register("correction")
    register = window.register
    qtbot.waitUntil(lambda: not register.loading and register.model.rowCount() > 0)
    rect = register.table.visualRect(register.model.index(0, 0))
    # a real double click: the first click, then the second press that Qt reports as a double click
    qtbot.mouseClick(register.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(register.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    case_id = register.model.case_id(0)
    assert case_id in window.case_windows
    case_view = window.case_windows[case_id]
    qtbot.waitUntil(lambda: case_view.case is not None)  # its page is read by the worker
    assert case_view.case.status is Status.CORRECTION
    case_view.close()


def test_enter_on_a_row_opens_the_case(qtbot, view):
    opened: list[int] = []
    view.open_case.connect(opened.append)
    view.table.setFocus()
    view.table.selectRow(2)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened == [view.model.case_id(2)]


def test_enter_in_the_search_box_searches_and_opens_nothing(qtbot, view):
    opened: list[int] = []
    view.open_case.connect(opened.append)
    view.table.selectRow(2)
    view.search.setFocus()
    type_text(qtbot, view.search, "王")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert opened == []


def test_the_register_goes_to_excel_whole_as_filtered_and_shown(qtbot, view, demo, make_ctx, tmp_path):
    """Every filtered row (300: more than a page), the columns shown in their order, IDs masked for a clerk."""
    from helpers.gui import Answers
    from openpyxl import load_workbook

    header = view.table.horizontalHeader()
    header.moveSection(header.visualIndex(2), 0)  # 申请人 first
    view.table.setColumnHidden([c.title for c in COLUMNS].index("所需信息"), True)
    columns = view.shown_columns()
    assert columns[0] == "申请人" and "所需信息" not in columns
    assert view.ask_reveal(columns) is False  # a clerk is not asked: masked
    out = tmp_path / "台账.xlsx"
    view.start_export(out, columns, False)
    qtbot.waitUntil(lambda: not view.exporting, timeout=20000)
    rows = [[c.value for c in r] for r in load_workbook(out)["台账"].iter_rows()]
    assert rows[2] == columns and len(rows) - 3 == view.model.rowCount() == 300
    assert all("*" in (r[columns.index("证件号码")] or "*") for r in rows[3:])
    assert "已导出 300 件" in view.count_label.text()

    head_view = RegisterView(make_ctx(demo["head"], TODAY))
    qtbot.addWidget(head_view)
    answers = Answers("完整导出")
    assert head_view.ask_reveal(columns) is True
    assert "个人信息" in answers.texts[0]


def test_the_search_box_takes_at_most_200_characters(view):
    view.search.setText("王" * 100_000)  # a paste: cut to what the search can use
    assert len(view.search.text()) == queries.MAX_SEARCH == 200


def test_down_from_the_search_box_goes_to_the_rows(qtbot, view):
    view.search.setFocus()
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.focusWidget() is view.table and view.table.currentIndex().row() == 0  # (active or not: xcb)
    assert view.table.selectionModel().isRowSelected(0)


def _arrow_rows(view, order):
    """The widths of the sort arrow's rows, top to bottom, as the header paints them."""
    header = view.table.horizontalHeader()
    section = 1
    header.setSortIndicator(section, order)
    image = header.grab().toImage()
    scale = image.devicePixelRatio()  # the image is in device pixels (QT_SCALE_FACTOR=1.25: 1.25 a pixel)
    left, width = header.sectionViewportPosition(section), header.sectionSize(section)
    text_right = left + (width + header.fontMetrics().horizontalAdvance(COLUMNS[section].title)) // 2
    rows = []
    for y in range(image.height()):
        dark = sum(1 for x in range(round((text_right + 1) * scale), round((left + width - 2) * scale))
                   if image.pixelColor(x, y).lightness() < 140)
        if dark:
            rows.append(dark)
    return rows


def test_the_sort_arrow_points_up_for_ascending_and_down_for_descending_as_in_excel(qtbot, view):
    up = _arrow_rows(view, Qt.SortOrder.AscendingOrder)
    down = _arrow_rows(view, Qt.SortOrder.DescendingOrder)
    assert len(up) >= 2 and len(down) >= 2, (up, down)
    assert up[0] < up[-1], up  # ▲: narrow at the top
    assert down[0] > down[-1], down  # ▼: wide at the top


def test_a_waiting_request_shows_the_date_awaited_and_every_row_who_registered_it(qtbot, view, demo):
    titles = [c.title for c in COLUMNS]
    due, handler, replied = titles.index("答复期限"), titles.index("承办人"), titles.index("答复日期")
    assert not view.table.isColumnHidden(handler) and not view.table.isColumnHidden(replied)
    names = {u.display_name for u in demo.values()}
    waiting = closed = 0
    for row in range(view.model.rowCount()):
        case = view.model.case(row)
        shown = {i: view.model.index(row, i).data() for i in (due, handler, replied)}
        assert shown[handler] in names, shown
        if case.status in (Status.CORRECTION, Status.PAUSED) and case.waiting is not None:
            waiting += 1
            assert shown[due].startswith(case.waiting.end.isoformat()) and shown[due].endswith("期限)") or \
                shown[due].endswith("预计)"), shown
        if case.closed_on:
            closed += 1
            assert shown[replied] == case.closed_on.isoformat()
    assert waiting and closed


def test_the_first_page_comes_with_the_list_from_the_worker(qtbot, view, gui_db):
    """The rows shown first after a (re)load were read on the worker with the ids: the GUI thread reads a page
    only when the clerk scrolls to it."""
    view.reload()
    qtbot.waitUntil(lambda: not view.loading)
    top = queries.fetch_cases(gui_db, [view.model.case_id(row) for row in range(3)])
    qtbot.wait(20)  # painted
    assert [view.model.index(row, 0).data() for row in range(3)] == [c.number for c in top]
    assert view.model.fetches == 0
    view.model.index(view.model.rowCount() - 1, 0).data()
    assert view.model.fetches == 1
