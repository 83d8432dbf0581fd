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
