"""Qt's own words in Chinese: the standard buttons, the date pop-up, whatever the system's locale."""

from __future__ import annotations

import pytest
from helpers.gui import QT_NOISE
from PySide6.QtCore import QDate, QLocale, QTranslator
from PySide6.QtWidgets import QCalendarWidget, QDialogButtonBox, QMessageBox

from workstation.gui.app import make_application

pytestmark = [QT_NOISE, pytest.mark.gui]


@pytest.fixture
def chinese_app(qapp):
    saved = QLocale()
    app = make_application()
    yield app
    QLocale.setDefault(saved)  # the other tests run with the pytest-qt application as it was
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()


def test_standard_buttons_speak_chinese(qtbot, chinese_app):
    box = QMessageBox(QMessageBox.Icon.Question, "放弃输入?", "已填写的内容将不会保存。",
                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert not any(t.isascii() for t in texts), texts
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert not any(b.text().replace("&", "").isascii() for b in buttons.buttons())


def test_the_date_pop_up_names_months_and_days_in_chinese(qtbot, chinese_app):
    assert QLocale().language() == QLocale.Language.Chinese
    calendar = QCalendarWidget()
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 11, 28))
    assert calendar.locale().monthName(11) == "十一月"
    assert calendar.locale().dayName(1, QLocale.FormatType.ShortFormat) in ("周一", "一")


def test_the_words_qts_translation_lacks_are_chinese_too(qtbot, chinese_app, tmp_path):
    """Qt's own file dialog (where no desktop supplies one): "Look in", "Files of type", a "Folder"."""
    import re

    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QLabel

    dialog = QFileDialog(None, "导出", "", "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = [label.text().replace("&", "") for label in dialog.findChildren(QLabel) if label.text()]
    assert len(labels) >= 3 and not any(re.search(r"[A-Za-z]{2,}", text) for text in labels), labels
    assert QFileIconProvider().type(QFileInfo(str(tmp_path))) == "文件夹"


def test_the_file_list_gives_size_type_and_date_in_a_clerks_words_in_wide_enough_columns(qtbot, chinese_app,
                                                                                          tmp_path):
    """Qt's file dialog shows "29 11 2026 12:49" under LANG=C.UTF-8, "KiB", "TOML document", and cuts its columns."""
    import os
    import re
    from datetime import datetime

    from PySide6.QtWidgets import QTreeView

    from workstation.gui.file_dialogs import FileDialog

    sheet = tmp_path / "台账.xlsx"
    sheet.write_bytes(b"x" * 5000)
    (tmp_path / "config.toml").write_text("a = 1")
    (tmp_path / "扫描件").mkdir()
    stamp = datetime(2026, 11, 3, 9, 5).timestamp()
    os.utime(sheet, (stamp, stamp))
    dialog = FileDialog(None, "导出台账", str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.resize(900, 500)
    dialog.show()
    proxy = dialog.proxyModel()
    source = proxy.sourceModel()
    qtbot.waitUntil(lambda: source.rowCount(source.index(str(tmp_path))) == 3, timeout=5000)

    def row(path):
        index = proxy.mapFromSource(source.index(str(path)))
        return [index.sibling(index.row(), column).data() for column in range(4)]

    assert row(sheet) == ["台账.xlsx", "4.9 KB", "XLSX 文件", "2026-11-03 09:05"]
    assert row(tmp_path / "config.toml")[2] == "TOML 文件"
    assert row(tmp_path / "扫描件")[1:3] == ["", "文件夹"]
    view = dialog.findChild(QTreeView)
    header = view.header()
    for column in (1, 2, 3):
        assert header.sectionSize(column) >= view.sizeHintForColumn(column), (column, header.sectionSize(column))
    shown = [re.sub(r"[A-Z]{2,4} 文件|\b[KMG]B\b", "", text) for text in row(sheet)[1:]]
    assert not any(re.search(r"[A-Za-z]{2,}", text) for text in shown), shown
