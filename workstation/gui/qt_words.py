"""Qt's own words that its Chinese translation (qtbase_zh_CN.qm) lacks.

The translation shipped with PySide6 was made for older sources: Qt's own file dialog (used where no
desktop supplies one, as on a bare X server) labels "&Look in:" and "Files of &type:", whose accelerators
are newer than the translation, and the type of a folder in its list, showed them in English.
Installed after Qt's translations, this one is asked first and answers only these.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

WORDS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",  # the file list's 类型 of a folder
}


class MissingQtWords(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return WORDS.get((context, source))  # None: a null string, so Qt asks its own translation next

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False
