"""工作台: what needs doing today — the first screen of the day."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.deadline import cn_date
from workstation.services import queries
from workstation.services.gui_queries import due_soon_days
from workstation.services.queries import DASHBOARD_VIEWS, Dashboard, DashboardItem

from .context import AppContext, Change
from .supervision_view import SupervisionPanel
from .widgets import (
    OVERDUE_BACK,
    OVERDUE_TEXT,
    SOON_BACK,
    SOON_TEXT,
    Column,
    Label,
    ListModel,
    cn_weekday,
    enter_shortcut,
    iso,
)
from .worker import LatestQuery

CARD_HINTS = {
    "overdue": "答复期限已过",
    "due_soon": "{days}个工作日内到期",  # days: the office's setting days.due_soon
    "in_progress": "已登记、尚未提交审核,离答复期限还有{days}个工作日以上",
    "correction": "等待申请人补正",
    "paused": "征询第三方等,暂停计时",
    "review": "等待审核人审核",
    "reply": "审核通过,等待答复",
    "replied": "已答复,尚未送达或交邮:以签收、交邮或发送之日判断是否按期",
}
CARD_STYLE = {"overdue": "overdue", "due_soon": "soon"}


class CountCard(QPushButton):
    """A count with its label; clicking shows its list below."""

    def __init__(self, view: str, due_soon_days: int) -> None:
        super().__init__()
        self.view = view
        self.setCheckable(True)
        self.setObjectName("countCard")
        self.setProperty("state", CARD_STYLE.get(view, "plain"))
        self.setToolTip(CARD_HINTS[view].format(days=due_soon_days))
        self.setMinimumHeight(90)
        self.setAutoDefault(False)
        self.number = Label("0")
        self.number.setObjectName("cardNumber")
        self.caption = Label(queries.VIEWS[view])
        self.caption.setObjectName("cardCaption")
        box = QVBoxLayout(self)
        box.setSpacing(0)
        for label in (self.number, self.caption):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(label)
        self.count = 0
        self.set_count(0)

    def set_count(self, count: int, *, state: str = "") -> None:
        """``state`` colours a card whose view has no colour of its own (a reply past due, still undelivered)."""
        self.count = count
        self.number.setText(str(count))
        self.setAccessibleName(f"{queries.VIEWS[self.view]} {count} 件")
        urgent = count > 0 and (self.view in CARD_STYLE or bool(state))
        self.setProperty("state", CARD_STYLE.get(self.view, state or "plain"))
        self.setProperty("urgent", "true" if urgent else "false")
        for widget in (self, self.number, self.caption):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class DashboardView(QWidget):
    open_case = Signal(int)
    new_request = Signal()
    show_register = Signal(str)  # a view key of services.queries.VIEWS
    show_holidays = Signal(int)  # the year to import

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard: Dashboard | None = None
        self.query = LatestQuery(ctx.tasks, self)
        self.current = "overdue"

        self.title = Label()
        self.title.setObjectName("screenTitle")
        self.new_button = QPushButton("登记新申请  Ctrl+N")
        self.new_button.setObjectName("bigAction")
        self.new_button.setMinimumHeight(52)
        self.new_button.clicked.connect(self.new_request)
        self.new_button.setHidden(ctx.actor.in_unit)  # the office registers at its window and hands it over
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.new_button)

        self.holiday_banner = QFrame()
        self.holiday_banner.setObjectName("warningBanner")
        self.holiday_text = Label()
        self.holiday_text.setWordWrap(True)
        self.holiday_button = QPushButton("导入节假日安排…")
        self.holiday_button.clicked.connect(self._import_holidays)
        banner = QHBoxLayout(self.holiday_banner)
        banner.addWidget(self.holiday_text, 1)
        banner.addWidget(self.holiday_button)
        self.holiday_ok = Label()
        self.holiday_ok.setObjectName("hint")

        self.cards: dict[str, CountCard] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        soon_days = due_soon_days(ctx.db)
        for i, view in enumerate(DASHBOARD_VIEWS):
            card = CountCard(view, soon_days)
            card.clicked.connect(lambda _checked=False, v=view: self.select(v))
            self.cards[view] = card
            grid.addWidget(card, 0, i)

        self.list_title = Label()
        self.list_title.setObjectName("sectionTitle")
        self.more_button = QPushButton("在台账中查看全部")
        self.more_button.clicked.connect(lambda: self.show_register.emit(self.current))
        list_head = QHBoxLayout()
        list_head.addWidget(self.list_title, 1)
        list_head.addWidget(self.more_button)
        self.model = ListModel([
            Column("受理编号", lambda i: i.case.number),
            Column("申请人", lambda i: i.case.applicant_name),
            Column("收到日期", lambda i: iso(i.case.received), Qt.AlignmentFlag.AlignHCenter),
            Column("状态", lambda i: i.case.status_label, Qt.AlignmentFlag.AlignHCenter),
            Column("说明", lambda i: i.note),
            Column("所需信息", lambda i: " ".join(i.case.content.split())[:80]),
        ], colour=self._colour, tooltip=lambda i: i.case.content[:300], parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for i, width in enumerate((210, 150, 100, 110, 200)):
            self.table.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._activated)
        enter_shortcut(self.table, self._open_current)  # Enter on a row opens it, as in the register
        self.empty = Label()
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.holiday_banner)
        layout.addWidget(self.holiday_ok)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addLayout(list_head)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.supervision = SupervisionPanel(ctx)  # 督办, or a unit's own list: hidden in an office without units
        self.supervision.open_case.connect(self.open_case)
        layout.addWidget(self.supervision, 1)
        self.stale = True  # read when first shown
        ctx.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.register:
            self.stale = True
            if self.isVisible():  # a hidden dashboard reads again when it is next shown
                self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Count and list in the background; the cards change when the answer comes."""
        self.stale = False
        db, today, viewer = self.ctx.background_db, self.ctx.today(), self.ctx.actor
        self.query.run(lambda _p: queries.dashboard(db, today=today, viewer=viewer), self._loaded)
        self.supervision.refresh()

    def _loaded(self, d: Dashboard) -> None:
        today = d.today
        self.dashboard = d
        self.title.setText(f"工作台 · {cn_date(today)} {cn_weekday(today)} · 未办结 {d.counts.get('open', 0)} 件")
        for view, card in self.cards.items():
            card.set_count(d.counts.get(view, 0),
                           state="overdue" if view == "replied" and d.counts.get("replied_overdue") else "")
        self._show_holiday_status(d)
        if self.dashboard.counts.get(self.current, 0) == 0:
            self.current = next((v for v in DASHBOARD_VIEWS if d.counts.get(v)), "overdue")
        self.select(self.current)

    def _show_holiday_status(self, d: Dashboard) -> None:
        if d.provisional_years:
            years = "、".join(f"{y}年" for y in d.provisional_years)
            affected = (f"{d.provisional_open_cases} 件未办结申请的答复期限是按法定节日和周末推算的预估日期。"
                        if d.provisional_open_cases else
                        f"答复期限跨入{years}的申请,期限将按法定节日和周末预估。")
            self.holiday_text.setText(f"⚠ {years}的节假日安排尚未导入:{affected}"
                                      "国务院办公厅的通知发布后请导入,期限会自动重新计算。")
            self.holiday_banner.show()
            self.holiday_ok.hide()
        else:
            self.holiday_banner.hide()
            self.holiday_ok.setText(f"节假日安排:{d.today.year}年、{d.today.year + 1}年均已有正式数据。")
            self.holiday_ok.show()

    def select(self, view: str) -> None:
        """Show one list (overdue, due soon, ...) below the cards."""
        self.current = view
        for v, card in self.cards.items():
            card.setChecked(v == view)
        items = self.dashboard.lists.get(view, []) if self.dashboard else []
        count = self.dashboard.counts.get(view, 0) if self.dashboard else 0
        more = f"(显示前 {len(items)} 件)" if count > len(items) else ""
        self.list_title.setText(f"{queries.VIEWS[view]}:{count} 件{more}")
        self.model.set_rows(items)
        self.empty.setText("没有需要处理的申请。" if not items else "")
        self.empty.setVisible(not items)

    def _colour(self, item: DashboardItem) -> tuple[QColor, QColor] | None:
        colours = {"overdue": (OVERDUE_TEXT, OVERDUE_BACK), "due_soon": (SOON_TEXT, SOON_BACK)}
        if self.current == "replied":  # each reply awaiting delivery by its own due date
            return colours.get({"soon": "due_soon"}.get(item.urgency, item.urgency))
        return colours.get(self.current)

    def _import_holidays(self) -> None:
        if self.dashboard and self.dashboard.provisional_years:
            self.show_holidays.emit(self.dashboard.provisional_years[0])

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._activated(index)

    def _activated(self, index: QModelIndex) -> None:
        self.open_case.emit(self.model.row_object(index.row()).case.id)
