"""Small building blocks shared by the screens: forms with an error line under each field,
date editors, a read-only table model for short lists, and the colours of due dates."""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6 import QtGui
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workstation.domain.deadline import (
    LETTER_WAYS,
    iso,  # noqa: F401  (the screens' date text)
)
from workstation.domain.errors import UserError
from workstation.services.base import ValidationError

T = TypeVar("T")

# Due dates: overdue in red, due within 3 working days in amber (dark enough to read on white).
OVERDUE_TEXT = QColor("#b3261e")
OVERDUE_BACK = QColor("#fdecea")
SOON_TEXT = QColor("#8a5300")
SOON_BACK = QColor("#fff3dc")
MUTED_TEXT = QColor("#6b6b6b")

WEEKDAYS = "一二三四五六日"


def cn_weekday(d: date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def to_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def way_combo() -> QComboBox:
    """How a letter goes out (当面送交, 邮寄, 电子邮件): its period runs from its receipt."""
    combo = QComboBox()
    for key, label in LETTER_WAYS.items():
        combo.addItem(label, key)
    return combo


class MultiLineEdit(QPlainTextEdit):
    """A multi-line field: Enter starts a new line, Ctrl+Enter saves (``submitted``), Tab moves on."""

    submitted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class DateEdit(QDateEdit):
    """A date field where Tab goes to the next field, as everywhere else (Qt's walks year → month → day).

    Only the Tab keys are taken: a typed "-" still moves on to the next part of the date.
    """

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.KeyPress and e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            forward = e.key() == Qt.Key.Key_Tab and not e.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.interpretText()
            QWidget.focusNextPrevChild(self, forward)
            return True
        return super().event(e)


def date_edit(value: date, *, minimum: date = date(2000, 1, 1), special: str = "") -> QDateEdit:
    """A date field typed as YYYY-MM-DD (or picked from the calendar); Tab leaves it."""
    edit = DateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(to_qdate(minimum))
    edit.setMaximumDate(QDate(2100, 12, 31))
    if special:
        edit.setSpecialValueText(special)
    edit.setDate(to_qdate(value))
    return edit


class Label(QLabel):
    """A label that shows its text as typed: a name like ``<b>已核验</b>`` is never taken for markup.

    Qt guesses rich text from the text itself; whatever a person typed (names, addresses, request
    text, file names in messages) goes through this label, never a bare QLabel.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)


def plain_tip(text: str) -> str:
    """A tooltip showing ``text`` as typed (Qt always guesses whether a tooltip is markup)."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def plain_message(text: str) -> str:
    """A message box's text shown as written: text that Qt would take for markup (a typed name such as
    "<b>…</b>" inside a sentence) is escaped and given as markup; any other text is passed as it is."""
    return plain_tip(text) if QtGui.Qt.mightBeRichText(text) else text


def error_label() -> QLabel:
    """The red line under a field; hidden while it is empty."""
    label = Label()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


@dataclass
class Field:
    name: str
    widget: QWidget
    error: QLabel
    holder: QWidget  # the widget and its error line, as one row of the form
    label: QLabel
    layout: QFormLayout


class Form:
    """A QFormLayout whose rows have a name and an error line under the field.

    ``show(exc)`` puts a service's messages next to the fields they name; a
    message for no known field goes to the general error line.
    """

    def __init__(self, layout: QFormLayout | None = None, general: QLabel | None = None,
                 share: Form | None = None) -> None:
        """``share``: another form of the same dialog (another group box) whose errors show together."""
        self.layout = layout or QFormLayout()
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.general = share.general if share else (general or error_label())
        self.fields: dict[str, Field] = share.fields if share else {}

    def add(self, name: str, label: str, widget: QWidget, *, hint: str = "") -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        # the hint and the error line take the row's width (not wrapped into the width of a small field)
        holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if widget.layout() is None and widget.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Expanding:
            box.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)  # a small field keeps its own size
        else:
            box.addWidget(widget)
        if hint:
            note = QLabel(hint)
            note.setObjectName("hint")
            note.setWordWrap(True)
            box.addWidget(note)
        err = error_label()
        box.addWidget(err)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.layout.addRow(caption, holder)
        self.fields[name] = Field(name, widget, err, holder, caption, self.layout)
        return widget

    def set_visible(self, name: str, visible: bool) -> None:
        f = self.fields[name]
        f.layout.setRowVisible(f.holder, visible)

    def is_visible(self, name: str) -> bool:
        return not self.fields[name].holder.isHidden()

    def set_label(self, name: str, text: str) -> None:
        self.fields[name].label.setText(text)

    def clear(self) -> None:
        for f in self.fields.values():
            show_error(f.error, "")
        show_error(self.general, "")

    def show(self, exc: UserError, *, alias: dict[str, str] | None = None) -> None:
        """Show a service's refusal beside its field(s); the first field at fault gets the focus."""
        self.clear()
        errors = exc.errors if isinstance(exc, ValidationError) else {exc.field or "": exc.message}
        general: list[str] = []
        first: QWidget | None = None
        for name, message in errors.items():
            name = (alias or {}).get(name, name)
            f = self.fields.get(name)
            if f is None or f.holder.isHidden():
                general.append(message)
                continue
            show_error(f.error, message)
            first = first or f.widget
        show_error(self.general, "\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def error(self, name: str) -> QLabel:
        return self.fields[name].error


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


class ListModel(QAbstractTableModel):
    """A read-only table over a short list (dashboard lists, timeline, moved due dates).

    Long lists (the register) use RegisterModel, which pages.
    """

    def __init__(self, columns: Sequence[Column], *, colour: Callable[[Any], tuple[QColor, QColor] | None] | None = None,
                 tooltip: Callable[[Any], str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._colour = colour
        self._tooltip = tooltip

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        obj = self._rows[index.row()]
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.value(obj)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole) and self._colour:
            pair = self._colour(obj)
            if pair is not None:
                return pair[0] if role == Qt.ItemDataRole.ForegroundRole else pair[1]
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip:
            return self._tooltip(obj)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title
        return None


class PageCache(Generic[T]):
    """Rows of a long table read a page at a time when shown; the pages least recently shown are dropped.

    ``load(page_no)`` returns the rows of that page. ``fetches`` counts the pages read (the tests
    check that scrolling through 100,000 rows stays lazy).
    """

    def __init__(self, load: Callable[[int], list[T]], page_size: int, max_pages: int) -> None:
        self._load = load
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[T]] = OrderedDict()
        self.fetches = 0

    def row(self, row: int) -> T:
        page_no, offset = divmod(row, self.page_size)
        page = self._pages.get(page_no)
        if page is None:
            page = self._load(page_no)
            self.fetches += 1
            self._pages[page_no] = page
            if len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset]

    def clear(self) -> None:
        self._pages.clear()

    def put(self, page_no: int, rows: list[T]) -> None:
        """A page read elsewhere (with the list, on the worker): shown without being read again."""
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        if len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


class _KeyCalls(QObject):
    """One key pressed in one widget (with no modifier) calls a slot; other keys pass."""

    def __init__(self, widget: QWidget, keys: tuple[Qt.Key, ...], slot: Callable[[], object]) -> None:
        super().__init__(widget)
        self.keys, self.slot = keys, slot
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.KeyPress and event.key() in self.keys
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.slot()
            return True
        return False


def down_to(widget: QWidget, slot: Callable[[], object]) -> QObject:
    """The Down arrow in ``widget`` (a search box) calls ``slot``, e.g. to go on to the rows it filters."""
    return _KeyCalls(widget, (Qt.Key.Key_Down,), slot)


def enter_shortcut(widget: QWidget, slot: Callable[[], object]) -> QObject:
    """Enter (Return) on ``widget`` only, e.g. to open the selected row of a table.

    Only the keys the widget itself receives: a window-wide Return would take the Enter that confirms
    a search box or a typed year. (An event filter rather than a QShortcut: PySide6 ignores the
    shortcut's ``context=`` in its constructor, and a widget shortcut also needs its window active.)
    """
    return _KeyCalls(widget, (Qt.Key.Key_Return, Qt.Key.Key_Enter), slot)



# Room left for the title bar and the window frame when a window is fitted to the screen.
FRAME_ROOM = 40


def fit_resize(window: QWidget, width: int, height: int) -> None:
    """Give a window its preferred size, but never more than the screen it opens on: a 1366×768 screen at
    125 % scaling has 1093×614 logical pixels, and a dialog reaching below it hides its buttons."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    room = screen.availableGeometry()
    window.resize(min(width, room.width() - 8), min(height, room.height() - FRAME_ROOM))
