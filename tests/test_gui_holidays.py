"""节假日: importing the State Council's notice for a year and seeing which due dates moved."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workstation.domain.calendar import Source
from workstation.domain.intake import IntakeData
from workstation.gui.holidays_view import HolidaysView
from workstation.gui.main_window import MainWindow
from workstation.services import calendar as calendar_service
from workstation.services import cases

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 12, 10)  # late in the year: due dates already run into 2027, which is provisional

# Written for this test in the style of the real notices; not the State Council's 2027 schedule.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：

经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。

一、元旦：2026年12月31日（周四）至2027年1月3日（周日）放假调休，共4天。1月9日（周六）上班。

二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月31日（周日）、2月20日（周六）上班。

三、清明节：4月3日（周六）至5日（周一）放假，共3天。

四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。

五、端午节：6月9日（周三）放假，共1天。

六、中秋节：9月15日（周三）放假，共1天。

七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。

国务院办公厅
2026年11月5日
"""


def register(db, user, received: date, name: str) -> int:
    data = IntakeData(channel="in_person", handed_in_on=received, applicant_name=name,
                      id_number="11010519491231002X", phone="13800138000", content="申请公开某项目的批复文件")
    return cases.register(db, user.actor(), data, today=TODAY).case.id


@pytest.fixture
def view(qtbot, staff, make_ctx) -> HolidaysView:
    holidays = HolidaysView(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(holidays)
    holidays.resize(1300, 720)
    holidays.show()
    return holidays


def paste(qtbot, view: HolidaysView, text: str) -> None:
    QApplication.clipboard().setText(text)
    view.text.setFocus()
    qtbot.keyClick(view.text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_importing_a_notice_lists_the_due_dates_it_moved(qtbot, gui_db, staff, view):
    into_2027 = register(gui_db, staff["clerk"], TODAY, "王小明")
    before = cases.get_case(gui_db, into_2027)
    assert before.due == date(2027, 1, 8) and before.due_provisional
    this_year = register(gui_db, staff["clerk"], date(2026, 11, 2), "李四")
    unchanged_due = cases.get_case(gui_db, this_year).due

    view.set_year(2027)
    assert "预估" in view.year_source.text()
    paste(qtbot, view, NOTICE_2027)
    assert view.text.toPlainText().startswith("国务院办公厅关于2027年")
    assert not view.import_button.isEnabled()  # preview first
    qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)

    shown = [view.preview_list.item(i).text() for i in range(view.preview_list.count())]
    assert "2026-12-31 星期四  放假  元旦" in shown
    assert "2027-01-09 星期六  上班  (元旦调休)" in shown
    assert view.summary.text().startswith("将导入2027年:放假 30 天,调休上班 7 天")
    assert view.year.value() == 2027
    assert calendar_service.imported_years(gui_db) == {}  # nothing saved by a preview

    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, view.ctx)
    qtbot.waitUntil(view.moved_table.isVisible)
    assert 2027 in calendar_service.imported_years(gui_db)
    assert view.moved_title.text().startswith("已导入2027年节假日安排。1 件未办结申请的答复期限有变化")
    rows = [[view.moved_model.index(r, c).data() for c in range(4)] for r in range(view.moved_model.rowCount())]
    assert rows == [[before.number, "王小明", "2027-01-08", "2027-01-09"]]
    after = cases.get_case(gui_db, into_2027)
    assert after.due == date(2027, 1, 9) and not after.due_provisional
    assert cases.get_case(gui_db, this_year).due == unchanged_due
    assert "已导入" in view.year_source.text()
    january_9 = next(d for d in view.grid.days if d.day == date(2027, 1, 9))
    assert january_9.working and january_9.source is Source.IMPORTED


def test_a_text_that_is_not_a_notice_is_refused_with_a_message(qtbot, view):
    paste(qtbot, view, "这不是节假日安排通知。")
    qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)
    assert view.error.isVisible() and view.error.text()
    assert not view.import_button.isEnabled() and not view.preview_list.isVisible()


def test_the_dashboard_warns_about_a_provisional_year_and_leads_to_the_import(qtbot, gui_db, staff, make_ctx):
    register(gui_db, staff["clerk"], TODAY, "王小明")
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, window.ctx)
    banner = window.dashboard.holiday_text
    assert banner.isVisible() and "2027年的节假日安排尚未导入" in banner.text() and "1 件" in banner.text()
    qtbot.mouseClick(window.dashboard.holiday_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.holidays
    assert window.holidays.year.value() == 2027
