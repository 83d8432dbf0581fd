"""The property tests' example counts follow the profile: CI's full counts with CI=true, fewer at a desk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


@pytest.mark.parametrize(("ci", "default", "fuzz", "costly"), [
    ("true", 1500, 300, 60),
    ("", 100, 20, 10),
])
def test_ci_runs_the_full_counts_and_a_desk_a_share(ci, default, fuzz, costly):
    code = ("import conftest; from hypothesis import settings; "
            "print(settings.default.max_examples, conftest.examples(300), conftest.examples(60))")
    env = {**os.environ, "CI": ci}
    out = subprocess.run([sys.executable, "-c", code], cwd=TESTS, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [str(default), str(fuzz), str(costly)]
