"""A year at a glance: twelve month grids, each day coloured by what kind of day it is and where that came from."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QHelpEvent, QPainter, QPaintEvent, QPen, QPixmap, QPolygon
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from workstation.domain.calendar import MAKEUP, WEEKEND, DayInfo, Source

from .widgets import cn_weekday

KIND_COLOURS = {
    "work": QColor("#ffffff"),
    "weekend": QColor("#e4e6ea"),
    "holiday": QColor("#f6c1bd"),
    "makeup": QColor("#c6dbf7"),
}
KIND_LABELS = {"work": "工作日", "weekend": "周末休息", "holiday": "节假日(放假)", "makeup": "调休上班"}
SOURCE_LABELS = {
    Source.OFFICIAL: "官方数据",
    Source.IMPORTED: "导入的通知",
    Source.PROVISIONAL: "预估",
    Source.MANUAL: "本机关设定",
}
IMPORTED_MARK = QColor("#1e8e3e")
MANUAL_BORDER = QColor("#e8710a")
HATCH = QColor("#b8bcc2")
WEEK_HEAD = "一二三四五六日"


def day_kind(info: DayInfo) -> str:
    if info.working:
        return "makeup" if info.reason == MAKEUP or info.day.weekday() >= 5 else "work"
    return "weekend" if info.reason == WEEKEND else "holiday"


class YearGrid(QWidget):
    """Paints 4 × 3 months; hovering a day tells what it is and why."""

    # the smallest day: two digits and a line of the program's font; with its gaps the year fits the holidays
    # page of a 1366x768 screen at 125 % beside the import panel (tests/test_gui_layout.py)
    CELL = QSize(22, 17)
    GAP = QSize(10, 4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: date | None = None
        self.days: tuple[DayInfo, ...] = ()
        self.year = 0
        self._cells: list[tuple[QRect, DayInfo]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        month = self._month_size()
        self.setMinimumSize(month.width() * 4 + self.GAP.width() * 5, month.height() * 3 + self.GAP.height() * 4)

    def set_days(self, year: int, days: tuple[DayInfo, ...]) -> None:
        self.year = year
        self.days = days
        self.update()

    def _month_size(self) -> QSize:
        return QSize(self.CELL.width() * 7, self.CELL.height() * 8)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._cells = []
        if not self.days:
            return
        by_month: dict[int, list[DayInfo]] = {}
        for info in self.days:
            by_month.setdefault(info.day.month, []).append(info)
        cols, rows = 4, 3
        cell_w = max(self.CELL.width(), (self.width() - 20 * (cols + 1)) // (cols * 7))
        cell_h = max(self.CELL.height(), (self.height() - 10 * (rows + 1)) // (rows * 8))
        month_w, month_h = cell_w * 7, cell_h * 8
        gap_x = (self.width() - month_w * cols) // (cols + 1)
        gap_y = max(self.GAP.height(), (self.height() - month_h * rows) // (rows + 1))
        font = painter.font()
        bold = painter.font()
        bold.setBold(True)
        for month in range(1, 13):
            r, c = divmod(month - 1, cols)
            x0 = gap_x + c * (month_w + gap_x)
            y0 = gap_y + r * (month_h + gap_y)
            painter.setFont(bold)
            painter.setPen(QColor("#202124"))
            painter.drawText(QRect(x0, y0, month_w, cell_h), Qt.AlignmentFlag.AlignCenter, f"{month}月")
            painter.setFont(font)
            painter.setPen(QColor("#5f6368"))
            for i, name in enumerate(WEEK_HEAD):
                painter.drawText(QRect(x0 + i * cell_w, y0 + cell_h, cell_w, cell_h), Qt.AlignmentFlag.AlignCenter,
                                 name)
            first_weekday = date(self.year, month, 1).weekday()
            for info in by_month.get(month, []):
                slot = first_weekday + info.day.day - 1
                week, weekday = divmod(slot, 7)
                rect = QRect(x0 + weekday * cell_w, y0 + (week + 2) * cell_h, cell_w - 1, cell_h - 1)
                self._paint_day(painter, rect, info)
                self._cells.append((rect, info))

    def _paint_day(self, painter: QPainter, rect: QRect, info: DayInfo) -> None:
        kind = day_kind(info)
        paint_cell(painter, rect, kind, info.source)
        if info.day == self.today:
            painter.setPen(QPen(QColor("#0b57d0"), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.setPen(QColor("#9b1c1c") if kind == "holiday" else QColor("#202124"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(info.day.day))

    def info_at(self, pos: QPoint) -> DayInfo | None:
        for rect, info in self._cells:
            if rect.contains(pos):
                return info
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            info = self.info_at(event.pos())
            if info is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), describe_day(info), self)
            return True
        return super().event(event)


def paint_cell(painter: QPainter, rect: QRect, kind: str, source: Source) -> None:
    """A day's background: its kind as colour, its source as a mark."""
    painter.fillRect(rect, KIND_COLOURS[kind])
    if source is Source.PROVISIONAL:
        painter.fillRect(rect, QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
    if source is Source.IMPORTED:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(IMPORTED_MARK)
        tr = rect.topRight()
        painter.drawPolygon(QPolygon([tr, tr - QPoint(7, 0), tr + QPoint(0, 7)]))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    if source is Source.MANUAL:
        painter.setPen(QPen(MANUAL_BORDER, 2))
        painter.drawRect(rect.adjusted(1, 1, -1, -1))


def swatch(kind: str, source: Source = Source.OFFICIAL) -> QPixmap:
    """A legend sample, painted as the grid paints a day."""
    pixmap = QPixmap(24, 18)
    pixmap.fill(QColor("#9aa0a6"))
    painter = QPainter(pixmap)
    paint_cell(painter, QRect(1, 1, 22, 16), kind, source)
    painter.end()
    return pixmap


def describe_day(info: DayInfo) -> str:
    kind = KIND_LABELS[day_kind(info)]
    reason = f"({info.reason})" if info.reason and info.reason not in (WEEKEND,) else ""
    return f"{info.day.isoformat()} {cn_weekday(info.day)}:{kind}{reason}\n来源:{info.source.label}"
