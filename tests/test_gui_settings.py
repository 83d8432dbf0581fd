"""设置: office data, number patterns, users and roles (admin only), the database's place."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.gui import PASSWORD, QT_NOISE, press_enter, replace_text, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from workstation.domain.status import Role
from workstation.gui.settings_dialog import PAGES, SettingsDialog
from workstation.services import users
from workstation.services.audit import list_events
from workstation.services.base import get_settings
from workstation.services.users import SYSTEM_ACTOR

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 15)


@pytest.fixture
def settings_for(qtbot, staff, make_ctx):
    def open_as(login: str) -> SettingsDialog:
        dialog = SettingsDialog(make_ctx(staff[login], TODAY))
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return open_as


def test_the_admin_changes_the_office_data(qtbot, gui_db, settings_for):
    dialog = settings_for("admin")
    name = dialog.editors["office.name"]
    type_text(qtbot, name, "示范县城关镇人民政府")
    replace_text(qtbot, dialog.editors["days.correction_period"], "10")
    press_enter(qtbot, name)
    wait_idle(qtbot, dialog.ctx)
    assert not dialog.isVisible()
    settings = get_settings(gui_db)
    assert settings["office.name"] == "示范县城关镇人民政府" and settings["days.correction_period"] == 10
    [event] = list_events(gui_db, action="settings_changed", viewer=SYSTEM_ACTOR)
    assert event.after == {"office.name": "示范县城关镇人民政府", "days.correction_period": 10}


def test_a_bad_number_pattern_is_shown_beside_it(qtbot, gui_db, settings_for):
    dialog = settings_for("admin")
    pattern = dialog.editors["numbers.request_pattern"]
    replace_text(qtbot, pattern, "{prefix}{year}")
    assert "格式无效" not in dialog.number_example.text()
    dialog.tabs.setCurrentIndex(0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog.ctx)
    assert dialog.isVisible()
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "编号格式"
    error = dialog.error("numbers.request_pattern")
    assert error.isVisible() and "必须包含序号" in error.text()
    assert get_settings(gui_db)["numbers.request_pattern"] == "{prefix}〔{year}〕第{seq:04d}号"


def test_a_clerk_may_look_but_not_change(settings_for):
    dialog = settings_for("clerk")
    assert not dialog.save_button.isEnabled() and dialog.save_button.toolTip() == "只有管理员可以修改设置"
    assert not any(editor.isEnabled() for editor in dialog.editors.values())
    assert not dialog.add_user.isEnabled() and not dialog.save_roles.isEnabled()


def test_the_admin_adds_a_user_and_changes_roles(qtbot, gui_db, settings_for):
    dialog = settings_for("admin")
    dialog.tabs.setCurrentIndex(len(PAGES))
    assert dialog.users_model.rowCount() == 4
    qtbot.mouseClick(dialog.add_user, Qt.MouseButton.LeftButton)
    add = dialog.user_dialog
    assert add.isVisible()
    qtbot.keyClicks(add.login, "clerk2")
    press_enter(qtbot, add.login)
    assert add.isVisible() and add.form.error("display_name").isVisible()
    type_text(qtbot, add.name, "赵承办")
    qtbot.keyClicks(add.password, PASSWORD)
    press_enter(qtbot, add.password)
    assert not add.isVisible()
    assert dialog.users_model.rowCount() == 5 and "赵承办" in dialog.users_info.text()

    assert dialog.role_boxes[Role.CLERK].isChecked()  # the new user is selected
    dialog.role_boxes[Role.HEAD].setChecked(True)
    qtbot.mouseClick(dialog.save_roles, Qt.MouseButton.LeftButton)
    assert users.authenticate(gui_db, "clerk2", PASSWORD).roles == {Role.CLERK, Role.HEAD}

    dialog.select_user("admin")
    dialog.role_boxes[Role.ADMIN].setChecked(False)
    dialog.role_boxes[Role.CLERK].setChecked(True)
    qtbot.mouseClick(dialog.save_roles, Qt.MouseButton.LeftButton)
    assert "不能取消自己的管理员角色" in dialog.users_error.text()


def test_the_database_place_is_shown_read_only(gui_db, settings_for):
    dialog = settings_for("clerk")
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    [place] = [e for e in dialog.tabs.currentWidget().findChildren(QLineEdit)]
    assert place.isReadOnly() and place.text() == str(gui_db.path)


@pytest.mark.parametrize(("typed", "said"), [("{prefix}〔{year}〕{seq:0>300000000}号", "不超过12位"),
                                             ("{prefix}第{seq:04d}号", "必须包含年份"),
                                             ("{prefix.__class__.__mro__}{year}{seq}", "只能使用")])
def test_a_hostile_number_pattern_is_refused_at_its_field_and_kept(qtbot, gui_db, settings_for, typed, said):
    dialog = settings_for("admin")
    pattern = dialog.editors["numbers.document_pattern"]
    replace_text(qtbot, pattern, typed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog.ctx)
    assert dialog.isVisible() and dialog.tabs.tabText(dialog.tabs.currentIndex()) == "编号格式"
    error = dialog.error("numbers.document_pattern")
    assert error.isVisible() and said in error.text()
    assert pattern.text() == typed
    assert get_settings(gui_db)["numbers.document_pattern"] == "{prefix}〔{year}〕{seq}号"
