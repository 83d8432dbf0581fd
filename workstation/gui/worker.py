"""Long work off the GUI thread: one serial worker with a progress dialog (cf. Anki's taskman).

Jobs run one at a time on a QThreadPool with a single thread, so database work
in the background is serialised. A job receives a ``Progress`` to report on and
to ask whether the user cancelled; its result or its exception comes back on
the GUI thread. A UserError goes to ``on_error`` (or a message box); any other
exception is raised again on the GUI thread: a bug must not be swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from workstation.domain.errors import UserError

from .widgets import plain_message

SHOW_PROGRESS_AFTER_MS = 400


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class Progress:
    """Handed to a job: report how far it got; check ``cancelled`` between steps."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = False

    def report(self, done: int, total: int) -> None:
        self._signals.progress.emit(done, total)


OUT_OF_MEMORY = "内存不足,未能完成:所处理的文件或数据过大。请关闭其他程序后重试,或把文件分成几个较小的文件。"


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.progress = progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except MemoryError:  # what the job held is freed by now: the window can say so and go on
            self.signals.failed.emit(UserError(OUT_OF_MEMORY))
        except BaseException as exc:  # handed to the GUI thread, raised there if it is a bug
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class Task(QObject):
    """One submitted job: its progress dialog and its callbacks, on the GUI thread."""

    def __init__(self, runner: TaskRunner, fn: Callable[[Progress], Any], *,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[UserError], None] | None,
                 label: str | None, parent: QWidget | None, cancellable: bool) -> None:
        super().__init__(runner)
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self._parent = parent
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.signals.progress.connect(self._report, Qt.ConnectionType.QueuedConnection)
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
        self.job = _Job(fn, self.signals, self.progress)

    @Slot()
    def _cancel(self) -> None:
        self.progress.cancelled = True

    @Slot(int, int)
    def _report(self, done: int, total: int) -> None:
        if self.dialog is not None and total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _parent_gone(self) -> bool:
        """The screen that asked for the job was closed (its window, and the progress dialog, deleted)."""
        return self._parent is not None and not isValid(self._parent)

    def _finish(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        self._runner._forget(self)

    @Slot(object)
    def _done(self, result: Any) -> None:
        self._finish()
        if self._on_done is not None and not self._parent_gone():  # nobody left to show it to
            self._on_done(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, UserError):
            if self._parent_gone():
                return
            if self._on_error is not None:
                self._on_error(exc)
            else:
                QMessageBox.warning(self._parent, "未能完成", plain_message(exc.message))
            return
        raise exc


class TaskRunner(QObject):
    """The one background worker of the program."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks: list[Task] = []

    def run(self, fn: Callable[[Progress], Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[UserError], None] | None = None, label: str | None = None,
            parent: QWidget | None = None, cancellable: bool = False) -> Task:
        """Run ``fn(progress)`` in the background; ``label`` shows a progress dialog if it takes a while."""
        task = Task(self, fn, on_done=on_done, on_error=on_error, label=label, parent=parent,
                    cancellable=cancellable)
        self._tasks.append(task)
        self._pool.start(task.job)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _forget(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        task.deleteLater()
        if not self._tasks:
            self.idle.emit()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is done (at shutdown, and in tests)."""
        return self._pool.waitForDone(msecs)


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
