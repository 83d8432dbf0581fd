"""A smoke test of `workstation bench` at N = 200 (the real figures come from `make bench`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workstation.bench import TARGETS

pytestmark = pytest.mark.slow


def test_bench_command_reports_every_figure(tmp_path):
    env = dict(os.environ, WORKSTATION_BENCH_CACHE=str(tmp_path / "cache"), QT_QPA_PLATFORM="offscreen",
               WORKSTATION_BENCH_STARTS="1")  # the figures come from `make bench`; here one counted start
    proc = subprocess.run([sys.executable, "-m", "workstation", "bench", "--cases", "200", "--json"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["cases"] == 200
    for key in TARGETS:
        assert isinstance(result[key], (int, float)) and result[key] > 0, key
    assert set(result["targets_met"]) == set(TARGETS)
    assert result["deadline_engine_per_s"] > result["deadline_naive_per_s"]
    walked = {"open_case", "open_intake", "filter", "sort", "tally_year", "holidays", "audit"}
    assert set(result["gui_action_ms"]) == walked and all(v > 0 for v in result["gui_action_ms"].values())
    cached = list((tmp_path / "cache" / "bench").glob("bench-200-*.sqlite3"))
    assert len(cached) == 1  # built once, reused next time
