"""The printed grids of tables 三 and 四 on the tally screen: a table model over a grid of
workstation/reports/tables.py and a table view that draws its spans, so the screen and the paper never
disagree. Each cell carries the tally's keys (domain/tally.py); a number that differs from its locked
(reported) figure reads "locked → current".
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from workstation.domain.tally import GROUP_ROWS
from workstation.reports.tables import Cell, Grid

from .widgets import MUTED_TEXT, SOON_BACK, SOON_TEXT

SUMMARY_ROWS = ("new", "carried_in", "total", "carried_out")
TALL_SPAN = 10  # rows a label may span and still be centred in them

# Shading on screen only (paper has none): headers, the four summary rows, and the result groups set apart.
HEADER_BACK = QColor("#eceff1")
SUMMARY_BACK = QColor("#e8f0fe")
GROUP_LABEL_BACK = QColor("#f1f3f4")
BAND_BACK = QColor("#f8f9fa")
GRID_LINE = "#9aa0a6"

KEY_ROLE = Qt.ItemDataRole.UserRole  # (row key, column key) of a number of table 三 / (kind, column) of table 四
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the current number of a cell
GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # the result group a spanning label stands for


def locked_value(figures: dict | None, table: str, key: tuple[str, str]) -> int | None:
    if figures is None:
        return None
    value = figures.get(table, {}).get(key[0], {}).get(key[1])
    return value if isinstance(value, int) else None


class GridModel(QAbstractTableModel):
    """The cells of a printed grid; a number that differs from its locked figure reads "locked → current"."""

    def __init__(self, table: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table  # "table3" or "table4": the key of the figures in a lock
        self.grid: Grid | None = None
        self._cells: dict[tuple[int, int], Cell] = {}
        self._keys: dict[tuple[int, int], tuple[str, str]] = {}
        self._groups: dict[tuple[int, int], str] = {}
        self._group_totals: dict[str, int] = {}
        self._row_keys: dict[int, str] = {}
        self.locked: dict[tuple[int, int], int] = {}  # only the cells whose locked figure differs

    def set_grid(self, grid: Grid, *, group_totals: dict[str, int] | None = None,
                 figures: dict | None = None) -> None:
        """Show ``grid``; ``group_totals`` are the numbers behind the result groups' labels, ``figures``
        those of the period's lock, if it is locked."""
        self.beginResetModel()
        self.grid = grid
        self._cells = {(c.row, c.col): c for c in grid.cells}
        self._keys = {(c.row, c.col): (c.row_key, c.col_key) for c in grid.cells if c.kind == "number"}
        self._groups = {(c.row, c.col): c.row_key for c in grid.cells
                        if c.kind == "label" and c.rowspan > 1 and c.row_key in GROUP_ROWS}
        self._group_totals = group_totals or {}
        self._row_keys = {pos[0]: key[0] for pos, key in self._keys.items()}
        self.locked = {}
        for pos, key in self._keys.items():
            before = locked_value(figures, self.table, key)
            if before is not None and before != self._cells[pos].value:
                self.locked[pos] = before
        self.endResetModel()

    def cell(self, row: int, col: int) -> Cell | None:
        return self._cells.get((row, col))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.grid.rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else self.grid.cols

    def text(self, cell: Cell) -> str:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return f"{self.locked[pos]} → {cell.value}"
        return str(cell.value)

    def is_bold(self, cell: Cell) -> bool:
        pos = (cell.row, cell.col)
        return (cell.kind == "header" or pos in self._groups or pos in self.locked
                or self._row_keys.get(cell.row) in SUMMARY_ROWS and cell.rowspan == 1)

    def _band(self, row: int) -> bool:
        """Rows of the 2nd and 4th multi-row result groups are shaded, so neighbouring groups stand apart."""
        key = self._row_keys.get(row, "")
        group = key.split(".")[0]
        return group in GROUP_ROWS and list(GROUP_ROWS).index(group) % 2 == 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        pos = (index.row(), index.column())
        cell = self._cells.get(pos)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(cell)
        if role == KEY_ROLE:
            return self._keys.get(pos)
        if role == VALUE_ROLE:
            return cell.value if cell.kind == "number" else None
        if role == GROUP_ROLE:
            return self._groups.get(pos)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = cell.kind == "label" and self.grid is not None and cell.col < self.grid.label_cols \
                and cell.rowspan == 1
            flag = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignHCenter
            # the heading of the results spans some twenty rows: on screen it sits at their top, in view
            tall = cell.rowspan > TALL_SPAN
            return int(flag | (Qt.AlignmentFlag.AlignTop if tall else Qt.AlignmentFlag.AlignVCenter))
        if role == Qt.ItemDataRole.FontRole and self.is_bold(cell):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(cell)
        if role == Qt.ItemDataRole.ForegroundRole:
            if pos in self.locked:
                return SOON_TEXT
            if cell.kind == "number" and cell.value == 0:
                return MUTED_TEXT
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        return None

    def _background(self, cell: Cell) -> QColor | None:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return SOON_BACK
        if cell.kind == "header":
            return HEADER_BACK
        if pos in self._groups:
            return GROUP_LABEL_BACK
        if cell.rowspan > 1:
            return None
        if self._row_keys.get(cell.row) in SUMMARY_ROWS:
            return SUMMARY_BACK
        return BAND_BACK if self._band(cell.row) else None

    def _tooltip(self, cell: Cell) -> str | None:
        pos = (cell.row, cell.col)
        if pos in self.locked:
            return f"已锁定(已报送或公开)的数字:{self.locked[pos]}\n当前数字:{cell.value}"
        if pos in self._groups:
            total = self._group_totals.get(self._groups[pos], 0)
            return f"{cell.value}合计 {total} 件" + ("(点击查看这些申请)" if total else "")
        if cell.kind == "number" and cell.value and self.table == "table3":
            return f"点击查看这 {cell.value} 件申请"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class GridTable(QTableView):
    """A grid with the printed spans; rows grow to their wrapped text when the columns change width."""

    PAD_X = 8
    PAD_Y = 6

    def __init__(self, model: GridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = model
        self.setModel(model)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet(f"QTableView {{ gridline-color: {GRID_LINE}; }}")
        self.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())
        # a stretched column changes width after the resize event: fit the rows once things settle
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit.start()

    def show_grid(self) -> None:
        """After the model got a new grid: spans and row heights."""
        self.clearSpans()
        grid = self.grid_model.grid
        if grid is None:
            return
        for c in grid.cells:
            if c.rowspan > 1 or c.colspan > 1:
                self.setSpan(c.row, c.col, c.rowspan, c.colspan)
        self.fit_rows()

    def _metrics(self, bold: bool) -> QFontMetrics:
        font = QFont(self.font())
        font.setBold(bold)
        return QFontMetrics(font)

    def fit_rows(self) -> None:
        grid = self.grid_model.grid
        if grid is None:
            return
        plain, bold = self._metrics(False), self._metrics(True)
        widths = [self.columnWidth(c) for c in range(grid.cols)]
        heights = [plain.height() + 2 * self.PAD_Y] * grid.rows
        tall: list[tuple[Cell, int]] = []
        for c in grid.cells:
            width = max(sum(widths[c.col:c.col + c.colspan]) - 2 * self.PAD_X, 16)
            metrics = bold if self.grid_model.is_bold(c) else plain
            text = self.grid_model.text(c)
            need = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text).height()
            need += 2 * self.PAD_Y
            if c.rowspan == 1:
                heights[c.row] = max(heights[c.row], need)
            else:
                tall.append((c, need))
        for c, need in tall:
            have = sum(heights[c.row:c.row + c.rowspan])
            if need > have:
                extra = math.ceil((need - have) / c.rowspan)
                for r in range(c.row, c.row + c.rowspan):
                    heights[r] += extra
        for r, h in enumerate(heights):
            self.setRowHeight(r, h)

    def content_height(self) -> int:
        rows = self.grid_model.rowCount()
        return sum(self.rowHeight(r) for r in range(rows)) + 2 * self.frameWidth() + 2
