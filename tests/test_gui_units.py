"""Issue 19 on the screen: the admin's units, 转办 → 签收 → 答复草稿 → 采纳 in the case window, the 督办 panel
of the office's dashboard and the unit's own list, the tally by unit; with no units nothing of it shows."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import PASSWORD, QT_NOISE, click, open_view, save, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from test_gui_layout import ALLOWED, LATIN, _fit, latin_words, layout_problems, the_programs_look  # noqa: F401
from test_gui_tally import open_view as open_tally

from workstation.domain.handover import HandoverStatus
from workstation.domain.intake import IntakeData
from workstation.domain.status import Role
from workstation.gui.list_table import title_width
from workstation.gui.pdf_preview_dialog import PdfPreviewDialog
from workstation.services import cases, handover, units, users

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

MON = date(2026, 3, 2)  # a Monday; March 2026 has no holiday


def register(db, user, name: str = "王小明") -> int:
    data = IntakeData(channel="in_person", handed_in_on=MON, applicant_name=name, id_number="11010519491231002X",
                      phone="13800138000", content="申请公开本镇2025年道路硬化工程的招标文件")
    return cases.register(db, user.actor(), data, today=MON).case.id


@pytest.fixture
def county(gui_db, staff):
    """Two units, a clerk in each (roles 承办人 and 负责人), and the office's own users."""
    admin = staff["admin"].actor()
    roads = units.create_unit(gui_db, admin, "交通运输局", "县直部门")
    town = units.create_unit(gui_db, admin, "城关镇人民政府", "乡镇街道")
    made = dict(staff)
    for login, name, unit in (("roads", "交通局承办", roads), ("town", "城关镇承办", town)):
        info = users.create_user(gui_db, admin, login, name, PASSWORD, {Role.CLERK, Role.HEAD})
        units.set_user_unit(gui_db, admin, info.id, unit.id)
        made[login] = users.authenticate(gui_db, login, PASSWORD)
    made["units"] = {"roads": roads, "town": town}
    return made


def timeline_words(view) -> set[str]:
    """Latin words in the case's timeline (the events of 转办 are worded for the clerk too)."""
    model = view.timeline_model
    texts = [str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount())]
    return {w for t in texts for w in LATIN.findall(t) if w not in ALLOWED}


def _check_unit(dialog, name: str) -> None:
    for i in range(dialog.unit_list.count()):
        item = dialog.unit_list.item(i)
        if item.text().startswith(name):
            item.setCheckState(Qt.CheckState.Checked)


def test_hand_over_sign_for_draft_and_accept_in_the_case_window(qtbot, gui_db, county, make_ctx):
    case_id = register(gui_db, county["clerk"])
    office = make_ctx(county["clerk"], MON)
    view = open_view(qtbot, office, case_id)
    panel = view.handover_panel
    assert panel.isVisible() and panel.model.rowCount() == 0
    assert "审查…" in view.review_buttons["review"].text()
    # the office's clerk hands it over: the internal deadline comes prefilled (5 working days before 30 March)
    click(qtbot, panel.buttons["hand_over"])
    dialog = panel.dialog
    qtbot.waitExposed(dialog)
    assert dialog.due_edit.date().toPython() == date(2026, 3, 23)
    assert latin_words(dialog) == set()
    save(qtbot, dialog)  # no unit chosen: refused beside the list
    assert dialog.isVisible() and dialog.error("units").text() == "请选择承办单位"
    _check_unit(dialog, "交通运输局")
    type_text(qtbot, dialog.note, "请提供招标文件")
    save(qtbot, dialog)
    wait_idle(qtbot, office)
    assert "已转办给交通运输局" in view.info.text()
    assert [(h.unit, h.status) for h in panel.page.handovers] == [("交通运输局", HandoverStatus.HANDED)]
    assert panel.model.index(0, 1).data() == "待签收"
    assert panel.buttons["accept_draft"].isHidden()  # the reviewer's step
    assert panel.buttons["withdraw_handover"].isEnabled()
    click(qtbot, panel.sheet_button)  # the 转办单, to print or save
    wait_idle(qtbot, office)
    [sheet] = view.findChildren(PdfPreviewDialog)
    assert sheet.windowTitle().endswith("转办单 政依申〔2026〕第0001号 交通运输局") and sheet.page_count == 1
    sheet.close()
    click(qtbot, panel.buttons["hand_over"])  # again: the unit holding it cannot be chosen twice
    again = panel.dialog
    [roads_item] = [again.unit_list.item(i) for i in range(again.unit_list.count())
                    if again.unit_list.item(i).text().startswith("交通运输局")]
    assert "已转办,待签收" in roads_item.text() and not roads_item.flags() & Qt.ItemFlag.ItemIsEnabled
    again.reject()
    view.close()

    # the unit's user signs for it and submits its draft; the case's own steps are the office's
    unit = make_ctx(county["roads"], MON)
    uview = open_view(qtbot, unit, case_id)
    upanel = uview.handover_panel
    assert set(upanel.buttons) == {"sign_for", "return", "submit_draft"}
    assert not upanel.buttons["submit_draft"].isEnabled()
    assert upanel.buttons["submit_draft"].toolTip() == "请先签收,签收后才能提交答复草稿"
    assert not uview.buttons["correction"].isEnabled()
    assert uview.buttons["correction"].toolTip().startswith("此步骤由办公室办理")
    click(qtbot, upanel.buttons["sign_for"])
    save(qtbot, upanel.dialog)
    wait_idle(qtbot, unit)
    assert "已签收" in uview.info.text() and upanel.model.index(0, 1).data() == "办理中"
    click(qtbot, upanel.buttons["submit_draft"])
    draft = upanel.dialog
    qtbot.waitExposed(draft)
    assert latin_words(draft) == set()
    save(qtbot, draft)
    assert draft.error("result").text() == "请选择拟答复结果" and draft.error("text").text() == "请填写答复草稿"
    draft.result.setCurrentIndex(draft.result.findData("disclosed"))
    type_text(qtbot, draft.text, "拟予公开招标文件")
    type_text(qtbot, draft.opinion, "经审查不涉密")
    save(qtbot, draft)
    wait_idle(qtbot, unit)
    assert "答复草稿已提交办公室" in uview.info.text()
    assert not uview.issue_button.isEnabled() and uview.issue_button.toolTip().startswith("文书以办公室的名义出具")
    assert uview.id_button.isHidden()  # a unit never sees the whole ID number, whatever its roles
    assert upanel.model.index(0, 4).data().startswith("予以公开")
    uview.close()

    # the office's reviewer accepts the draft: the office's review then opens
    reviewer = make_ctx(county["reviewer"], MON)
    rview = open_view(qtbot, reviewer, case_id)
    clerk_view = open_view(qtbot, make_ctx(county["clerk"], MON), case_id)
    assert not clerk_view.review_buttons["review"].isEnabled()
    assert "草稿已提交" in clerk_view.review_buttons["review"].toolTip()
    rpanel = rview.handover_panel
    assert rpanel.buttons["hand_over"].isHidden()
    assert rpanel.buttons["accept_draft"].isEnabled()
    click(qtbot, rpanel.buttons["accept_draft"])
    accept = rpanel.dialog
    qtbot.waitExposed(accept)
    assert latin_words(accept) == set()
    save(qtbot, accept)
    wait_idle(qtbot, reviewer)
    assert "已采纳交通运输局的答复草稿" in rview.info.text()
    assert rpanel.model.index(0, 1).data() == "草稿已采纳"
    assert timeline_words(rview) == set()
    assert "承办单位:交通运输局" in rview.timeline_model.index(0, 4).data()
    clerk_view.refresh()
    wait_idle(qtbot, clerk_view.ctx)
    assert clerk_view.review_buttons["review"].isEnabled()


def test_a_unit_sends_it_back_with_a_reason(qtbot, gui_db, county, make_ctx):
    case_id = register(gui_db, county["clerk"])
    handover.hand_over(gui_db, county["clerk"].actor(), case_id, [county["units"]["town"].id], today=MON)
    ctx = make_ctx(county["town"], MON)
    view = open_view(qtbot, ctx, case_id)
    click(qtbot, view.handover_panel.buttons["return"])
    dialog = view.handover_panel.dialog
    save(qtbot, dialog)
    assert dialog.error("reason").text() == "请填写退回理由"
    type_text(qtbot, dialog.reason, "本镇未制作该信息")
    save(qtbot, dialog)
    assert [h.status for h in handover.handovers_of(gui_db, case_id, viewer=county["clerk"].actor())] == [
        HandoverStatus.RETURNED]


def test_with_no_units_the_case_window_shows_nothing_new(qtbot, gui_db, staff, make_ctx):
    case_id = register(gui_db, staff["clerk"])
    view = open_view(qtbot, make_ctx(staff["clerk"], MON), case_id)
    assert view.handover_panel.isHidden()
    assert view.review_buttons["review"].isEnabled()


def _dashboard(qtbot, ctx):
    from workstation.gui.dashboard_view import DashboardView

    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    return view


def test_the_units_dashboard_lists_its_requests_and_the_office_chases_it(qtbot, gui_db, county, make_ctx):
    mine = register(gui_db, county["clerk"])
    theirs = register(gui_db, county["clerk"], "李四")
    office_actor = county["clerk"].actor()
    handover.hand_over(gui_db, office_actor, mine, [county["units"]["roads"].id], today=MON)
    handover.hand_over(gui_db, office_actor, theirs, [county["units"]["town"].id], today=MON)
    later = date(2026, 3, 5)  # Thursday: three working days without signing for
    unit = make_ctx(county["roads"], later)
    board = _dashboard(qtbot, unit)
    panel = board.supervision
    assert panel.isVisible() and board.new_button.isHidden()
    assert [(h.number, h.status_label) for h in panel.data.work] == [
        (cases.get_case(gui_db, mine).number, "待签收")]  # not the town's request
    assert panel.work_model.index(0, 3).data() == "2026-03-23"
    assert "待签收 1 件" in panel.info.text()
    assert latin_words(board) == set()
    opened = []
    panel.open_case.connect(opened.append)
    panel.work.selectRow(0)
    qtbot.keyClick(panel.work, Qt.Key.Key_Return)
    assert opened == [mine]

    # the office's dashboard: the roads board shows the request not signed for, and a 督办 is recorded
    office = make_ctx(county["clerk"], later)
    font = QApplication.font()
    large = QFont(font)
    large.setPointSizeF(font.pointSizeF() * 1.3)  # as wide as the CJK fonts of a real desk are
    QApplication.setFont(large)
    try:
        oboard = _dashboard(qtbot, office)
    finally:
        QApplication.setFont(font)
    opanel = oboard.supervision
    assert opanel.isVisible()
    names = [b.unit for b in opanel.data.boards]
    assert sorted(names) == ["交通运输局", "城关镇人民政府"]
    oboard.resize(1366 - 112, 700)  # the dashboard's room on a 1366-pixel screen (beside the side bar)
    qtbot.waitUntil(lambda: opanel.boards.viewport().width() > 0)
    header = opanel.boards.horizontalHeader()
    for column in range(header.count()):  # every title whole, every count readable without scrolling, 已督办 too
        needed = title_width(opanel.boards, column)
        assert header.sectionSize(column) >= needed, (column, header.sectionSize(column), needed)
        assert header.sectionViewportPosition(column) + needed <= opanel.boards.viewport().width(), column
    opanel.boards.selectRow(names.index("交通运输局"))
    assert opanel.board_model.index(names.index("交通运输局"), 2).data() == "1"  # 逾期未签收
    assert opanel.chase_model.rowCount() == 1
    assert "逾期未签收" in opanel.chase_model.index(0, 4).data()
    assert latin_words(oboard) == set()
    chased = []
    opanel.open_case.connect(chased.append)
    opanel.chases.selectRow(0)
    qtbot.keyClick(opanel.chases, Qt.Key.Key_Return)  # Enter opens the request, as in the register
    assert chased == [mine]
    click(qtbot, opanel.remind_button)
    dialog = opanel.dialog
    qtbot.waitExposed(dialog)
    assert dialog.case.currentData() == mine
    assert latin_words(dialog) == set()
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, office)
    assert dialog.isVisible() and dialog.form.error("note").text() == "请填写督办内容"
    type_text(qtbot, dialog.note, "请尽快签收")
    dialog.print_box.setChecked(True)
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, office)
    assert "已向交通运输局督办" in opanel.said.text()
    [notice] = oboard.findChildren(PdfPreviewDialog)
    assert notice.windowTitle().endswith("督办通知 交通运输局") and notice.page_count == 1
    notice.close()
    board.refresh()
    wait_idle(qtbot, unit)
    assert panel.reminder_model.rowCount() == 1
    assert panel.reminder_model.index(0, 2).data() == "请尽快签收"
    panel.reminder_table.doubleClicked.emit(panel.reminder_model.index(0, 2))  # the unit reads the notice
    wait_idle(qtbot, unit)
    [received] = board.findChildren(PdfPreviewDialog)
    assert received.windowTitle().endswith("督办通知 交通运输局") and received.page_count == 1
    received.close()


def test_a_unit_user_does_not_see_another_units_request_in_the_register(qtbot, gui_db, county, make_ctx):
    from workstation.gui.main_window import MainWindow

    mine = register(gui_db, county["clerk"])
    theirs = register(gui_db, county["clerk"], "李四")
    register(gui_db, county["clerk"], "赵六")  # the office's own
    handover.hand_over(gui_db, county["clerk"].actor(), mine, [county["units"]["roads"].id], today=MON)
    handover.hand_over(gui_db, county["clerk"].actor(), theirs, [county["units"]["town"].id], today=MON)
    ctx = make_ctx(county["roads"], MON)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert not window.new_action.isEnabled()  # Ctrl+N: the office registers, the unit is handed requests
    register_view = window.show_page("register")
    wait_idle(qtbot, ctx)
    assert [register_view.model.case_id(row) for row in range(register_view.model.rowCount())] == [mine]


def test_with_no_units_the_dashboard_shows_nothing_new(qtbot, gui_db, staff, make_ctx):
    register(gui_db, staff["clerk"])
    board = _dashboard(qtbot, make_ctx(staff["clerk"], MON))
    assert board.supervision.isHidden() and board.supervision.data is None
    assert board.new_button.isVisible()


def test_the_admin_adds_a_unit_and_puts_a_user_in_it(qtbot, gui_db, staff, make_ctx):
    from workstation.gui.settings_dialog import SettingsDialog

    ctx = make_ctx(staff["admin"], MON)
    settings = SettingsDialog(ctx)
    qtbot.addWidget(settings)
    settings.show()
    dialog = settings.open_units()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, ctx)
    assert dialog.unit_model.rowCount() == 0 and dialog.user_model.rowCount() == 4
    click(qtbot, dialog.add_button)  # no name: refused beside the field
    wait_idle(qtbot, ctx)
    assert dialog.form.error("name").text().startswith("请填写单位名称")
    type_text(qtbot, dialog.name, "交通运输局")
    dialog.kind.setCurrentText("县直部门")
    click(qtbot, dialog.add_button)
    wait_idle(qtbot, ctx)
    assert "已添加承办单位“交通运输局”" in dialog.info.text()
    assert [(u.name, u.kind, u.active) for u in dialog.places.units] == [("交通运输局", "县直部门", True)]
    # the clerk now works in the unit
    logins = [u.login for u in dialog.places.users]
    dialog.user_table.selectRow(logins.index("clerk"))
    dialog.place.setCurrentIndex(dialog.place.findText("交通运输局"))
    click(qtbot, dialog.place_button)
    wait_idle(qtbot, ctx)
    assert "张承办现属于交通运输局" in dialog.info.text()
    assert users.authenticate(gui_db, "clerk", PASSWORD).unit_name == "交通运输局"
    assert dialog.user_model.index(logins.index("clerk"), 3).data() == "交通运输局"
    # the administrator belongs to the office: refused in one sentence
    dialog.user_table.selectRow(logins.index("admin"))
    dialog.place.setCurrentIndex(dialog.place.findText("交通运输局"))
    click(qtbot, dialog.place_button)
    wait_idle(qtbot, ctx)
    assert dialog.user_error.text().startswith("管理员属于办公室本身")
    # rename and stop
    dialog.unit_table.selectRow(0)
    assert dialog.name.text() == "交通运输局"
    dialog.stopped.setChecked(True)
    click(qtbot, dialog.change_button)
    wait_idle(qtbot, ctx)
    assert dialog.unit_model.index(0, 2).data() == "已停用" and not units.has_units(gui_db)
    assert latin_words(dialog) == set()
    dialog.reject()
    wait_idle(qtbot, ctx)


def test_only_the_admin_manages_units(qtbot, gui_db, staff, make_ctx):
    from workstation.gui.units_dialog import UnitsDialog

    ctx = make_ctx(staff["head"], MON)
    dialog = UnitsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, ctx)
    assert not dialog.add_button.isEnabled() and not dialog.place_button.isEnabled()


def test_the_tally_counts_by_unit_only_when_units_exist(qtbot, gui_db, county, make_ctx):
    from workstation.domain.tally import Period

    first, second = register(gui_db, county["clerk"]), register(gui_db, county["clerk"], "李四")
    office = county["clerk"].actor()
    roads, town = county["units"]["roads"].id, county["units"]["town"].id
    handover.hand_over(gui_db, office, first, [roads], today=MON)
    handover.hand_over(gui_db, office, second, [roads, town], today=MON)
    handover.sign_for(gui_db, county["roads"].actor(), first, today=MON)
    handover.submit_draft(gui_db, county["roads"].actor(), first, result_key="disclosed", text="拟予公开", today=MON)
    handover.return_to_office(gui_db, county["town"].actor(), second, "本镇不掌握", today=MON)
    view = open_tally(qtbot, make_ctx(county["head"], MON))
    view.show_period(Period.month(2026, 3))
    wait_idle(qtbot, view.ctx)
    page = view.units_page
    assert view.tabs.isTabVisible(view.tabs.indexOf(page))
    rows = {t.unit: (t.handed, t.returned, t.submitted, t.on_time, t.late, t.going) for t in page.rows}
    assert rows == {"交通运输局": (2, 0, 1, 1, 0, 1), "城关镇人民政府": (1, 1, 0, 0, 0, 0)}
    assert page.totals.text().startswith("合计:转办 3 件,退回 1 件,已提交草稿 1 件")
    view.tabs.setCurrentWidget(page)
    assert latin_words(view) == set()


def test_with_no_units_the_tally_has_no_unit_tab(qtbot, gui_db, staff, make_ctx):
    view = open_tally(qtbot, make_ctx(staff["head"], MON))
    wait_idle(qtbot, view.ctx)
    assert not view.tabs.isTabVisible(view.tabs.indexOf(view.units_page)) and view.units_page.rows is None


def test_the_county_dialogs_fit_at_125_percent(qtbot, gui_db, county, make_ctx):
    """The layout walk of test_gui_layout over this issue's dialogs, every field's error shown."""
    from workstation.gui.units_dialog import UnitsDialog

    case_id = register(gui_db, county["clerk"])
    handover.hand_over(gui_db, county["clerk"].actor(), case_id, [county["units"]["town"].id], today=MON)
    handover.sign_for(gui_db, county["town"].actor(), case_id, today=MON)
    office, unit = make_ctx(county["clerk"], MON), make_ctx(county["town"], MON)
    opened = []
    for ctx, key in ((office, "hand_over"), (office, "withdraw_handover"), (unit, "submit_draft"),
                     (unit, "return")):
        view = open_view(qtbot, ctx, case_id)
        view.handover_panel.start(key)
        opened.append((view.handover_panel.dialog, ctx))
    admin = make_ctx(county["admin"], MON)
    units_dialog = UnitsDialog(admin)
    qtbot.addWidget(units_dialog)
    opened.append((units_dialog, admin))
    for dialog, ctx in opened:
        dialog.show()
        qtbot.waitExposed(dialog)
        wait_idle(qtbot, ctx)
        form = dialog.form
        for name in form.fields:
            form.error(name).setText("请填写此项,格式为年-月-日,例如2026-06-01。")
            form.error(name).show()
        _fit(qtbot, dialog)
        assert layout_problems(dialog) == [], dialog.windowTitle()
        assert latin_words(dialog) == set(), dialog.windowTitle()
        dialog.reject()
