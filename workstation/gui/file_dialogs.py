"""Choosing a file or a folder: the desktop's own dialog where it has one, else Qt's, in a clerk's words.

Qt's own file dialog (what a desktop without a platform dialog gets, and the offscreen and xcb test screens)
shows a file's date in the system's locale (under LANG=C.UTF-8 "29 11 2026 12:49"), sizes in "KiB" and
the type from the desktop's MIME database, often in English ("TOML document"), and its default column
widths cut the date and the size. Here its list shows the size in KB/MB, the type as "XLSX 文件", the date
as 2026-11-29 12:49, in columns wide enough for them. A desktop's own dialog (UOS, Kylin) is left as it is.

Each function answers what the clerk chose, or "" / [] when the dialog was cancelled.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QIdentityProxyModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
)
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QHeaderView, QTreeView, QWidget

SIZE, KIND, DATE = 1, 2, 3  # QFileSystemModel's columns after the name
DATE_FORMAT = "yyyy-MM-dd HH:mm"
WIDEST = {SIZE: "999.9 MB", KIND: "XLSX 文件夹", DATE: "2026-12-31 23:59"}  # samples the columns must hold


def size_text(size: int) -> str:
    """5000 → "4.9 KB", as the desktops clerks know count (1,024 bytes a KB)."""
    if size < 1024:
        return f"{size} 字节"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f} {unit}"


def kind_text(info: QFileInfo) -> str:
    if info.isDir():
        return "文件夹"
    suffix = info.suffix()
    return f"{suffix.upper()} 文件" if suffix else "文件"


class ChineseColumns(QIdentityProxyModel):
    """The file list's size, type and date columns as a clerk reads them (the names stay the files')."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        source = self.sourceModel()
        if role != Qt.ItemDataRole.DisplayRole or index.column() not in WIDEST or not isinstance(
                source, QFileSystemModel):
            return super().data(index, role)
        info = source.fileInfo(self.mapToSource(index))
        if index.column() == SIZE:
            return "" if info.isDir() else size_text(info.size())
        if index.column() == KIND:
            return kind_text(info)
        return QLocale().toString(info.lastModified(), DATE_FORMAT)


class FileDialog(QFileDialog):
    """QFileDialog with the Chinese columns when it is Qt's own dialog (it then has its tree view)."""

    def __init__(self, parent: QWidget | None, caption: str, folder: str = "", filters: str = "") -> None:
        super().__init__(parent, caption, folder, filters)
        view = self.findChild(QTreeView)  # none where the desktop's own dialog is used
        if view is not None:
            self.setProxyModel(ChineseColumns(self))
            self._fit_columns(view)

    @staticmethod
    def _fit_columns(view: QTreeView) -> None:
        header = view.header()
        metrics = view.fontMetrics()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, sample in WIDEST.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 4 * metrics.averageCharWidth())


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def _run(dialog: FileDialog) -> list[str]:
    return dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []


def save_file_name(parent: QWidget | None, caption: str, suggested: str = "", filters: str = "") -> str:
    """``suggested``: the name filled in, in its folder or else in the user's 文档 (Documents)."""
    path = Path(suggested) if suggested else None
    if path is not None and not path.is_absolute():
        path = documents_folder() / path
    dialog = FileDialog(parent, caption, str(path.parent) if path else str(documents_folder()), filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    if path is not None:
        dialog.selectFile(path.name)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""


def open_file_name(parent: QWidget | None, caption: str, folder: str = "", filters: str = "") -> str:
    chosen = open_file_names(parent, caption, folder, filters, many=False)
    return chosen[0] if chosen else ""


def open_file_names(parent: QWidget | None, caption: str, folder: str = "", filters: str = "",
                    *, many: bool = True) -> list[str]:
    dialog = FileDialog(parent, caption, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile)
    return _run(dialog)


def existing_directory(parent: QWidget | None, caption: str, folder: str = "") -> str:
    dialog = FileDialog(parent, caption, folder)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""
