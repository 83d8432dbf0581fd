"""可能的重复申请: the same applicant's earlier requests that ask for much the same, with their similarity.

Shown at intake (after saving) and in the review, so the clerk sees likely repeats
(Art. 36(6)) before replying. The look-up runs on the worker; the panel stays
hidden until it finds something.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workstation.domain.similarity import percent
from workstation.services import repeats

from .context import AppContext
from .widgets import Label


class RepeatsPanel(QWidget):
    """A short list of likely repeats of one request; ``found`` says how many once the worker answered."""

    found = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("repeatsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.title = Label()
        self.title.setObjectName("warning")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.lines = Label()
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.lines)
        self.earlier: list[repeats.EarlierRequest] = []
        self.hide()

    @classmethod
    def for_case(cls, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> RepeatsPanel:
        panel = cls(ctx, parent)
        panel.look_up(case_id)
        return panel

    def look_up(self, case_id: int) -> None:
        """Find the likely repeats of a registered request (on the worker) and show them."""
        db = self.ctx.background_db
        self.ctx.tasks.run(lambda _p: repeats.repeats_of(db, case_id), on_done=self.show_earlier, parent=self)

    def show_earlier(self, earlier: list[repeats.EarlierRequest]) -> None:
        self.earlier = list(earlier)
        if earlier:
            self.title.setText(f"可能的重复申请:同一申请人此前有 {len(earlier)} 件内容相似的申请,"
                               "答复前请核对(条例第三十六条第六项)")
            self.lines.setText("\n".join(self.line(e) for e in earlier[:5]))
        self.setVisible(bool(earlier))
        self.found.emit(len(earlier))

    @staticmethod
    def line(e: repeats.EarlierRequest) -> str:
        reply = f",答复文号{e.reply_number}" if e.reply_number else ""
        replied = f"{e.closed_on.isoformat()}答复:{e.result_label}{reply}" if e.replied else "尚未答复"
        content = e.content if len(e.content) <= 40 else e.content[:40] + "……"
        return f"相似度{percent(e.score)}  {e.number}({e.received.isoformat()}收到;{replied})  {content}"
