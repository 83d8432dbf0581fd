"""The background worker: results and refusals come back on the GUI thread; bugs are not swallowed."""

from __future__ import annotations

import sys
import threading

import pytest
from helpers.gui import QT_NOISE
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget
from shiboken6 import isValid

from workstation.domain.errors import UserError
from workstation.gui.worker import TaskRunner

pytestmark = [QT_NOISE, pytest.mark.gui]


@pytest.fixture
def runner(qtbot):
    tasks = TaskRunner()
    yield tasks
    tasks.wait()


def test_a_job_runs_off_the_gui_thread_and_answers_on_it(qtbot, runner):
    seen: dict[str, object] = {}

    def job(progress):
        seen["job_thread"] = threading.current_thread()
        progress.report(1, 2)
        return 42

    def done(result):
        seen["result"] = result
        seen["done_thread"] = threading.current_thread()

    runner.run(job, on_done=done, label="正在计算……")
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["job_thread"] is not threading.main_thread()
    assert seen["done_thread"] is threading.main_thread()
    qtbot.waitUntil(lambda: not runner.busy)


def test_a_refusal_goes_to_on_error(qtbot, runner):
    errors: list[UserError] = []

    def job(_progress):
        raise UserError("文件不存在")

    runner.run(job, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors[0].message == "文件不存在"


def test_jobs_run_one_at_a_time_in_order(qtbot, runner):
    order: list[int] = []
    for i in range(5):
        runner.run(lambda _p, i=i: i, on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 5)
    assert order == [0, 1, 2, 3, 4]


def test_a_bug_in_a_job_is_raised_again_on_the_gui_thread(qtbot, runner):
    def job(_progress):
        raise ZeroDivisionError("a bug")

    with qtbot.captureExceptions() as exceptions:
        runner.run(job)
        qtbot.waitUntil(lambda: not runner.busy)
    assert [type(e[1]) for e in exceptions] == [ZeroDivisionError]


def test_a_long_job_can_be_cancelled_from_its_progress_dialog(qtbot, runner):
    stopped_at: list[int] = []
    started = threading.Event()

    def job(progress):
        started.set()
        for step in range(10_000):
            if progress.cancelled:
                stopped_at.append(step)
                return None
            progress.report(step, 10_000)
            threading.Event().wait(0.001)
        return None

    task = runner.run(job, label="正在处理……", cancellable=True)
    started.wait(5)
    qtbot.waitUntil(task.dialog.isVisible)  # shown once the job has run for a moment
    [cancel] = task.dialog.findChildren(QPushButton)
    assert cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    assert stopped_at and stopped_at[0] < 10_000


class _Ping(QObject):
    ping = Signal()


def test_many_qt_calls_do_not_use_up_none_or_true():
    """PySide6 6.12.0 on Python 3.11 loses a reference per void call and per emit, then aborts.

    pyproject.toml excludes that release; this fails if such a build comes back.
    """
    ping = _Ping()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2_000):
        ping.setObjectName("ping")
        ping.ping.emit()
    assert sys.getrefcount(None) > none_before - 100 and sys.getrefcount(True) > true_before - 100


@pytest.mark.parametrize("outcome", ["done", "refused"])
def test_a_screen_closed_before_its_job_answers_is_left_alone(qtbot, runner, outcome):
    """A case window closed while its document renders: no crash, nothing shown on the closed screen."""
    screen = QWidget()
    screen.show()
    release = threading.Event()
    heard: list[object] = []

    def job(_progress):
        release.wait(5)
        if outcome == "refused":
            raise UserError("无法完成")
        return "pdf"

    task = runner.run(job, on_done=heard.append, on_error=heard.append, label="正在生成……", parent=screen)
    assert task.dialog is not None
    screen.deleteLater()  # closed: the screen and its progress dialog are deleted
    qtbot.waitUntil(lambda: not isValid(screen))
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert heard == [] and task.dialog is None


def test_running_out_of_memory_is_a_sentence_not_a_crash(qtbot, runner):
    errors: list[UserError] = []

    def job(_progress):
        raise MemoryError

    runner.run(job, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert "内存不足" in errors[0].message


def test_only_the_newest_question_of_a_screen_is_answered(qtbot, runner):
    from workstation.gui.worker import LatestQuery

    screen = QWidget()
    qtbot.addWidget(screen)
    query = LatestQuery(runner, screen)
    gate = threading.Event()
    asked: list[int] = []
    answers: list[int] = []
    errors: list[str] = []

    def ask(i: int):
        def job(_progress):
            gate.wait(5)
            asked.append(i)
            if i == 1:
                raise UserError("旧的问题")
            return i
        return job

    for i in range(4):
        query.run(ask(i), answers.append, on_error=lambda exc: errors.append(exc.message))
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert answers == [3] and errors == []
    assert asked[-1] == 3 and 2 not in asked  # a stale question still waiting is not asked at all


def test_the_fonts_warm_up_waits_for_a_quiet_moment(qtbot, runner, monkeypatch):
    """The start-up's warm-up (the CJK fonts) does not go into the queue while the clerk keeps the worker busy:
    it waits until the worker has had nothing to do for a while."""
    from workstation.gui import app

    monkeypatch.setattr(app, "WARM_UP_QUIET_S", 0.3)
    monkeypatch.setattr(app, "WARM_UP_RETRY_MS", 20)
    warmed: list[object] = []
    monkeypatch.setattr(app, "warm_up", lambda db: warmed.append(db))
    window = QWidget()
    qtbot.addWidget(window)
    release = threading.Event()
    runner.run(lambda _p: release.wait(5))
    assert runner.quiet_for() == 0.0
    app.warm_up_when_idle(window, runner, "db")
    qtbot.wait(100)
    assert not warmed  # the worker is busy
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert 0.0 <= runner.quiet_for() < 0.3
    qtbot.wait(100)
    assert not warmed  # quiet, but not for long enough yet
    qtbot.waitUntil(lambda: warmed == ["db"], timeout=3000)
    assert runner.quiet_for() >= 0.0
