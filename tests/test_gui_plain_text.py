"""What a person typed is shown as typed: a name or address that looks like markup stays text."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import QT_NOISE, open_view, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from workstation.domain.intake import IntakeData
from workstation.gui.dashboard_view import DashboardView
from workstation.gui.dialogs.close_dialog import CloseDialog
from workstation.gui.register_model import RegisterModel
from workstation.services import cases, queries

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)
NAME = '<b style="color:red;font-size:28pt">已核验</b><img src="/etc/passwd">'
ADDRESS = '<a href="http://x">点我</a>'
CONTENT = "<h1>申请公开</h1>本镇招标文件"


@pytest.fixture
def case_id(gui_db, staff) -> int:
    data = IntakeData(channel="in_person", handed_in_on=date(2026, 6, 1), applicant_name=NAME,
                      id_number="11010519491231002X", phone="13800138000", address=ADDRESS, content=CONTENT)
    return cases.register(gui_db, staff["clerk"].actor(), data, today=TODAY).case.id


def typed_labels(widget: QWidget) -> list[QLabel]:
    """Every label that shows part of what was typed."""
    return [label for label in widget.findChildren(QLabel)
            if any(part in label.text() for part in ("已核验", "点我", "申请公开"))]


def assert_plain(widget: QWidget, *, expected: int = 1) -> None:
    labels = typed_labels(widget)
    assert len(labels) >= expected
    rich = [label.text() for label in labels if label.textFormat() != Qt.TextFormat.PlainText]
    assert rich == []


def test_the_case_view_shows_a_typed_name_and_address_as_text(qtbot, make_ctx, staff, case_id):
    view = open_view(qtbot, make_ctx(staff["clerk"], TODAY), case_id)
    assert_plain(view, expected=2)
    assert any(NAME in label.text() for label in typed_labels(view))
    assert any(ADDRESS in label.text() for label in typed_labels(view))


def test_a_case_dialog_heading_shows_the_name_as_text(qtbot, gui_db, make_ctx, staff, case_id):
    dialog = CloseDialog(make_ctx(staff["head"], TODAY), cases.get_case(gui_db, case_id))
    qtbot.addWidget(dialog)
    assert_plain(dialog)


def test_the_dashboard_shows_typed_data_as_text(qtbot, make_ctx, staff, case_id):
    ctx = make_ctx(staff["clerk"], TODAY)
    view = DashboardView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    wait_idle(qtbot, ctx)
    rich = [label.text() for label in typed_labels(view) if label.textFormat() != Qt.TextFormat.PlainText]
    assert rich == []


def test_the_registers_tooltip_escapes_typed_data(gui_db, case_id):
    model = RegisterModel(lambda ids: queries.fetch_cases(gui_db, ids))
    model.set_ids([case_id], TODAY, TODAY)
    tips = [model.index(0, col).data(Qt.ItemDataRole.ToolTipRole) for col in range(model.columnCount())]
    assert tips and all("&lt;b style" in tip and "<b " not in tip and "<img" not in tip for tip in tips)


def test_a_message_box_shows_typed_markup_as_text(qtbot):
    """A sentence naming what a person typed ("<b>…</b>") reads in a message box as written; other sentences
    pass unchanged."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QLabel, QMessageBox

    from workstation.gui.widgets import plain_message

    typed = '登录名“<b style="color:red">已核验</b><img src="/etc/passwd">”已被使用'
    box = QMessageBox(QMessageBox.Icon.Warning, "无法完成", plain_message(typed))
    qtbot.addWidget(box)
    box.show()
    label = next(label for label in box.findChildren(QLabel) if "登录名" in label.text())
    document = QTextDocument()
    document.setHtml(label.text())  # the box takes it for markup, as Qt guesses
    assert document.toPlainText() == typed  # and what the clerk reads is what was typed
    assert plain_message("本申请已答复") == "本申请已答复"
