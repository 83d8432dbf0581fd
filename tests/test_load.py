"""`workstation bench --db-url URL --clients N --seconds S` (issue 19, item 5): N processes on one PostgreSQL
register. The short run needs a server: it runs under `make test-postgres` (WORKSTATION_TEST_DB_URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from workstation.cli import main
from workstation.load import OPS, _check_numbers

TEST_DB_URL = os.environ.get("WORKSTATION_TEST_DB_URL", "")


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@10.1.2.3:5432/county",
                                 "postgresql+psycopg://postgres@db.example.org/county"])
def test_load_refuses_a_server_elsewhere(url, capsys):
    assert main(["bench", "--db-url", url, "--clients", "2", "--seconds", "1"]) == 2
    err = capsys.readouterr().err
    assert "只在本机数据库上进行" in err and "Traceback" not in err


def test_load_needs_a_postgresql_server(tmp_path, capsys):
    assert main(["bench", "--db-url", f"sqlite:///{tmp_path / 'r.sqlite3'}", "--clients", "2"]) == 2
    assert "只针对 PostgreSQL" in capsys.readouterr().err
    assert main(["bench", "--clients", "2"]) == 2
    assert "需要用 --db-url" in capsys.readouterr().err


def test_number_check_finds_a_lost_and_a_duplicate_number(db, users, intake):
    from sqlalchemy import update

    from workstation.services import cases
    from workstation.store.models import Request

    made = [cases.register(db, users["clerk"], intake(), today=date(2026, 3, 2)).case for _ in range(3)]
    numbers = [c.number for c in made]
    assert _check_numbers(db, numbers) == (0, 0, 3)
    assert _check_numbers(db, numbers + numbers[:1]) == (0, 1, 4)  # two clients handed the same number
    with db.engine.begin() as conn:  # the last number handed out is not in the register, and 3 is skipped
        conn.execute(update(Request).where(Request.id == made[2].id)
                     .values(number=numbers[2] + "改", number_seq=4))
    lost, duplicated, _ = _check_numbers(db, numbers)
    assert lost == 2 and duplicated == 0  # handed out but not held, and the gap in the year's sequence


@pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"), reason="needs a PostgreSQL server (make test-postgres)")
def test_a_short_run_on_postgresql_keeps_every_number_and_the_chain():
    proc = subprocess.run([sys.executable, "-m", "workstation", "bench", "--db-url", TEST_DB_URL,
                           "--clients", "3", "--seconds", "4", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert set(result) == {"clients", "ops", "numbers_lost", "numbers_duplicated", "chain_ok"}
    assert result["clients"] == 3
    assert set(result["ops"]) == set(OPS)
    for op, fig in result["ops"].items():
        assert set(fig) == {"p50_ms", "p95_ms", "p99_ms", "count"}, op
        assert fig["count"] > 0, op
        assert 0 < fig["p50_ms"] <= fig["p95_ms"] <= fig["p99_ms"], op
    assert result["numbers_lost"] == 0
    assert result["numbers_duplicated"] == 0
    assert result["chain_ok"] is True


def test_a_run_in_which_an_operation_never_finished_fails():
    from workstation.load import failed

    result = {"numbers_lost": 0, "numbers_duplicated": 0, "chain_ok": True, "errors": 0,
              "ops": {op: {"count": 5} for op in OPS}}
    assert failed(result) == []
    result["ops"]["register"] = {"count": 0}  # e.g. the clients started after the time was up
    assert failed(result) == ["有 1 种操作一次也没有完成"]
