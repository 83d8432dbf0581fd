"""月度趋势 on the tally screen: new and concluded requests per month of a year, and the concluded ones
by result group, as two charts. The months are counted on the worker (services.tally.monthly_trend);
QtCharts is imported only when the page is first shown.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workstation.domain.errors import UserError
from workstation.domain.results import RESULT_GROUPS, RESULTS
from workstation.services import tally as tally_service
from workstation.services.tally import Trend

from .context import AppContext
from .worker import Progress

# The result groups by the category they print as (予以公开 … 其他处理), with a colour each for the chart.
GROUP_NAMES = {g: next(r.category for r in RESULTS if r.group == g) for g in RESULT_GROUPS}
GROUP_COLOURS = {"disclosed": "#1e8e3e", "partly_disclosed": "#81c995", "withheld": "#d93025",
                 "unavailable": "#f9ab00", "not_processed": "#80868b", "other": "#a142f4"}
NEW_COLOUR = "#0b57d0"
CONCLUDED_COLOUR = "#e37400"
CANCELLED = "已取消各月统计。再次打开“月度趋势”页即重新统计。"


def _nice_axis(top: int) -> tuple[int, int]:
    """An axis maximum and tick count, in steps of 1, 2 or 5 times a power of ten, at most six steps."""
    top = max(top, 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(top / step) <= 6:
                high = math.ceil(top / step) * step
                return high, high // step + 1
        magnitude *= 10


class TrendPage(QWidget):
    """The trend tab: counts a year's months when asked and shows them; a newer request makes an older
    answer stale."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.trend: Trend | None = None
        self.flow_chart: Any = None  # QChart, built when the page is first shown
        self.result_chart: Any = None
        self.stale = True
        self._generation = 0
        self.trend_layout = QVBoxLayout(self)
        self.status = QLabel("正在统计各月数字……")
        self.status.setObjectName("hint")
        self.trend_layout.addWidget(self.status)

    def need(self, year: int) -> None:
        """The screen now shows ``year``: count it again unless its months are already shown."""
        if self.trend is None or self.trend.year != year:
            self.stale = True

    def load(self, year: int) -> None:
        """Count the months of ``year`` on the worker, if what is shown is stale."""
        if not self.stale:
            return
        self.stale = False
        self._generation += 1
        generation = self._generation
        today, db, viewer = self.ctx.today(), self.ctx.background_db, self.ctx.actor
        self.status.setText(f"正在统计{year}年各月数字……")
        self.status.show()

        def job(progress: Progress) -> Trend:
            def heard(done: int, months: int) -> None:
                if done < months and progress.cancelled:
                    raise UserError(CANCELLED)
                progress.report(done, months)

            return tally_service.monthly_trend(db, year, today, heard, viewer=viewer)

        self.ctx.tasks.run(job, on_done=lambda trend: self._loaded(generation, trend),
                           on_error=lambda exc: self._failed(generation, exc),
                           label=f"正在统计{year}年各月数字……", parent=self, cancellable=True)

    def _failed(self, generation: int, exc: UserError) -> None:
        if generation == self._generation:
            self.stale = True
            self.status.setText(exc.message)

    def _loaded(self, generation: int, trend: Trend) -> None:
        if generation != self._generation:
            return
        self.trend = trend
        self._build_charts()
        self._fill_charts(trend)
        if trend.months == 0:
            self.status.setText(f"{trend.year}年尚未开始,没有数字。")
        elif trend.months < 12:
            self.status.setText(f"{trend.year}年已过 {trend.months} 个月,之后的月份尚无数字。")
        else:
            self.status.setText(f"{trend.year}年各月数字,与各月统计表一致(办结按答复或终止日期计入当月)。")

    def _build_charts(self) -> None:
        if self.flow_chart is not None:
            return
        from PySide6.QtCharts import QChart, QChartView
        from PySide6.QtGui import QPainter

        row = QHBoxLayout()
        for attr in ("flow_chart", "result_chart"):
            chart = QChart()
            chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
            chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
            chart.setMargins(chart.margins() * 0)
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.1)
            font.setBold(True)
            chart.setTitleFont(font)
            chart.legend().setFont(self.font())
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(360, 260)
            setattr(self, attr, chart)
            row.addWidget(view, 1)
        self.trend_layout.addLayout(row, 1)

    def _axes(self, chart: Any, top: int) -> tuple[Any, Any]:
        from PySide6.QtCharts import QBarCategoryAxis, QValueAxis

        for axis in chart.axes():
            chart.removeAxis(axis)
        x = QBarCategoryAxis()
        x.append([f"{m}月" for m in range(1, 13)])
        x.setLabelsFont(self.font())
        y = QValueAxis()
        high, ticks = _nice_axis(top)
        y.setRange(0, high)
        y.setTickCount(ticks)
        y.setLabelFormat("%d")
        y.setLabelsFont(self.font())
        y.setTitleText("件")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        return x, y

    def _fill_charts(self, trend: Trend) -> None:
        from PySide6.QtCharts import QBarSet, QLineSeries, QStackedBarSeries
        from PySide6.QtGui import QPen

        flow = self.flow_chart
        flow.removeAllSeries()
        flow.setTitle(f"{trend.year}年各月新收与办结申请")
        x, y = self._axes(flow, max(trend.new + trend.concluded))
        for name, values, colour in (("新收", trend.new, NEW_COLOUR), ("办结", trend.concluded, CONCLUDED_COLOUR)):
            series = QLineSeries()
            series.setName(name)
            for i in range(trend.months):
                series.append(i, values[i])
            pen = QPen(QColor(colour))
            pen.setWidth(3)
            series.setPen(pen)
            series.setPointsVisible(True)
            flow.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)

        results = self.result_chart
        results.removeAllSeries()
        results.setTitle(f"{trend.year}年各月办结申请的办理结果")
        x, y = self._axes(results, max(trend.concluded))
        stacked = QStackedBarSeries()
        stacked.setBarWidth(0.6)
        for group, values in trend.groups.items():
            bar = QBarSet(GROUP_NAMES[group])
            bar.append([float(v) for v in values])
            bar.setColor(QColor(GROUP_COLOURS[group]))
            bar.setBorderColor(QColor(GROUP_COLOURS[group]))
            stacked.append(bar)
        results.addSeries(stacked)
        stacked.attachAxis(x)
        stacked.attachAxis(y)

    def chart_series(self) -> dict[str, list[int]]:
        """The charts' data by series name (新收, 办结 and each result group), for tests and checks."""
        from PySide6.QtCharts import QLineSeries, QStackedBarSeries

        out: dict[str, list[int]] = {}
        for chart in (self.flow_chart, self.result_chart):
            if chart is None:
                continue
            for series in chart.series():
                if isinstance(series, QLineSeries):
                    out[series.name()] = [round(p.y()) for p in series.points()]
                elif isinstance(series, QStackedBarSeries):
                    for bar in series.barSets():
                        out[bar.label()] = [round(bar.at(i)) for i in range(bar.count())]
        return out

