"""The Qt desktop program (信息公开申请工作台): windows, dialogs and table models.

Widgets reach data only through workstation.services; they never run SQL and
never count days. Long work runs on the worker of ``worker.py``.
"""

from workstation.preload import skip_pyside_source_reads

skip_pyside_source_reads()  # loads PySide6: the program's own modules below are not read by its import hook
