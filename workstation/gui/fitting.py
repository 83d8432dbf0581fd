"""Windows tall enough for their wrapped lines.

Qt sizes a window from its layout's minimum height, which counts a wrapped label at one line of the font's
height (a pixel short of the line it paints) and a second line not at all; only the height for the window's
width counts them.
"""

from __future__ import annotations

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
