"""A scripted walk through the screens for ``workstation bench`` (WORKSTATION_BENCH_WALK=1).

Each action is timed from the moment it is started until the event loop is idle again: the worker
has no job left and no event is waiting. Each runs several times (the first of each is a warm-up and
not counted); the walk prints ``BENCH gui_action_ms.ACTION=median`` and ``BENCH gui_action_p95_ms.ACTION=…``
to stderr and quits. WORKSTATION_BENCH_IDLE: see IDLE_MODE.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow
from .tally_view import TallyView

RUNS = 7  # after one warm-up run
IDLE_TIMEOUT_S = 30


# How the walk waits for the worker: "wait" (the default since 2026-11-29) lets the event loop sleep until an
# event comes, as the program's own event loop does while its worker reads; "spin" (WORKSTATION_BENCH_IDLE=spin,
# how the walk measured before) asks Qt for events over and over, so the walk's own GUI thread keeps taking
# Python's lock from the worker: a read of the register's 100,000 ids took about twice as long, and on a quiet
# machine, where both threads truly run at once, the filter and the sort took 400-700 ms instead of 50-60.
# The passes that see the work done are the same in both.
IDLE_MODE = os.environ.get("WORKSTATION_BENCH_IDLE", "wait")


def _busy(window: MainWindow) -> bool:
    return window.ctx.tasks.busy or any(getattr(w, "loading", False) for w in window.pages.values())


def until_idle(window: MainWindow) -> None:
    """Process events until the worker is done and nothing is queued (a few empty passes in a row)."""
    deadline = time.perf_counter() + IDLE_TIMEOUT_S
    quiet = 0
    busy = _busy(window)
    while quiet < 3 and time.perf_counter() < deadline:
        if busy and IDLE_MODE == "wait":
            loop = QEventLoop()
            QTimer.singleShot(2, loop.quit)
            loop.exec()
        else:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        busy = _busy(window)
        quiet = 0 if busy else quiet + 1


def timed(window: MainWindow, start: Callable[[], object], after: Callable[[object], None] | None = None,
          runs: int = RUNS) -> list[float]:
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        made = start()
        until_idle(window)
        if i:
            times.append((time.perf_counter() - t0) * 1000)
        if after is not None:
            after(made)
            until_idle(window)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def walk(window: MainWindow) -> dict[str, list[float]]:
    until_idle(window)
    window.show_register()
    register = window.register
    until_idle(window)
    ids = itertools.cycle([register.model.case_id(row) for row in range(min(RUNS + 1, register.model.rowCount()))])
    times: dict[str, list[float]] = {}
    times["open_case"] = timed(window, lambda: window.open_case(next(ids)), lambda view: view.close())  # type: ignore[attr-defined]
    times["open_intake"] = timed(window, window.open_intake, lambda dialog: dialog.reject())  # type: ignore[attr-defined]
    window.show_register()
    views = itertools.cycle(["open", "all"])
    times["filter"] = timed(window, lambda: register.view_filter.setCurrentIndex(
        register.view_filter.findData(next(views))))
    header = register.table.horizontalHeader()
    orders = itertools.cycle([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
    times["sort"] = timed(window, lambda: header.setSortIndicator(0, next(orders)))
    tally = window.show_page("tally")
    assert isinstance(tally, TallyView)
    until_idle(window)
    steps = itertools.cycle([-1, 1])
    times["tally_year"] = timed(window, lambda: tally.picker.year.setValue(tally.picker.year.value() + next(steps)))

    def back(_made: object) -> None:
        window.show_page("dashboard")

    times["holidays"] = timed(window, lambda: window.show_page("holidays"), back)
    if window.may_see("audit"):
        times["audit"] = timed(window, lambda: window.show_page("audit"), back)
    return times


def report(times: dict[str, list[float]]) -> None:
    for action, values in times.items():
        sys.stderr.write(f"BENCH gui_action_ms.{action}={statistics.median(values):.1f}\n")
        sys.stderr.write(f"BENCH gui_action_p95_ms.{action}={p95(values):.1f}\n")
    sys.stderr.flush()


def run_walk(window: MainWindow) -> None:
    def go() -> None:
        report(walk(window))
        window.close()
        QApplication.quit()

    QTimer.singleShot(0, go)
