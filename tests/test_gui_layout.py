"""Issue 18 items 1 and 6: every dialog fits a 1366x768 screen at 125 % and shows no English word.

Each dialog is opened on a case in the state that allows it (reached through the services, as in
test_case_actions.STATES), saved with its fields empty so that every field error shows, and then walked:
it must fit the logical screen of 1366x768 at 125 % (1092x614), no visible label may be cut, no text box
squeezed under two lines, and no visible text may hold a Latin word.
"""

from __future__ import annotations

import re

import pytest
from helpers.gui import QT_NOISE, open_view, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from shiboken6 import isValid
from test_case_actions import ROLES, STATES, TODAY, _case_in

from workstation.domain.case_actions import allowed_actions
from workstation.services import cases

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

SCREEN = (1366, 768)
SCALE = 1.25
LOGICAL = (int(SCREEN[0] / SCALE), int(SCREEN[1] / SCALE))  # what a dialog has at 125 %
# Latin words a clerk may see: formats and key names (issue 18 item 9 names the formats).
ALLOWED = {"PDF", "Excel", "XLSX", "xlsx", "CSV", "csv", "pdf", "JSON", "json", "Ctrl", "Enter", "Esc", "Shift",
           "Tab", "Word", "docx", "UTF", "PostgreSQL", "SQLite", "sqlite3", "txt", "TXT", "ZIP", "zip", "OK"}
LATIN = re.compile(r"[A-Za-z]{2,}")
PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][^\s,;,;:“”()()]+")
LONG_ERROR = "保存失败:" + "本申请的办理期限已按《中华人民共和国政府信息公开条例》第三十三条计算,不能再次调整," * 3

DIALOG_ACTIONS = ("correction", "corrected", "letter_received", "pause", "resume", "extend", "manual_due",
                  "withdraw", "deem_withdrawn", "close", "review", "signoff", "reply", "deliver", "appeal",
                  "correct_result", "correct_registration")


@pytest.fixture(autouse=True)
def the_programs_look(qapp):
    """Measured in the fonts and style sheet the program itself applies at start (gui/app.py apply_look)."""
    from workstation.gui.app import apply_look

    font, style = qapp.font(), qapp.styleSheet()
    apply_look(qapp)
    yield
    qapp.setStyleSheet(style)  # the next test file sees the application as it found it
    qapp.setFont(font)


def _where_allowed(db, users, key: str) -> tuple[int, str]:
    """A case in a state that allows the step, and a role that may take it."""
    for state in STATES:
        case_id = _case_in(db, users, state)
        with db.read() as s:
            facts = cases.facts_of(s, cases.get_request(s, case_id))
        for role in ROLES:
            if not allowed_actions(facts, users[role].roles)[key]:
                return case_id, role
    raise AssertionError(f"no state allows {key}")


def visible_texts(root: QWidget) -> list[str]:
    """Every text of a window a clerk can read."""
    texts = [root.windowTitle()]
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root):
            continue
        texts.append(w.toolTip())
        if isinstance(w, QLabel):
            texts.append(re.sub(r"<[^>]+>", "", w.text()))
        elif isinstance(w, QAbstractButton):
            texts.append(w.text().replace("&", ""))
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            texts.append(w.placeholderText())
        elif isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        elif isinstance(w, QTabWidget):
            texts.extend(w.tabText(i) for i in range(w.count()))
        elif isinstance(w, QHeaderView) and w.model() is not None:
            texts.extend(str(w.model().headerData(i, w.orientation(), Qt.ItemDataRole.DisplayRole) or "")
                         for i in range(w.count()))
    return texts


def latin_words(root: QWidget, place: str = "") -> set[str]:
    """Latin words of the visible texts; ``place``, the test database's folder (named by pytest), aside."""
    words = set()
    for text in visible_texts(root):
        text = PATH.sub("", text or "")  # a file's place is the clerk's own naming
        words |= {w for w in LATIN.findall(text) if w not in ALLOWED}
    return words


def layout_problems(root: QWidget) -> list[str]:
    """Labels cut, text boxes squeezed, a window larger than the screen at 125 %."""
    found = []
    size = root.size()  # the frame is the window manager's: a few pixels on any platform
    if size.width() > LOGICAL[0] or size.height() > LOGICAL[1]:
        found.append(f"{root.windowTitle()}: {size.width()}x{size.height()} > {LOGICAL}")
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root) or w.width() == 0:
            continue
        name = f"{type(w).__name__} {w.text() if isinstance(w, QLabel) else ''!r:.40}"
        if isinstance(w, QLabel) and w.text():
            if w.wordWrap():
                if w.heightForWidth(w.width()) > w.height():
                    found.append(f"{name}: {w.heightForWidth(w.width())} high in {w.width()}x{w.height()}")
            elif w.sizeHint().width() > w.width():
                found.append(f"{name}: {w.sizeHint().width()} wide in {w.width()}")
        elif isinstance(w, (QPlainTextEdit, QTextEdit)) and not w.isReadOnly():
            if w.viewport().height() < 2 * w.fontMetrics().lineSpacing():
                found.append(f"{type(w).__name__}: {w.viewport().height()} high, under two lines")
    return found


def _fit(qtbot, window: QWidget) -> None:
    """The window as a clerk sees it at 125 %: no larger than the screen, at least its own minimum."""
    qtbot.wait(10)
    if window.layout() is not None:
        window.layout().activate()
    if not window.testAttribute(Qt.WidgetAttribute.WA_Resized):
        window.adjustSize()  # as Qt sizes a dialog it shows that was given no size: its height for its width
    window.resize(min(window.width(), LOGICAL[0]), min(window.height(), LOGICAL[1]))
    qtbot.wait(10)


@pytest.mark.parametrize("key", DIALOG_ACTIONS)
def test_every_case_dialog_fits_at_125_percent_with_every_error_shown(qtbot, gui_db, staff, make_ctx, key):
    users = {name: info.actor() for name, info in staff.items()}
    case_id, role = _where_allowed(gui_db, users, key)
    ctx = make_ctx(staff[role], TODAY)
    view = open_view(qtbot, ctx, case_id)
    view.start_action(key)
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    dialog.accept()  # empty fields: the refusals show beside them
    wait_idle(qtbot, ctx)
    if not isValid(dialog) or not dialog.isVisible():  # saved as it came (its defaults were enough): again
        view.start_action(key)
        dialog = view.dialog
        qtbot.waitExposed(dialog)
    else:
        for name in dialog.form.fields:
            dialog.form.error(name).setText("请填写此项,格式为年-月-日,例如2026-06-01。")
            dialog.form.error(name).show()
        dialog.general_error.setText(LONG_ERROR)
        dialog.general_error.show()
    _fit(qtbot, dialog)
    assert dialog.minimumSizeHint().width() <= LOGICAL[0] and dialog.minimumSizeHint().height() <= LOGICAL[1]
    assert layout_problems(dialog) == []
    assert latin_words(dialog) == set()
    dialog.reject()
    assert latin_words(view) == set()
    view.close()


def _window(name: str, ctx, gui_db, staff):
    """The program's other windows, each as the user who opens it."""
    from workstation.gui.first_run_dialog import FirstRunDialog
    from workstation.gui.login_dialog import LoginDialog
    from workstation.gui.main_window import MainWindow
    from workstation.gui.password_dialog import ChangePasswordDialog

    if name == "login":
        return LoginDialog(gui_db, login="clerk", message="密码错误,请重新输入。" * 3)
    if name == "first_run":
        return FirstRunDialog(gui_db)
    if name == "password":
        return ChangePasswordDialog(gui_db, staff["clerk"].actor(), forced=True)
    window = MainWindow(ctx)
    if name.startswith("page:"):
        window.show_page(name.removeprefix("page:"))
        return window
    window.show()
    return getattr(window, f"open_{name}")()


WINDOWS = ("login", "first_run", "password", "page:dashboard", "page:register", "page:holidays", "page:audit",
           "page:tally", "intake", "settings", "import", "backup")


@pytest.mark.parametrize("name", WINDOWS)
def test_every_window_fits_at_125_percent_and_speaks_chinese(qtbot, gui_db, staff, make_ctx, name):
    users = {login: info.actor() for login, info in staff.items()}
    for state in ("open", "replied", "withdrawn"):
        _case_in(gui_db, users, state)
    ctx = make_ctx(staff["admin"], TODAY)
    window = _window(name, ctx, gui_db, staff)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_idle(qtbot, ctx)
    if name == "intake":
        window.save()  # every field empty: the refusals show beside them
        wait_idle(qtbot, ctx)
    if name.startswith("page:"):
        window.resize(*LOGICAL)
        qtbot.wait(10)
    else:
        _fit(qtbot, window)
    place = str(gui_db.path) if gui_db.path is not None else ""
    assert latin_words(window, place) == set()
    assert layout_problems(window) == []


def test_the_register_shows_applicant_and_result_whole_at_1366(qtbot, gui_db, staff, make_ctx):
    """Every result label and an organisation's name of ten characters fit their columns, not elided."""
    from workstation.domain.results import RESULTS
    from workstation.gui.main_window import MainWindow

    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show_page("register")
    window.show()
    qtbot.waitExposed(window)
    table = window.register.table
    titles = [table.model().headerData(i, Qt.Orientation.Horizontal) for i in range(table.model().columnCount())]
    metrics, room = table.fontMetrics(), 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 6
    longest = {"申请人": "某某县某某镇股份经济合作社"[:10], "办理结果": max((r.label for r in RESULTS), key=metrics.horizontalAdvance)}
    for title, text in longest.items():
        width = table.columnWidth(titles.index(title))
        assert metrics.horizontalAdvance(text) + room <= width, (title, text, width)


def test_the_holidays_page_of_a_provisional_year_fits_too(qtbot, gui_db, staff, make_ctx):
    """A year without official data says so in a long line beside the year; the months still fit at 125 %."""
    from workstation.gui.main_window import MainWindow

    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show_page("holidays")
    window.show()
    qtbot.waitExposed(window)
    window.resize(*LOGICAL)
    window.holidays.set_year(TODAY.year + 5)
    qtbot.wait(10)
    assert "预估" in window.holidays.year_source.text()
    assert window.size().width() <= LOGICAL[0] and window.size().height() <= LOGICAL[1]
    assert layout_problems(window) == []


def test_the_delivery_by_a_courier_fits_and_speaks_chinese(qtbot, gui_db, staff, make_ctx):
    """By post through another courier: the carriers, the warning of letter 235 and its refusal, all shown."""
    users = {name: info.actor() for name, info in staff.items()}
    case_id, role = _where_allowed(gui_db, users, "deliver")
    ctx = make_ctx(staff[role], TODAY)
    view = open_view(qtbot, ctx, case_id)
    view.start_action("deliver")
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    dialog.method.setCurrentIndex(dialog.method.findData("post"))
    dialog.carrier.setCurrentIndex(dialog.carrier.findData("other"))
    dialog.accept()  # no tracking number: its refusal shows
    wait_idle(qtbot, ctx)
    assert dialog.isVisible() and dialog.carrier_warning.isVisible()
    assert "不具有国家公文寄递资格" in dialog.carrier_warning.text()
    assert dialog.error("tracking_no").isVisible()
    qtbot.wait(10)
    assert layout_problems(dialog) == []
    type_text(qtbot, dialog.tracking_no, "SF1234567890")
    dialog.accept()  # no reason: what to write under it (the rule stands in the warning above, not twice)
    wait_idle(qtbot, ctx)
    assert dialog.error("override_reason").text() == "请写明快递企业名称和原因(国办公开办函〔2016〕235号)"
    qtbot.wait(10)
    assert dialog.width() <= LOGICAL[0] and dialog.height() <= LOGICAL[1]
    assert layout_problems(dialog) == []
    assert [dialog.carrier.itemText(i) for i in range(dialog.carrier.count())] == [
        "邮政企业(特快专递)", "邮政企业(挂号信)", "其他快递企业"]
    assert layout_problems(dialog) == []
    assert latin_words(dialog) == set()
    dialog.reject()
    view.close()


def test_the_first_run_with_its_refusals_shown_fits(qtbot, gui_db):
    """Saved with the office's name, the administrator's name and the password missing: each refusal beside its
    field, whole, and the dialog still within the screen at 125 %."""
    from workstation.gui.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(gui_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _fit(qtbot, dialog)
    dialog.edits["numbers.request_prefix"].clear()
    dialog.accept()
    qtbot.wait(10)
    shown = [f.name for f in dialog.office_form.fields.values() if f.error.isVisible()]
    assert shown and dialog.isVisible()
    assert dialog.width() <= LOGICAL[0] and dialog.height() <= LOGICAL[1]
    assert layout_problems(dialog) == []


def test_the_tallys_export_buttons_name_the_data_file_in_words(qtbot, gui_db, staff, make_ctx):
    """Issue 18 item 9: the export for other systems is a 数据文件(供系统对接), not "JSON"."""
    from workstation.gui.main_window import MainWindow

    ctx = make_ctx(staff["head"], TODAY)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_page("tally")
    window.show()
    wait_idle(qtbot, ctx)
    tally = window.page("tally")
    buttons = tally.export_buttons
    assert buttons["json"].text() == "数据文件" and "供系统对接" in buttons["json"].toolTip()
    assert not any("JSON" in text for b in buttons.values() for text in (b.text(), b.toolTip()))


def test_the_first_runs_preview_takes_the_rows_width(qtbot, gui_db):
    """The two numbers it will give, one per line, as wide as the fields above (not a narrow column)."""
    from workstation.gui.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(gui_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _fit(qtbot, dialog)
    assert dialog.preview.width() == dialog.edits["office.name"].width()
    preview = dialog.preview
    assert preview.heightForWidth(preview.width()) <= 2 * preview.fontMetrics().lineSpacing() + 4  # two lines
    assert layout_problems(dialog) == []
