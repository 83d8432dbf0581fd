"""The register's table model: it holds only the ordered ids and fetches rows a page at a time.

Like Anki's browser model, a row is read the first time ``data()`` needs it, a
page of 200 summaries at once; at most ``MAX_PAGES`` pages stay in memory, so a
register of 100,000 requests scrolls without loading them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from workstation.domain.results import CHANNELS, RESULTS
from workstation.services.cases import CaseSummary
from workstation.services.queries import RUNNING
from workstation.services.register_export import COLUMNS

from .widgets import OVERDUE_BACK, OVERDUE_TEXT, SOON_BACK, SOON_TEXT, PageCache, plain_tip

PAGE = 200
MAX_PAGES = 40


# Widths as sample texts (the last column, 所需信息, takes the rest of the window).
# 申请人 and 办理结果 are read whole: an organisation's name of twelve characters, the longest result.
SAMPLES = ("城政依申〔2026〕第0000号", "2026-00-00", "某某县某某镇股份经济合作", "社会公益组织", "110105********0000",
           "已答复待送达", "2026-00-00(答复意见期限·预计)", max((r.label for r in RESULTS), key=len), "2026-00-00",
           "欧阳某某")


class RegisterModel(QAbstractTableModel):
    """Rows are case ids in display order; ``fetch`` turns a page of ids into summaries.

    Requests are never deleted, so every id of the list has its summary.
    """

    sort_requested = Signal(str, bool)  # sort key, descending

    def __init__(self, fetch: Callable[[list[int]], list[CaseSummary]], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[int] = []
        self._pages: PageCache[CaseSummary] = PageCache(
            lambda page_no: self._fetch(self._ids[page_no * PAGE:(page_no + 1) * PAGE]), PAGE, MAX_PAGES)
        self._today = date.min
        self._soon = date.min

    @property
    def fetches(self) -> int:
        """Pages read so far (the tests check that scrolling stays lazy)."""
        return self._pages.fetches

    # -- contents ----------------------------------------------------------------
    def set_ids(self, ids: Sequence[int], today: date, soon: date,
                first_page: list[CaseSummary] | None = None) -> None:
        """A new list (after a filter, a sort or a change): pages are read again when shown, except the first
        if it came with the list (``first_page``: the summaries of its first PAGE ids, in their order)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        if first_page is not None and [c.id for c in first_page] == self._ids[:PAGE]:
            self._pages.put(0, first_page)
        self._today, self._soon = today, soon
        self.endResetModel()

    def case_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, case_id: int) -> int:
        return self._ids.index(case_id) if case_id in self._ids else -1

    def case(self, row: int) -> CaseSummary:
        return self._pages.row(row)

    def pages_held(self) -> int:
        return len(self._pages)

    def state(self, c: CaseSummary) -> str:
        """"overdue", "soon" or "" — from the due date the service stored, against today."""
        if c.status not in RUNNING or c.due is None:
            return ""
        if c.due < self._today:
            return "overdue"
        if c.due <= self._soon:
            return "soon"
        return ""

    # -- Qt model -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(self.case(index.row()))
        if role == Qt.ItemDataRole.ForegroundRole:
            state = self.state(self.case(index.row()))
            return OVERDUE_TEXT if state == "overdue" else SOON_TEXT if state == "soon" else None
        if role == Qt.ItemDataRole.BackgroundRole:
            state = self.state(self.case(index.row()))
            return OVERDUE_BACK if state == "overdue" else SOON_BACK if state == "soon" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            c = self.case(index.row())
            note = {"overdue": "已逾期。", "soon": f"临近到期(答复期限在{self._soon.isoformat()}或之前)。"}.get(
                self.state(c), "")
            cell = column.value(c) if column.title != "所需信息" else ""
            return plain_tip(f"{c.number} {c.applicant_name}({CHANNELS.get(c.channel, c.channel)})\n{note}"
                             + (f"{column.title}:{cell}\n" if cell else "") + c.content[:300])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            flag = Qt.AlignmentFlag.AlignHCenter if column.centred else Qt.AlignmentFlag.AlignLeft
            return int(flag | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
            if role == Qt.ItemDataRole.ToolTipRole:
                return "点击排序" if COLUMNS[section].sort_key else "此列不能排序"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the database's job: ask the view to query the ids again in the new order."""
        key = COLUMNS[column].sort_key if 0 <= column < len(COLUMNS) else None
        if key:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)
