"""Every case dialog keeps its wrapped lines whole as they come, at 125 % of 1366x768: the hints it opens with
and the refusals that appear after 保存. Qt grows a window only to its layout's minimum, which counts a
wrapped line as one line (and a second line not at all): the dialog's minimum follows the wrapped lines instead
(gui/fitting.py), as a clerk sees it, without a new adjustSize.
"""

from __future__ import annotations

import pytest
import test_gui_layout as screen
from helpers.gui import QT_NOISE, open_view, wait_idle
from shiboken6 import isValid

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]
the_programs_look = screen.the_programs_look  # measured in the program's own fonts and style sheet

REFUSAL = "请填写此项,格式为年-月-日,例如2026-06-01。"  # as test_gui_layout shows it


def _opened(qtbot, view, key: str):
    """The step's dialog as the window system of a 1366x768 screen at 125 % keeps it: no larger than the screen."""
    view.start_action(key)
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    qtbot.wait(10)
    dialog.resize(min(dialog.width(), screen.LOGICAL[0]), min(dialog.height(), screen.LOGICAL[1]))
    qtbot.wait(10)
    return dialog


@pytest.mark.parametrize("key", screen.DIALOG_ACTIONS)
def test_refusals_that_appear_in_a_shown_dialog_stay_whole(qtbot, gui_db, staff, make_ctx, key):
    case_id, role = screen._where_allowed(gui_db, {name: info.actor() for name, info in staff.items()}, key)
    ctx = make_ctx(staff[role], screen.TODAY)
    view = open_view(qtbot, ctx, case_id)
    dialog = _opened(qtbot, view, key)
    assert screen.layout_problems(dialog) == []  # as it opens
    dialog.accept()  # empty fields: the refusals show beside them
    wait_idle(qtbot, ctx)
    if not isValid(dialog) or not dialog.isVisible():  # saved as it came: open it again for the long refusals
        dialog = _opened(qtbot, view, key)
    for name, field in dialog.form.fields.items():
        if not field.holder.isHidden():
            dialog.form.error(name).setText(REFUSAL)
            dialog.form.error(name).show()
    dialog.general_error.setText(screen.LONG_ERROR)
    dialog.general_error.show()
    qtbot.wait(20)  # the layout requests run; no adjustSize: the dialog as the window system keeps it
    dialog.resize(dialog.width(), 1)  # and as small as the clerk may drag it
    qtbot.wait(10)
    assert screen.layout_problems(dialog) == []
    assert dialog.width() <= screen.LOGICAL[0] and dialog.height() <= screen.LOGICAL[1]
    dialog.reject()
    view.close()
