"""The program remembers, per user: the printer, the register's columns and sort, window sizes."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE
from PySide6.QtCore import Qt

from workstation.gui.pdf_preview_dialog import PrintSession
from workstation.gui.register_view import RegisterView

pytest_plugins = ["helpers.gui"]
pytestmark = [QT_NOISE, pytest.mark.gui]
TODAY = date(2026, 6, 15)


def test_the_printer_chosen_last_is_offered_at_the_next_start_to_the_same_user(staff, make_ctx):
    PrintSession.of(make_ctx(staff["clerk"], TODAY)).printer_name = "HP_LaserJet_窗口"
    assert PrintSession.of(make_ctx(staff["clerk"], TODAY)).printer_name == "HP_LaserJet_窗口"
    assert PrintSession.of(make_ctx(staff["head"], TODAY)).printer_name == ""


def test_the_register_keeps_its_sort_and_column_widths(qtbot, staff, make_ctx):
    first = RegisterView(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: not first.loading)
    header = first.table.horizontalHeader()
    applicant = next(i for i in range(header.count())
                     if first.model.headerData(i, Qt.Orientation.Horizontal) == "申请人")
    header.setSortIndicator(applicant, Qt.SortOrder.AscendingOrder)
    header.resizeSection(applicant, 333)
    qtbot.waitUntil(lambda: not first.loading)
    assert first._sort == ("applicant", False)

    again = RegisterView(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: not again.loading)
    assert again._sort == ("applicant", False)
    assert again.table.horizontalHeader().sortIndicatorSection() == applicant
    assert again.table.columnWidth(applicant) == 333
    other = RegisterView(make_ctx(staff["head"], TODAY))
    qtbot.addWidget(other)
    assert other._sort == ("received", True)  # another user keeps the default


def test_windows_open_within_the_screen_they_open_on(qtbot, gui_db, staff, make_ctx):
    """A 1366×768 screen at 125 % has 1093×614 logical pixels: no window may open taller or wider than the
    screen (the intake dialog's buttons were below the screen's edge)."""
    from datetime import date

    from PySide6.QtGui import QGuiApplication

    from workstation.gui.intake_dialog import IntakeDialog
    from workstation.gui.main_window import MainWindow
    from workstation.gui.settings_dialog import SettingsDialog

    room = QGuiApplication.primaryScreen().availableGeometry()
    ctx = make_ctx(staff["admin"], date(2026, 11, 2))
    from conftest import person

    from workstation.gui.dialogs.review_dialog import ReviewDialog
    from workstation.services import cases

    clerk = make_ctx(staff["clerk"], date(2026, 11, 2))
    case = cases.register(gui_db, staff["clerk"].actor(), person(handed_in_on=date(2026, 11, 2)),
                          today=date(2026, 11, 2)).case
    for window in (IntakeDialog(clerk), MainWindow(ctx), SettingsDialog(ctx), ReviewDialog(clerk, case)):
        assert window.minimumWidth() <= 1093, type(window)  # 1366 pixels at 125 %
        qtbot.addWidget(window)
        # (no narrower than its minimum, which must fit 1366 pixels at 125 %: checked above)
        assert window.width() <= max(room.width(), window.minimumWidth()), (type(window), room)
        assert window.height() <= room.height(), (type(window), room)
