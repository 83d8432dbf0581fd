"""The choice of a result (办理结果) from the rows of table 三, empty until the clerk chooses."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSizePolicy

from workstation.domain.results import RESULTS


def result_combo() -> QComboBox:
    combo = QComboBox()
    combo.addItem("", None)
    for r in RESULTS:
        combo.addItem(r.label, r.key)
    combo.setMaxVisibleItems(22)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo
