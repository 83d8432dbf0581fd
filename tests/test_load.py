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


def test_think_time_is_parsed_and_refused_when_negative(capsys):
    with pytest.raises(SystemExit) as refused:  # argparse's usage error
        main(["bench", "--db-url", "postgresql+psycopg://postgres@127.0.0.1/county", "--think-ms", "-1"])
    assert refused.value.code == 2
    assert "--think-ms" in capsys.readouterr().err
    assert main(["bench", "--think-ms", "1000"]) == 2  # the think time is for the load bench: it needs the server
    assert "需要用 --db-url" in capsys.readouterr().err


def test_think_time_is_exponential_with_the_mean_asked_and_none_by_default():
    import random

    from workstation.load import think_time

    rng = random.Random(7)
    assert think_time(rng, 0) == 0.0
    pauses = [think_time(rng, 1000) for _ in range(20_000)]
    assert min(pauses) >= 0
    assert 0.97 < sum(pauses) / len(pauses) < 1.03  # seconds
    assert 0.6 < sum(p < 1.0 for p in pauses) / len(pauses) < 0.66  # 1 - 1/e of them shorter than the mean


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


@pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"), reason="needs a PostgreSQL server (make test-postgres)")
def test_a_run_with_think_time_keeps_the_issue_shape():
    proc = subprocess.run([sys.executable, "-m", "workstation", "bench", "--db-url", TEST_DB_URL,
                           "--clients", "2", "--seconds", "3", "--think-ms", "20", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert set(result) == {"clients", "ops", "numbers_lost", "numbers_duplicated", "chain_ok"}  # no extra key
    assert "平均停顿 20 毫秒" in proc.stderr
    assert all(fig["count"] > 0 for fig in result["ops"].values())
    assert result["chain_ok"] is True and result["numbers_lost"] == result["numbers_duplicated"] == 0


def test_a_run_in_which_an_operation_never_finished_fails():
    from workstation.load import failed

    result = {"numbers_lost": 0, "numbers_duplicated": 0, "chain_ok": True, "errors": 0,
              "ops": {op: {"count": 5} for op in OPS}}
    assert failed(result) == []
    result["ops"]["register"] = {"count": 0}  # e.g. the clients started after the time was up
    assert failed(result) == ["有 1 种操作一次也没有完成"]


needs_server = pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"),
                                  reason="needs a PostgreSQL server (make test-postgres)")


def _in_thread(work):
    import threading

    done: dict = {}

    def run():
        try:
            done["value"] = work()
        except BaseException as exc:  # handed to the test
            done["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def _holding(db, actor, case_id, release):
    """A window in the middle of a write on ``case_id``: its event written, not yet committed."""
    import threading

    from workstation.services.base import writing
    from workstation.services.case_records import get_request

    inside = threading.Event()

    def work():
        with writing(db, actor) as tx:
            get_request(tx.session, case_id)
            tx.event("settings_changed", request_id=case_id, after={"held": True})
            inside.set()
            assert release.wait(30)

    thread, done = _in_thread(work)
    assert inside.wait(30), done
    return thread, done


@needs_server
def test_writers_of_different_cases_do_not_wait_for_each_other(db, users, intake):
    """Issue 19: the audit chain's head is locked only while the chain grows, not for a whole transaction."""
    import threading

    from workstation.services import cases
    from workstation.services.audit import verify_chain

    today = date(2026, 3, 2)
    first, second = (cases.register(db, users["clerk"], intake(), today=today).case for _ in range(2))
    release = threading.Event()
    holder, held = _holding(db, users["clerk"], first.id, release)
    try:
        other, done = _in_thread(lambda: (cases.request_correction(db, users["clerk"], second.id, today, "请写明文件名称",
                                                                    today=today),
                                          cases.register(db, users["clerk"], intake(), today=today)))
        other.join(20)
        assert not other.is_alive() and "error" not in done, done  # written and committed meanwhile
    finally:
        release.set()
        holder.join(20)
    assert "error" not in held, held
    assert verify_chain(db).ok


@needs_server
def test_two_windows_on_one_case_take_turns(db, users, intake):
    import threading

    from workstation.services import cases
    from workstation.services.audit import verify_chain

    today = date(2026, 3, 2)
    case = cases.register(db, users["clerk"], intake(), today=today).case
    release = threading.Event()
    holder, held = _holding(db, users["clerk"], case.id, release)
    other, done = _in_thread(lambda: cases.request_correction(db, users["clerk2"], case.id, today, "请写明文件名称",
                                                              today=today))
    other.join(1.0)
    assert other.is_alive()  # waits for the case
    release.set()
    holder.join(20)
    other.join(20)
    assert not other.is_alive() and "error" not in done and "error" not in held, (done, held)
    assert verify_chain(db).ok


@needs_server
def test_windows_registering_at_once_get_every_number_once(db, users, intake):
    from concurrent.futures import ThreadPoolExecutor

    from workstation.load import _check_numbers
    from workstation.services import cases
    from workstation.services.audit import verify_chain

    def register_some(_: int) -> list[str]:
        return [cases.register(db, users["clerk"], intake(), today=date(2026, 3, 2)).case.number for _ in range(8)]

    with ThreadPoolExecutor(4) as pool:
        numbers = [n for some in pool.map(register_some, range(4)) for n in some]
    assert _check_numbers(db, numbers) == (0, 0, 32)
    assert verify_chain(db).ok


@needs_server
def test_a_read_on_the_server_sends_no_begin_and_rollback(db):
    """Half the round trips of opening a case were BEGIN and ROLLBACK around READ COMMITTED reads (issue 19)."""
    from sqlalchemy import select

    from workstation.store.models import Event

    with db.read() as s:
        s.execute(select(Event.id).limit(1)).all()
        assert s.connection().connection.dbapi_connection.autocommit is True
    with db.read(streaming=True) as s:  # a server-side cursor lives in a transaction
        assert len(list(s.execute(select(Event.id)).scalars().yield_per(10))) >= 0
        assert s.connection().connection.dbapi_connection.autocommit is False
    with db.write() as s:
        assert s.connection().connection.dbapi_connection.autocommit is False


@needs_server
def test_the_case_page_in_one_read_is_the_page_read_service_by_service(db, users, intake):
    """On a server the case window's read shares one session (Database.one_read): one connection, the case
    row read once; the page is the same as when every service reads on its own."""
    from sqlalchemy import event

    from workstation.services import case_page as page_module
    from workstation.services import cases

    today = date(2026, 3, 2)
    case = cases.register(db, users["clerk"], intake(), today=today).case
    cases.request_correction(db, users["clerk"], case.id, today, "请写明文件名称", today=today)
    counted = {"statements": 0, "checkouts": 0}
    event.listen(db.engine, "before_cursor_execute", lambda *a: counted.__setitem__("statements", counted["statements"] + 1))
    event.listen(db.engine, "checkout", lambda *a: counted.__setitem__("checkouts", counted["checkouts"] + 1))
    one = page_module.case_page(db, case.id, viewer=users["clerk"], today=today)
    shared = dict(counted)
    counted.update(statements=0, checkouts=0)
    apart = page_module._case_page(db, case.id, viewer=users["clerk"], today=today)  # each service its own read
    assert one == apart
    assert one.letter is not None and one.entries[-1].action == "correction_requested"
    assert shared["checkouts"] == 1 < counted["checkouts"]
    assert shared["statements"] < counted["statements"]
