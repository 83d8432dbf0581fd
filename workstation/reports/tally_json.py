"""A tally as JSON, in the shape of spec/annual-report.md: period, table3 (row -> column -> n), table4."""

from __future__ import annotations

import json

from workstation.domain.tally import TallyResult


def render(result: TallyResult) -> bytes:
    return (json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
