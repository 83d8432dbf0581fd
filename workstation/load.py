"""`workstation bench --db-url URL --clients N --seconds S`: a county's server under load (issue 19, item 5).

N client processes (multiprocessing, spawn) work against one PostgreSQL register for S seconds with the
mix of a working day: register 10 %, open a case 40 %, search 30 %, dashboard 20 %, each through the
services as the program does (opening a case is the case window's one read, services.case_page), back
to back or (``think_ms``) with a random pause before each operation, as a clerk's window. The register is a
throwaway database made on the server named by the URL and dropped afterwards, so a real register is never
touched; the server must be on this machine (loopback). Afterwards the registration numbers are checked
distinct and gapless and the audit chain is verified.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from workstation.domain.errors import UserError

MIX = (("register", 10), ("open_case", 40), ("search", 30), ("dashboard", 20))
OPS = tuple(name for name, _ in MIX)
TARGETS_P99_MS = {"register": 200, "open_case": 100}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "", None}
SEED_CASES = 300
SEARCHES = ("王", "建国", "宏达", "张伟", "道路", "不存在的名字")


def _server_url(url: str) -> Any:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        raise UserError(f"数据库地址无效:{url}") from None
    if parsed.get_backend_name() != "postgresql":
        raise UserError("压力测试只针对 PostgreSQL 服务器,请用 --db-url 给出 postgresql:// 开头的地址。")
    if parsed.host not in LOCAL_HOSTS:
        raise UserError(f"压力测试只在本机数据库上进行,{parsed.host} 不是本机地址(请用 127.0.0.1)。")
    return parsed


def _admin(parsed: Any, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    except Exception as exc:
        raise UserError(f"无法在数据库服务器上建立或删除压测用的临时数据库:{str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return round(ordered[k], 1)


# How long the clients may take to start and sign in (spawned processes importing the program on a busy machine).
READY_TIMEOUT_S = 300


def think_time(rng: random.Random, think_ms: float) -> float:
    """Seconds a window pauses before its next operation: exponential with mean ``think_ms`` (0: none)."""
    return rng.expovariate(1000 / think_ms) if think_ms > 0 else 0.0


def _client(url: str, seconds: float, seed: int, ready: Any, out: Any, think_ms: float = 0) -> None:
    """One window (a spawned process): its report, or why it could not work, always reaches ``out``."""
    try:
        _work(url, seconds, seed, ready, out, think_ms)
    except Exception as exc:
        ready.abort()  # the others do not wait for this one
        out.put({"fatal": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"})


def _work(url: str, seconds: float, seed: int, ready: Any, out: Any, think_ms: float) -> None:
    """Signs in as the clerk and works until the time is up, pausing ``think_ms`` on average before each
    operation (0: none, back to back); reports latencies and numbers."""
    from workstation.domain.intake import IntakeData
    from workstation.services import base, cases, queries
    from workstation.services.case_page import case_page
    from workstation.services.users import authenticate
    from workstation.store.database import Database

    lock_waits: list[float] = []
    locking = base.Tx.lock_head
    in_register = False
    acquired = [0.0]
    lock_holds: list[float] = []

    def timed_lock_head(tx: Any) -> Any:  # the wait for the audit chain's head row (FOR UPDATE): measured
        if tx._head is not None or not in_register:
            return locking(tx)
        t = time.perf_counter()
        head = locking(tx)
        acquired[0] = time.perf_counter()
        lock_waits.append((acquired[0] - t) * 1000)
        return head

    # this process only: where a registration waits (issue 19: the head lock once serialised every writer)
    base.Tx.lock_head = timed_lock_head  # type: ignore[method-assign]
    rng = random.Random(seed)
    pauses = random.Random(-seed)  # apart: the operations drawn are the same with or without pauses
    db = Database.open_url(url, migrate=False)
    actor = authenticate(db, "clerk", "demo123").actor()
    ids = queries.list_case_ids(db, queries.CaseFilter())[:SEED_CASES]
    today = date.today()
    names, weights = zip(*MIX, strict=True)
    times: dict[str, list[float]] = {op: [] for op in OPS}
    cpu: dict[str, float] = {op: 0.0 for op in OPS}  # this process's CPU seconds per operation
    numbers: list[str] = []
    errors: list[str] = []

    def register() -> None:
        nonlocal in_register
        data = IntakeData(channel="in_person", handed_in_on=today, applicant_name=f"压测申请人{seed}",
                          id_number="11010519491231002X", phone="13800138000", address="示范县人民路1号",
                          content="申请公开本镇道路硬化工程的招标文件和中标结果")
        in_register = True
        try:
            done = cases.register(db, actor, data, today=today)
        finally:
            in_register = False
        lock_holds.append((time.perf_counter() - acquired[0]) * 1000)  # until committed (writing has ended)
        numbers.append(done.case.number)
        ids.append(done.case.id)

    work: dict[str, Callable[[], Any]] = {
        "register": register,
        "open_case": lambda: case_page(db, rng.choice(ids), viewer=actor, today=today),  # the case window's one read
        "search": lambda: queries.list_cases(db, queries.CaseFilter(search=rng.choice(SEARCHES)), limit=100),
        "dashboard": lambda: queries.dashboard(db, today=today),
    }
    ready.wait(timeout=READY_TIMEOUT_S)  # every window has started and signed in: all begin together
    end = time.time() + seconds
    while time.time() < end:
        if think_ms:  # also before the first: windows do not all start at the same instant
            time.sleep(min(think_time(pauses, think_ms), max(0.0, end - time.time())))
            if time.time() >= end:
                break
        op = rng.choices(names, weights)[0]
        t, c = time.perf_counter(), time.process_time()
        try:
            work[op]()
        except Exception as exc:  # counted and reported, the run goes on
            errors.append(f"{op}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            continue
        times[op].append((time.perf_counter() - t) * 1000)
        cpu[op] += time.process_time() - c
    db.close()
    out.put({"times": times, "cpu": cpu, "lock_waits": lock_waits, "lock_holds": lock_holds,
             "numbers": numbers, "errors": errors[:20], "error_count": len(errors)})


def _check_numbers(db: Any, reported: list[str]) -> tuple[int, int, int]:
    """(lost, duplicated, registered): numbers a client was given but the register lacks or holds twice,
    and gaps in each year's sequence; duplicates in the register or among the numbers handed out."""
    from sqlalchemy import select

    from workstation.store.models import Request

    with db.read() as s:
        rows = s.execute(select(Request.number, Request.number_year, Request.number_seq)).all()
    held = [r[0] for r in rows]
    held_set = set(held)
    duplicated = (len(held) - len(held_set)) + (len(reported) - len(set(reported)))
    lost = sum(1 for n in set(reported) if n not in held_set)
    by_year: dict[int, set[int]] = {}
    for _, year, seq in rows:
        by_year.setdefault(year, set()).add(seq)
    for seqs in by_year.values():
        lost += max(seqs) - len(seqs)  # gaps: numbers skipped in the year's sequence
    return lost, duplicated, len(reported)


def run(url: str, clients: int, seconds: float, *, think_ms: float = 0,
        log: Callable[[str], None]) -> dict[str, Any]:
    from workstation.services.audit import verify_chain
    from workstation.services.demo import fill_demo
    from workstation.store.database import Database

    if clients < 1 or seconds <= 0:
        raise UserError("客户端数和秒数都必须大于零。")
    if think_ms < 0:
        raise UserError("思考时间不能为负数。")
    parsed = _server_url(url)
    name = f"workstation_bench_{uuid.uuid4().hex[:10]}"
    _admin(parsed, f'CREATE DATABASE "{name}"')
    bench_url = parsed.set(database=name).render_as_string(hide_password=False)
    try:
        log(f"在临时数据库 {name} 中准备 {SEED_CASES} 件演示申请……")
        db = Database.open_url(bench_url)
        fill_demo(db, cases=SEED_CASES)
        db.close()
        pace = f",每次操作前平均停顿 {think_ms:g} 毫秒" if think_ms else ",操作之间不停顿"
        log(f"{clients} 个客户端同时工作 {seconds:g} 秒{pace}……")
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        ready = ctx.Barrier(clients)
        procs = [ctx.Process(target=_client, args=(bench_url, seconds, 1000 + i, ready, queue, think_ms))
                 for i in range(clients)]
        for p in procs:
            p.start()
        reports = [queue.get(timeout=READY_TIMEOUT_S + seconds + 120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        # the window that failed first, before those it stopped waiting (BrokenBarrierError)
        fatal = sorted((r["fatal"] for r in reports if "fatal" in r), key=lambda f: f.startswith("BrokenBarrier"))
        if fatal:
            raise UserError(f"{len(fatal)} 个压测客户端未能开始工作:{fatal[0]}")
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {op: [] for op in OPS}
        numbers: list[str] = []
        errors: list[str] = []
        error_count = 0
        lock_waits: list[float] = []
        lock_holds: list[float] = []
        cpu = {op: 0.0 for op in OPS}
        for r in reports:
            for op in OPS:
                cpu[op] += r["cpu"][op]
            lock_waits.extend(r["lock_waits"])
            lock_holds.extend(r["lock_holds"])
            for op in OPS:
                times[op].extend(r["times"][op])
            numbers.extend(r["numbers"])
            errors.extend(r["errors"])
            error_count += r["error_count"]
        log("核对受理编号和审计链……")
        db = Database.open_url(bench_url, migrate=False)
        lost, duplicated, registered = _check_numbers(db, numbers)
        report = verify_chain(db)
        db.close()
    finally:
        _admin(parsed, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ops = {op: {"p50_ms": _percentile(v, 50), "p95_ms": _percentile(v, 95), "p99_ms": _percentile(v, 99),
                "count": len(v)} for op, v in times.items()}
    total = sum(len(v) for v in times.values())
    return {
        "clients": clients,
        "ops": ops,
        "numbers_lost": lost,
        "numbers_duplicated": duplicated,
        "chain_ok": report.ok,
        # beyond the issue's shape: what the figures mean
        "seconds": seconds,
        "think_ms": think_ms,
        "throughput_per_s": round(total / seconds, 1),
        "registered": registered,
        "errors": error_count,
        "error_samples": errors[:5],
        "load_average_1m": round(load, 2),
        "cores": os.cpu_count(),
        "head_lock_wait_ms": {"p50": _percentile(lock_waits, 50), "p99": _percentile(lock_waits, 99),
                              "held_p50": _percentile(lock_holds, 50), "held_p99": _percentile(lock_holds, 99),
                              "share_of_register_time": round(sum(lock_waits) / max(sum(times["register"]), 1e-9), 2)},
        "mean_ms": {op: round(statistics.fmean(v), 1) if v else 0.0 for op, v in times.items()},
        # the client's own work (Python, the driver) per operation; the rest of its time is the server or the queue
        "client_cpu_ms": {op: round(cpu[op] * 1000 / len(v), 1) if v else 0.0 for op, v in times.items()},
    }


def issue_shape(result: dict[str, Any]) -> dict[str, Any]:
    """The --json output: exactly the shape issue 19 gives."""
    return {key: result[key] for key in ("clients", "ops", "numbers_lost", "numbers_duplicated", "chain_ok")}


def failed(result: dict[str, Any]) -> list[str]:
    """What makes the run fail (exit code 1): a lost or duplicate number, a broken chain, errors."""
    problems = []
    if result["numbers_lost"]:
        problems.append(f"丢失受理编号 {result['numbers_lost']} 个")
    if result["numbers_duplicated"]:
        problems.append(f"重复受理编号 {result['numbers_duplicated']} 个")
    if not result["chain_ok"]:
        problems.append("审计链核验未通过")
    if result["errors"]:
        problems.append(f"操作出错 {result['errors']} 次")
    idle = [op for op, fig in result["ops"].items() if not fig["count"]]
    if idle:
        problems.append(f"有 {len(idle)} 种操作一次也没有完成")
    return problems
