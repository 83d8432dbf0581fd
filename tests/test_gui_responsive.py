"""The GUI thread is not held up by the database: opening a case and saving a dialog leave the event loop turning.

Two watches: a 10 ms timer on the GUI thread records the longest gap between
its ticks (a service call run on the GUI thread shows up as a gap of its whole
length), and the engine reports every SQL statement the GUI thread runs. On a
register of a few thousand requests the old synchronous reads of one case took
about 80 ms on a loaded machine, under the 100 ms limit, so the second watch is
what makes the test fail whenever a service call comes back to the GUI thread.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date

import pytest
from helpers.gui import QT_NOISE, click, wait_idle
from PySide6.QtCore import QTimer
from sqlalchemy import event

from workstation.gui.case_view import CaseView
from workstation.services import cases, queries
from workstation.services.demo import fill_demo
from workstation.services.users import list_users

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui, pytest.mark.slow]

TODAY = date(2026, 6, 15)
# The 100,000 of the bench take minutes to build and the reads of one case do not grow with them; run it at
# that size with WORKSTATION_RESPONSIVE_REQUESTS=100000 (the README gives the figures).
REQUESTS = int(os.environ.get("WORKSTATION_RESPONSIVE_REQUESTS", "3000"))
LIMIT_S = 0.100  # what a service call on the GUI thread is shown to exceed
HANG_S = 1.0


class Stalls:
    """The longest time the GUI thread's event loop went without turning, while it is watched."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.last: float | None = None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.longest = max(self.longest, now - self.last)
        self.last = now

    def __enter__(self) -> Stalls:
        self.timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.timer.stop()


class GuiThreadSql:
    """The SQL statements run on the GUI thread while it is watched."""

    def __init__(self, engine) -> None:  # noqa: ANN001 - an SQLAlchemy Engine
        self.engine = engine
        self.statements: list[str] = []

    def _seen(self, _conn, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        if threading.current_thread() is threading.main_thread():
            self.statements.append(statement.split("\n")[0][:80])

    def __enter__(self) -> GuiThreadSql:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.fixture
def register(gui_db):
    fill_demo(gui_db, cases=REQUESTS, today=TODAY)
    return {u.login: u for u in list_users(gui_db)}


def busiest_open_case(db) -> int:
    """The open request with the longest timeline among the first page of open ones."""
    ids = queries.list_case_ids(db, queries.CaseFilter(view="in_progress"), today=TODAY)[:50]
    return max(ids, key=lambda i: len(cases.timeline(db, i)))


def test_opening_a_case_and_saving_a_dialog_never_stall_the_gui_thread(qtbot, gui_db, register, make_ctx):
    ctx = make_ctx(register["clerk"], TODAY)
    case_id = busiest_open_case(gui_db)
    with Stalls() as opening, GuiThreadSql(gui_db.engine) as opening_sql:
        qtbot.wait(50)  # the timer has ticked
        view = CaseView(ctx, case_id)
        qtbot.addWidget(view)
        view.show()
        wait_idle(qtbot, ctx)
        qtbot.wait(30)
    assert view.case is not None and view.number.text() == view.case.number
    click(qtbot, view.buttons["close"])
    dialog = view.dialog
    dialog.result.setCurrentIndex(dialog.result.findData("other.other"))
    with Stalls() as saving, GuiThreadSql(gui_db.engine) as saving_sql:
        qtbot.wait(50)
        click(qtbot, dialog.ok_button)
        wait_idle(qtbot, ctx)
        qtbot.wait(30)
    assert cases.get_case(gui_db, case_id).result_key == "other.other"
    assert view.status.text().endswith("其他处理·其他")
    print(f"longest stall: opening {opening.longest * 1000:.0f} ms, saving {saving.longest * 1000:.0f} ms")
    # no service call blocks the GUI thread: not one SQL statement runs on it (deterministic); the pauses
    # themselves are widget work, a figure under load (the README gives them at 100,000 requests): bounded
    # here only against a hang, as the house keeps time limits in the bench, not in unit tests
    assert opening_sql.statements == [] and saving_sql.statements == []
    assert opening.longest < HANG_S and saving.longest < HANG_S


def test_the_watches_see_a_service_call_on_the_gui_thread(qtbot, gui_db, register):
    """The measure can fail: reads of one case run on the GUI thread stall it (here many times over)."""
    case_id = busiest_open_case(gui_db)

    def read_on_the_gui_thread() -> None:  # reads for twice the limit, however fast the machine
        started = time.perf_counter()
        while time.perf_counter() - started < 2 * LIMIT_S:
            cases.deadline(gui_db, case_id, as_of=TODAY)
            cases.timeline(gui_db, case_id)

    with Stalls() as watched, GuiThreadSql(gui_db.engine) as sql:
        qtbot.wait(50)
        QTimer.singleShot(0, read_on_the_gui_thread)
        qtbot.wait(100)
        qtbot.waitUntil(lambda: watched.last is not None and time.perf_counter() - watched.last < 0.05)
    assert watched.longest >= LIMIT_S and sql.statements
