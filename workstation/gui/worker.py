"""Long work off the GUI thread: one serial worker with a progress dialog (cf. Anki's taskman).

Jobs run one at a time, in order, on one Python thread, so database work in
the background is serialised. A job receives a ``Progress`` to report on and
to ask whether the user cancelled; its result or its exception comes back on
the GUI thread. A UserError goes to ``on_error`` (or a message box); any other
exception is raised again on the GUI thread: a bug must not be swallowed.
"""

from __future__ import annotations

import collections
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from workstation.domain.errors import UserError

from .widgets import plain_message

SHOW_PROGRESS_AFTER_MS = 400


class _Bridge(QObject):
    """The one object the worker thread touches: it carries answers to the GUI thread.

    Made once per runner on the GUI thread and kept for the runner's life; jobs,
    their callables and their screens are never created, touched or released on
    the worker thread by Qt, so no Qt object dies on the wrong thread (a job's
    QObject collected there crashed the program under load).
    """

    done = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, int, int)


class Progress:
    """Handed to a job: report how far it got; check ``cancelled`` between steps."""

    def __init__(self, bridge: _Bridge, number: int) -> None:
        self._bridge = bridge
        self._number = number
        self.cancelled = False

    def report(self, done: int, total: int) -> None:
        self._bridge.progress.emit(self._number, done, total)


OUT_OF_MEMORY = "内存不足,未能完成:所处理的文件或数据过大。请关闭其他程序后重试,或把文件分成几个较小的文件。"


class Task:
    """One submitted job: its progress dialog and its callbacks, on the GUI thread."""

    def __init__(self, number: int, fn: Callable[[Progress], Any], progress: Progress, *,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[UserError], None] | None,
                 label: str | None, parent: QWidget | None, cancellable: bool) -> None:
        self.number = number
        self.fn: Callable[[Progress], Any] | None = fn  # released on the GUI thread, when the answer is in
        self.progress = progress
        self._on_done = on_done
        self._on_error = on_error
        self._parent = parent
        self.dialog: QProgressDialog | None = None
        if label:
            self.dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
            self.dialog.setWindowTitle("请稍候")
            if not cancellable:
                self.dialog.setCancelButton(None)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self._cancel)

    def _cancel(self) -> None:
        self.progress.cancelled = True

    def report(self, done: int, total: int) -> None:
        if self.dialog is not None and isValid(self.dialog) and total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    @property
    def parent(self) -> QWidget | None:
        return self._parent

    def _parent_gone(self) -> bool:
        """The screen that asked for the job was closed (its window, and the progress dialog, deleted)."""
        return self._parent is not None and not isValid(self._parent)

    def finish(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        self.fn = None

    def answer(self, result: Any) -> None:
        if self._on_done is not None and not self._parent_gone():  # nobody left to show it to
            self._on_done(result)

    def refuse(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            raise exc
        if self._parent_gone():
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            QMessageBox.warning(self._parent, "未能完成", plain_message(exc.message))


class TaskRunner(QObject):
    """The one background worker of the program: a Python thread running jobs one at a time, in order."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._bridge.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._bridge.progress.connect(self._report, Qt.ConnectionType.QueuedConnection)
        self._tasks: dict[int, Task] = {}
        self._numbers = itertools.count(1)
        self._queue: collections.deque[tuple[int, Callable[[Progress], Any], Progress]] = collections.deque()
        self._running = 0  # jobs queued or running on the worker thread
        self._thread: threading.Thread | None = None
        self._lock = threading.Condition()
        self._active_at = time.monotonic()  # when a job was last asked for or answered

    def run(self, fn: Callable[[Progress], Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[UserError], None] | None = None, label: str | None = None,
            parent: QWidget | None = None, cancellable: bool = False) -> Task:
        """Run ``fn(progress)`` in the background; ``label`` shows a progress dialog if it takes a while."""
        number = next(self._numbers)
        self._active_at = time.monotonic()
        progress = Progress(self._bridge, number)
        task = Task(number, fn, progress, on_done=on_done, on_error=on_error, label=label, parent=parent,
                    cancellable=cancellable)
        self._tasks[number] = task
        with self._lock:
            self._queue.append((number, fn, progress))
            self._running += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="workstation-worker", daemon=True)
                self._thread.start()
        return task

    def _work(self) -> None:
        """The worker thread: take the next job, run it, send its answer; end when nothing is left."""
        bridge = self._bridge
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    return
                number, fn, progress = self._queue.popleft()
            try:
                result = fn(progress)
            except MemoryError:  # what the job held is freed by now: the window can say so and go on
                outcome, payload = bridge.failed, UserError(OUT_OF_MEMORY)
            except BaseException as exc:  # handed to the GUI thread, raised there if it is a bug
                outcome, payload = bridge.failed, exc
            else:
                outcome, payload = bridge.done, result
            del fn, progress  # the task on the GUI thread keeps the job; it is released there
            outcome.emit(number, payload)
            del outcome, payload
            with self._lock:
                self._running -= 1
                self._lock.notify_all()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _take(self, number: int) -> Task | None:
        task = self._tasks.pop(number, None)
        if task is not None:
            task.finish()
        return task

    def working_for(self, widget: QWidget) -> bool:
        """Whether a job asked for by ``widget`` (or a widget inside it) has not answered yet."""
        return any(t.parent is not None and (t.parent is widget or widget.isAncestorOf(t.parent))
                   for t in self._tasks.values() if not t._parent_gone())

    def quiet_for(self) -> float:
        """Seconds since the worker last had a job (0 while it has one): a moment to do what can wait."""
        return 0.0 if self._tasks else time.monotonic() - self._active_at

    def _settle(self) -> None:
        self._active_at = time.monotonic()
        if not self._tasks:
            self.idle.emit()

    @Slot(int, int, int)
    def _report(self, number: int, done: int, total: int) -> None:
        task = self._tasks.get(number)
        if task is not None:
            task.report(done, total)

    @Slot(int, object)
    def _done(self, number: int, result: Any) -> None:
        task = self._take(number)
        try:
            if task is not None:
                task.answer(result)
        finally:
            self._settle()

    @Slot(int, object)
    def _failed(self, number: int, exc: BaseException) -> None:
        task = self._take(number)
        try:
            if task is not None:
                task.refuse(exc)
        finally:
            self._settle()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is done (at shutdown, and in tests); the answers come with the event loop."""
        with self._lock:
            return self._lock.wait_for(lambda: self._running == 0, None if msecs < 0 else msecs / 1000)


class LatestQuery:
    """The reads of one screen: a newer question makes the answers to older ones stale.

    A stale answer (or refusal) is dropped, and a stale job still waiting for
    the worker is skipped, so a clerk typing a search asks the database once
    for what is on screen, not once per key.
    """

    def __init__(self, runner: TaskRunner, parent: QWidget, *, label: str | None = None) -> None:
        self._runner = runner
        self._parent = parent
        self._label = label
        self._generation = 0

    def run(self, fn: Callable[[Progress], Any], on_done: Callable[[Any], None], *,
            on_error: Callable[[UserError], None] | None = None) -> Task:
        """Ask ``fn`` on the worker; ``on_done``/``on_error`` hear only the answer to the newest question."""
        self._generation += 1
        generation = self._generation

        def current() -> bool:
            return generation == self._generation

        def job(progress: Progress) -> Any:
            return fn(progress) if current() else None

        def done(result: Any) -> None:
            if current():
                on_done(result)

        def failed(exc: UserError) -> None:
            if not current():
                return
            if on_error is not None:
                on_error(exc)
            else:
                QMessageBox.warning(self._parent, "未能完成", plain_message(exc.message))

        return self._runner.run(job, on_done=done, on_error=failed, label=self._label, parent=self._parent)
