"""`audit verify` replays each request's events and names the field a raw edit of the `request` row changed."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import TEST_DB_URL, person
from helpers.reply import record_reply

from workstation.cli import main
from workstation.domain.replay import replay
from workstation.domain.status import Role
from workstation.services import cases
from workstation.services.audit import verify_chain
from workstation.services.base import Actor
from workstation.services.demo import fill_demo

ACTOR = Actor(None, "test", "测试", frozenset(Role))
TODAY = date(2026, 11, 23)
sqlite_only = pytest.mark.skipif(bool(TEST_DB_URL), reason="forges an SQLite file")


def _demo_with_window_work(db) -> None:
    """The demo register, plus requests taken through the window's own services."""
    fill_demo(db, cases=300, today=TODAY)
    on = date(2026, 11, 2)
    a = cases.register(db, ACTOR, person(handed_in_on=on), today=TODAY).case.id
    cases.correct_registration(db, ACTOR, a, person(handed_in_on=on, applicant_name="王晓明", phone="13900139000"),
                               "姓名写错", today=TODAY)
    cases.request_correction(db, ACTOR, a, date(2026, 11, 3), "请写明文件名称", today=TODAY)
    cases.record_corrected(db, ACTOR, a, date(2026, 11, 5), content="申请公开示范镇2025年道路硬化工程的招标文件",
                           today=TODAY)
    cases.start_pause(db, ACTOR, a, "third_party", date(2026, 11, 6), party="某公司", today=TODAY)
    cases.end_pause(db, ACTOR, a, date(2026, 11, 10), today=TODAY)
    record_reply(db, ACTOR, a, "disclosed", date(2026, 11, 12), today=TODAY)
    b = cases.register(db, ACTOR, person(handed_in_on=on, applicant_name="李四"), today=TODAY).case.id
    cases.withdraw(db, ACTOR, b, date(2026, 11, 4), today=TODAY)
    cases.register(db, ACTOR, person(handed_in_on=on, applicant_name="赵六"), today=TODAY)


def test_the_demo_register_and_window_work_replay_clean(db):
    _demo_with_window_work(db)
    report = verify_chain(db)
    assert report.mismatches == [] and report.ok


@sqlite_only
@pytest.mark.parametrize(("status", "column", "value", "label"), [
    ("closed", "status", "open", "状态 登记为「办理中」,事件记录为「已办结」"),
    ("closed", "number", "示范县政依申〔2026〕第9999号", "受理编号"),
    ("open", "applicant_name", "张冒名", "申请人姓名或名称 登记为「张冒名」"),
    ("open", "id_number", "110105194912310021", "证件号码"),
    ("open", "phone", "13000000000", "联系电话"),
    ("open", "address", "别处", "通信地址"),
    ("open", "content", "另一件事", "申请内容"),
    ("closed", "received", "2016-01-01", "收到申请日期"),
    ("open", "due", "2099-01-01", "答复期限 登记为「2099-01-01」"),
    ("closed", "result_key", "not_held", "办理结果"),
    ("closed", "closed_on", "2016-01-02", "答复日期"),
    ("closed", "delivered_on", "2016-01-03", "送达日期"),
    ("closed", "extended", 1, "延期"),
    ("closed", "closed_on", "去年", "答复日期 登记为「去年」"),
])
def test_a_forged_request_field_is_named(db, db_target, status, column, value, label, capsys):
    _demo_with_window_work(db)
    path = db_target[1]
    con = sqlite3.connect(path)
    with con:
        rid, number = con.execute("SELECT id, number FROM request WHERE status = ? AND extended = 0 "
                                  "AND due IS NOT NULL OR status = ? AND extended = 0 AND closed_on IS NOT NULL "
                                  "ORDER BY id DESC LIMIT 1", ("open", status) if status == "open"
                                  else ("none", status)).fetchone()
        con.execute(f"UPDATE request SET {column} = ? WHERE id = ?", (value, rid))
    con.close()
    report = verify_chain(db)
    assert not report.ok
    shown = number if column != "number" else value
    assert len(report.mismatches) == 1 and report.mismatches[0].startswith(f"{shown}:")
    assert label in report.mismatches[0]
    db.close()
    assert main(["audit", "verify", "--db", str(path)]) == 2
    assert label in capsys.readouterr().out


@sqlite_only
def test_a_request_row_without_history_is_named(db, db_target):
    cases.register(db, ACTOR, person(), today=TODAY)
    con = sqlite3.connect(db_target[1])
    with con:
        con.execute("INSERT INTO request (number, source, channel, received, applicant_kind, applicant_name, content,"
                    " status, oral, fee_waiver_requested, due_provisional, extended, created_at) VALUES"
                    " ('凭空〔2026〕第0001号', 'window', 'in_person', '2026-03-02', 'natural', '无名', '无', 'open',"
                    " 0, 0, 0, 0, '2026-03-02 00:00:00')")
    con.close()
    report = verify_chain(db)
    assert report.mismatches == ["凭空〔2026〕第0001号:登记簿中有这件申请,但没有它的任何办理记录"]


def test_replay_follows_status_and_due_through_a_case():
    events = [("registered", {"number": "N1", "received": "2026-03-02", "applicant_name": "甲", "due": "2026-03-30"}),
              ("correction_requested", {"status": "correction"}),
              ("correction_received", {"status": "open"})]
    expected = replay(events)
    assert expected["status"] == "open" and "due" not in expected  # recomputed, not recorded
    expected = replay([*events, ("due_recomputed", {"due": "2026-04-03"}),
                       ("closed", {"status": "closed", "result_key": "other.other", "closed_on": "2026-03-20"})])
    assert expected["due"] is None and expected["closed_on"] == "2026-03-20" and expected["status"] == "closed"
    assert replay([("document_issued", {})]) is None
