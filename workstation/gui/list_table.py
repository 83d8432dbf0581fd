"""A read-only table over a ListModel: whole rows selected one at a time, the last column stretched."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView

from .widgets import ListModel

TITLE_PADDING = 20  # style.qss: 4 pixels of padding each side, the section's border, room to breathe


def list_table(model: ListModel, widths: Sequence[int] = (), *, rows: int = 0) -> QTableView:
    """``widths``: of the first columns; ``rows``: a fixed height of that many rows (0: it grows)."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    for i, width in enumerate(widths):
        table.setColumnWidth(i, width)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if rows:
        table.setFixedHeight(rows * table.verticalHeader().defaultSectionSize() + header.sizeHint().height() + 4)
    return table


def title_width(table: QTableView, column: int) -> int:
    """What a column's title needs: its text in the header's bold type and the header's padding."""
    font = QFont(table.horizontalHeader().font())
    font.setBold(True)  # style.qss: the header's titles are bold
    return QFontMetrics(font).horizontalAdvance(str(table.model().headerData(
        column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))) + TITLE_PADDING


def fit_columns_to_titles(table: QTableView, first: int = 1) -> None:
    """Columns from ``first`` on as wide as their titles (counts under them), and the table at least as wide as all
    its columns with a scroll bar's room: a splitter beside it never cuts its last column."""
    header = table.horizontalHeader()
    header.setMinimumSectionSize(min(header.minimumSectionSize(), 40))
    for i in range(first, header.count()):
        table.setColumnWidth(i, title_width(table, i))
    needed = sum(table.columnWidth(i) for i in range(header.count() - 1)) + title_width(table, header.count() - 1)
    scroll = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
    table.setMinimumWidth(needed + scroll + 2 * table.frameWidth())
