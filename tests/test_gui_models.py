"""The list and table models of the screens pass pytest-qt's model tester, filled from a real register
(the register's own model: test_gui_register.py; the tally grid: test_gui_tally.py)."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, click, open_view, type_text, wait_idle
from sqlalchemy import func, select

from workstation.gui.audit_view import AuditView
from workstation.gui.dashboard_view import DashboardView
from workstation.gui.import_dialog import ImportDialog
from workstation.gui.settings_dialog import SettingsDialog
from workstation.services import documents
from workstation.services.demo import fill_demo
from workstation.store.models import Event

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo(gui_db, staff):
    """120 sample requests in every state, besides the staff."""
    fill_demo(gui_db, cases=120, today=TODAY)
    return staff


def check(qtmodeltester, model) -> None:
    """Qt's own model tester and pytest-qt's (which also checks what data() returns for each role); both stay
    connected and check the model again whenever it changes."""
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)


def test_each_list_of_the_dashboard(qtbot, qtmodeltester, demo, make_ctx):
    ctx = make_ctx(demo["clerk"], TODAY)
    board = DashboardView(ctx)
    qtbot.addWidget(board)
    board.show()  # the dashboard reads only while it is shown
    qtbot.waitExposed(board)
    wait_idle(qtbot, ctx)
    check(qtmodeltester, board.model)
    shown = {}
    for view in board.cards:  # each list resets the model: the testers check it again
        board.select(view)
        shown[view] = board.model.rowCount()
    assert sum(1 for rows in shown.values() if rows) >= 3, shown


@pytest.fixture
def long_case(gui_db, demo) -> int:
    """The request with the longest history, with a receipt issued."""
    with gui_db.read() as s:
        case_id = s.execute(select(Event.request_id).where(Event.request_id.is_not(None))
                            .group_by(Event.request_id).order_by(func.count().desc(), Event.request_id)
                            .limit(1)).scalar_one()
    documents.issue(gui_db, demo["clerk"].actor(), case_id, "receipt", today=TODAY)
    return case_id


def test_the_timeline_of_a_case(qtbot, qtmodeltester, demo, make_ctx, long_case):
    ctx = make_ctx(demo["clerk"], TODAY)
    view = open_view(qtbot, ctx, long_case)
    wait_idle(qtbot, ctx)
    assert view.timeline_model.rowCount() >= 4
    check(qtmodeltester, view.timeline_model)


def test_the_documents_of_a_case(qtbot, qtmodeltester, demo, make_ctx, long_case):
    ctx = make_ctx(demo["clerk"], TODAY)
    view = open_view(qtbot, ctx, long_case)
    wait_idle(qtbot, ctx)
    assert view.documents_model.rowCount() == 1
    check(qtmodeltester, view.documents_model)


def test_the_audit_trail_of_a_register(qtbot, qtmodeltester, demo, make_ctx):
    ctx = make_ctx(demo["head"], TODAY)
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    wait_idle(qtbot, ctx)
    assert view.model.rowCount() > 120
    check(qtmodeltester, view.model)


@pytest.fixture
def settings_dialog(qtbot, demo, make_ctx) -> SettingsDialog:
    """The admin's settings, kept until the model tester (set up after it) has let go of its model."""
    dialog = SettingsDialog(make_ctx(demo["admin"], TODAY))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_users_in_the_settings(settings_dialog, qtmodeltester):
    assert settings_dialog.users_model.rowCount() == 4
    check(qtmodeltester, settings_dialog.users_model)


def test_the_bad_rows_of_a_ledger(qtbot, qtmodeltester, demo, make_ctx, tmp_path):
    ledger = tmp_path / "台账.csv"
    ledger.write_text("受理编号,收到日期,申请人类型,申请人\r\n" + "".join(
        f"N-{i},2026-02-30,外星人,申请人{i}\r\n" for i in range(20)), encoding="utf-8-sig")
    ctx = make_ctx(demo["clerk"], TODAY)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    check(qtmodeltester, dialog.model)  # empty, then filled by the check: the testers follow the reset
    type_text(qtbot, dialog.path_edit, str(ledger))
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    assert dialog.model.rowCount() == 40
