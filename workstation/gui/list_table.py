"""A read-only table over a ListModel: whole rows selected one at a time, the last column stretched."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .widgets import ListModel


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
