"""The office's internal papers (转办单, 督办通知): rendered on the worker, then previewed to print or save."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.store.database import Database

from .context import AppContext
from .printing import open_preview
from .widgets import plain_message


def preview_sheet(ctx: AppContext, widget: QWidget, render: Callable[[Database], bytes], what: str, title: str) -> None:
    """``render(db)`` makes the PDF on the worker; ``what`` names it in the progress and the refusal."""
    db = ctx.background_db
    ctx.tasks.run(lambda _p: render(db), on_done=lambda pdf: open_preview(ctx, widget.window(), pdf, title),
                  on_error=lambda exc: QMessageBox.warning(widget, f"未能生成{what}", plain_message(exc.message)),
                  label=f"正在生成{what}……", parent=widget)
