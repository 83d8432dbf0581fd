"""Windows tall enough for their wrapped lines.

Qt sizes a window from its layout's minimum height, which counts a wrapped label at one line of the font's
height (a pixel short of the line it paints) and a second line not at all; only the height for the window's
width counts them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


def needed_height(window: QWidget, width: int | None = None) -> int:
    """The height the window's contents need at ``width`` (its present width) and at least its layout's minimum."""
    layout = window.layout()
    layout.activate()
    return max(window.heightForWidth(width or window.width()), layout.totalMinimumSize().height())


def pin_minimum_height(window: QWidget, width: int | None = None) -> None:
    """Its minimum height is what its wrapped lines need now (again after each change of its rows), at ``width``
    before it is shown (its present width)."""
    window.setMinimumHeight(needed_height(window, width))


class _WrappedLinesWhole(QObject):
    """Pins its window's minimum height when the window is shown and whenever its layout changes."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest) and isinstance(watched, QWidget):
            pin_minimum_height(watched)
        return False


def keep_wrapped_lines_whole(window: QWidget) -> None:
    """From now on the window's minimum height follows its wrapped lines: when it is shown (at the width Qt gave
    it) and each time a row, a hint or a refusal comes or goes. Qt shows a dialog at most two thirds of the screen
    high and grows it only to its layout's minimum, which would squeeze them."""
    window.installEventFilter(_WrappedLinesWhole(window))
