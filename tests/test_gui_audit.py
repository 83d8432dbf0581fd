"""The audit viewer (审计): the office's history paged from the database, its filters and the chain check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers.gui import QT_NOISE, type_date, type_text, wait_idle
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from workstation.domain.intake import IntakeData
from workstation.gui.audit_view import PAGE, AuditView, action_label
from workstation.gui.main_window import MainWindow
from workstation.gui.widgets import to_qdate
from workstation.services import audit, cases
from workstation.services.audit import AuditFilter
from workstation.services.base import writing
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.models import Event, Request

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


def register(db, user, name: str) -> int:
    data = IntakeData(channel="in_person", handed_in_on=date(2026, 6, 1), applicant_name=name,
                      id_number="11010519491231002X", phone="13800138000", content="申请公开本镇道路工程招标文件")
    return cases.register(db, user.actor(), data, today=TODAY).case.id


@pytest.fixture
def history(gui_db, staff) -> list[int]:
    """Two cases, one of them paused and resumed, by the clerk; a third by the head."""
    first = register(gui_db, staff["clerk"], "王小明")
    second = register(gui_db, staff["clerk"], "李小红")
    cases.start_pause(gui_db, staff["clerk"].actor(), second, "third_party", date(2026, 6, 3), today=TODAY)
    cases.end_pause(gui_db, staff["clerk"].actor(), second, date(2026, 6, 8), today=TODAY)
    third = register(gui_db, staff["head"], "赵小刚")
    return [first, second, third]


def open_audit(qtbot, ctx) -> AuditView:
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    return view


def column(view: AuditView, col: int) -> list[str]:
    return [view.model.index(row, col).data() for row in range(view.model.rowCount())]


def test_the_whole_history_newest_first(qtbot, gui_db, staff, make_ctx, history):
    view = open_audit(qtbot, make_ctx(staff["head"], TODAY))
    everything = audit.list_events(gui_db, limit=10_000, viewer=SYSTEM_ACTOR)
    assert view.count_label.text() == f"共 {len(everything)} 条记录"
    assert view.model.rowCount() == len(everything)
    assert column(view, 0) == [str(e.seq) for e in everything]
    assert column(view, 3) == [action_label(e.action) for e in everything]
    number = cases.get_case(gui_db, history[2]).number
    assert view.model.index(0, 4).data() == number and view.model.index(0, 2).data() == "王主任"
    assert "新建用户" in column(view, 3)


def test_filtering_by_action_user_case_and_date(qtbot, gui_db, staff, make_ctx, history):
    ctx = make_ctx(staff["head"], TODAY)
    view = open_audit(qtbot, ctx)
    combo = view.action_filter
    assert combo.findData("pause_started") >= 0 and combo.itemText(combo.findData("pause_started")) == "暂停计时"
    combo.setCurrentIndex(combo.findData("registered"))
    wait_idle(qtbot, ctx)
    registered = audit.list_events(gui_db, action="registered", viewer=SYSTEM_ACTOR)
    assert len(registered) == 3
    assert view.count_label.text() == "共 3 条记录"
    assert set(column(view, 3)) == {"登记"}

    view.actor_filter.setCurrentIndex(view.actor_filter.findData("王主任"))
    wait_idle(qtbot, ctx)
    assert column(view, 2) == ["王主任"] and view.count_label.text() == "共 1 条记录"

    view.clear_filters()
    wait_idle(qtbot, ctx)
    second = cases.get_case(gui_db, history[1]).number
    type_text(qtbot, view.case_filter, second)
    qtbot.keyClick(view.case_filter, Qt.Key.Key_Return)
    wait_idle(qtbot, ctx)
    assert set(column(view, 4)) == {second}
    assert column(view, 3) == ["恢复计时", "暂停计时", "登记"]

    view.case_filter.clear()
    type_text(qtbot, view.case_filter, "不存在的编号")
    qtbot.keyClick(view.case_filter, Qt.Key.Key_Return)
    wait_idle(qtbot, ctx)
    assert view.error.isVisible() and view.error.text() == "找不到受理编号为“不存在的编号”的申请"
    assert view.model.rowCount() == 0

    view.clear_filters()
    wait_idle(qtbot, ctx)
    assert not view.error.isVisible() and view.model.rowCount() == len(audit.list_events(gui_db, limit=10_000, viewer=SYSTEM_ACTOR))
    tomorrow = date.today() + timedelta(days=1)  # events carry the real clock's time
    view.date_from.setDate(to_qdate(tomorrow))  # as picked from the calendar (the field shows 不限)
    wait_idle(qtbot, ctx)
    assert view.model.rowCount() == 0 and view.count_label.text() == "共 0 条记录"
    type_date(qtbot, view.date_from, date.today())  # now it holds a date, it can be typed over
    wait_idle(qtbot, ctx)
    assert view.model.rowCount() == len(audit.list_events(gui_db, limit=10_000, viewer=SYSTEM_ACTOR))
    view.date_to.setDate(to_qdate(date.today()))  # a one-day range holds that whole local day
    wait_idle(qtbot, ctx)
    assert view.model.rowCount() == len(audit.list_events(gui_db, limit=10_000, viewer=SYSTEM_ACTOR))
    type_date(qtbot, view.date_to, date.today() - timedelta(days=1))
    wait_idle(qtbot, ctx)
    assert view.model.rowCount() == 0


def test_the_chain_check_runs_in_the_worker_and_shows_its_result(qtbot, gui_db, staff, make_ctx, history):
    ctx = make_ctx(staff["head"], TODAY)
    view = open_audit(qtbot, ctx)
    assert not view.chain_label.isVisible()
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    report = audit.verify_chain(gui_db)
    assert report.ok
    assert view.chain_label.isVisible() and view.chain_label.text() == f"审计记录完整:共 {report.events} 条,哈希链校验通过。"

    with gui_db.write() as s:
        s.execute(update(Event).where(Event.action == "pause_started").values(note="事后改动"))
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    text = view.chain_label.text()
    assert text.startswith("审计记录校验失败") and "内容被改动" in text


def test_a_long_history_is_read_a_page_at_a_time(qtbot, gui_db, staff, make_ctx, qtmodeltester):
    with writing(gui_db, staff["admin"].actor()) as tx:
        for i in range(2 * PAGE + 50):
            tx.event("settings_changed", after={"key": "office.phone", "value": str(i)})
    ctx = make_ctx(staff["admin"], TODAY)
    view = open_audit(qtbot, ctx)
    total = len(audit.list_events(gui_db, limit=10_000, viewer=SYSTEM_ACTOR))
    assert view.model.rowCount() == total > 2 * PAGE
    assert view.model.fetches <= 1  # only the rows on screen were read
    view.table.scrollToBottom()
    qtbot.wait(50)
    assert view.model.index(total - 1, 0).data() == "1"
    assert view.model.fetches <= 3
    qtmodeltester.check(view.model)


def test_events_after_the_count_do_not_shift_the_pages(gui_db, staff):
    register(gui_db, staff["clerk"], "王小明")
    count, newest = audit.count_events(gui_db, AuditFilter())
    register(gui_db, staff["clerk"], "李小红")
    rows = audit.list_events(gui_db, where=AuditFilter(upto_seq=newest), limit=10_000, viewer=SYSTEM_ACTOR)
    assert len(rows) == count and rows[0].seq == newest


def test_only_the_head_and_the_admin_see_the_audit_page(qtbot, staff, make_ctx):
    for login, sees in (("clerk", False), ("reviewer", False), ("head", True), ("admin", True)):
        window = MainWindow(make_ctx(staff[login], TODAY))
        qtbot.addWidget(window)
        items = [window.nav.item(i) for i in range(window.nav.count())]
        audit_item = next(item for item in items if item.text() == "审计")
        assert audit_item.isHidden() is not sees, login
        if sees:
            assert isinstance(window.show_page("audit"), AuditView)


def test_the_chain_check_names_a_request_row_changed_behind_the_program(qtbot, gui_db, staff, make_ctx, history):
    with gui_db.write() as s:
        number = s.execute(select(Request.number).order_by(Request.id).limit(1)).scalar_one()
        s.execute(update(Request).where(Request.number == number).values(status="closed"))
    ctx = make_ctx(staff["head"], TODAY)
    view = open_audit(qtbot, ctx)
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    text = view.chain_label.text()
    assert text.startswith("审计记录校验失败") and f"· {number}:状态 登记为「已办结」" in text
