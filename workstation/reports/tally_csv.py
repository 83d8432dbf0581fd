"""A tally as CSV for spreadsheets: UTF-8 with BOM (so Excel and WPS read the Chinese), one row per row key.

Unlike the printed table, the CSV also carries the subtotal rows of groups (三)–(六);
the first column holds the stable key of each row (spec/annual-report.md).
"""

from __future__ import annotations

import csv
import io

from workstation.domain.results import TALLY_COLUMNS
from workstation.domain.tally import (
    APPEAL_COLUMNS,
    APPEAL_KINDS,
    ROW_KEYS,
    TallyResult,
    column_label,
    row_label,
)

from .tables import ON_TIME_NOTE, ON_TIME_TITLE, TABLE3_TITLE, TABLE4_TITLE, on_time_rows


def render(result: TallyResult) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    period = result.period
    w.writerow(["统计期间", period.start.isoformat(), period.end.isoformat()])
    w.writerow([])
    w.writerow([TABLE3_TITLE])
    w.writerow(["代码", "项目", *[column_label(c) for c in TALLY_COLUMNS]])
    for key in ROW_KEYS:
        w.writerow([key, row_label(key, period), *[result.cell(key, c) for c in TALLY_COLUMNS]])
    w.writerow([])
    w.writerow([TABLE4_TITLE])
    w.writerow(["代码", "类型", *APPEAL_COLUMNS.values()])
    for kind, label in APPEAL_KINDS.items():
        w.writerow([kind, label, *[result.table4[kind][c] for c in APPEAL_COLUMNS]])
    w.writerow([])
    w.writerow([ON_TIME_TITLE])
    for label, value in on_time_rows(result):
        w.writerow(["", label, value])
    w.writerow([ON_TIME_NOTE])
    return out.getvalue().encode("utf-8-sig")
