"""Tables 三 and 四 (统计): a register of 30 requests made through the services and counted by hand,
the balance check that names broken requests, months that add up to the year, and period locks."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person
from helpers.tally import TODAY, build_register, full_table

from workstation.domain.errors import UserError
from workstation.domain.results import RESULT_GROUPS, TALLY_COLUMNS
from workstation.domain.tally import (
    ROW_KEYS,
    AppealRecord,
    Period,
    TallyRecord,
    compute_tally,
    requests_behind,
    row_label,
)
from workstation.services import cases, review
from workstation.services import tally as tally_service
from workstation.services.base import PermissionDenied
from workstation.services.locks import PeriodLocked
from workstation.services.users import SYSTEM_ACTOR

# Counted by hand from REGISTER (see the reasoning beside each row); cells not named are 0.
YEAR_2025 = {
    # B1..B23 received in 2025: natural B1 B2 B4 B6 B7 B8 B10 B12 B13 B15 B17 B18 B20 B21 B23
    "new": {"natural": 15, "commercial": 2, "research": 2, "public_interest": 1, "legal_service": 1,
            "other_org": 2, "total": 23},
    # open on 2025-01-01: A2 A4 (natural), A3, A5; A1 and A6 closed in 2024
    "carried_in": {"natural": 2, "commercial": 1, "legal_service": 1, "total": 4},
    "disclosed": {"natural": 4, "commercial": 1, "research": 1, "other_org": 1, "total": 7},  # A2 B1 B6 B7 / B16 / B3 / B11
    "partly_disclosed": {"natural": 2, "total": 2},  # B2 B12
    "withheld": {"natural": 3, "public_interest": 1, "total": 4},
    "withheld.state_secret": {"natural": 1, "total": 1},  # B13
    "withheld.third_party": {"natural": 1, "total": 1},  # A4
    "withheld.internal_affairs": {"natural": 1, "total": 1},  # B18
    "withheld.process_info": {"public_interest": 1, "total": 1},  # B5
    "unavailable": {"natural": 1, "commercial": 2, "total": 3},
    "unavailable.not_held": {"commercial": 1, "total": 1},  # A3 (B23 closes in 2026)
    "unavailable.needs_creation": {"commercial": 1, "total": 1},  # B9
    "unavailable.still_unclear": {"natural": 1, "total": 1},  # B15
    "not_processed": {"natural": 4, "total": 4},
    "not_processed.petition": {"natural": 1, "total": 1},  # B10
    "not_processed.repeated": {"natural": 1, "total": 1},  # B4
    "not_processed.publication": {"natural": 1, "total": 1},  # B17
    "not_processed.confirmation": {"natural": 1, "total": 1},  # B20, on the last day of the year
    "other": {"natural": 1, "research": 1, "legal_service": 1, "total": 3},
    "other.no_correction": {"research": 1, "total": 1},  # B19
    "other.no_fee": {"legal_service": 1, "total": 1},  # B14
    "other.other": {"natural": 1, "total": 1},  # B8 withdrew
    "total": {"natural": 15, "commercial": 3, "research": 2, "public_interest": 1, "legal_service": 1,
              "other_org": 1, "total": 23},
    # open on 2025-12-31: A5, B21 (open), B22 and B23 (closed in 2026)
    "carried_out": {"natural": 2, "legal_service": 1, "other_org": 1, "total": 4},
}

MARCH_2025 = {
    "new": {"natural": 4, "commercial": 1, "other_org": 1, "total": 6},  # B7 B8 B10 B12 / B9 / B11
    "carried_in": {"natural": 3, "public_interest": 1, "legal_service": 1, "total": 5},  # A4 B4 B6 / B5 / A5
    "disclosed": {"natural": 1, "total": 1},  # B7, received and closed on 03-01
    "partly_disclosed": {"natural": 1, "total": 1},  # B12 on 03-31
    "withheld": {"natural": 1, "public_interest": 1, "total": 2},
    "withheld.third_party": {"natural": 1, "total": 1},  # A4
    "withheld.process_info": {"public_interest": 1, "total": 1},  # B5 on 03-31
    "unavailable": {"commercial": 1, "total": 1},
    "unavailable.needs_creation": {"commercial": 1, "total": 1},  # B9
    "not_processed": {"natural": 1, "total": 1},
    "not_processed.repeated": {"natural": 1, "total": 1},  # B4
    "other": {"natural": 1, "total": 1},
    "other.other": {"natural": 1, "total": 1},  # B8
    "total": {"natural": 5, "commercial": 1, "public_interest": 1, "total": 7},
    "carried_out": {"natural": 2, "legal_service": 1, "other_org": 1, "total": 4},  # B6 B10 / A5 / B11
}


@pytest.fixture
def register(db, users):
    return build_register(db, users)


# --- table 三 from the register ---------------------------------------------------------------
def test_year_counted_by_hand(db, register):
    result = tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 31))
    assert result.ok, result.problems
    assert result.to_json()["table3"] == full_table(YEAR_2025)
    assert result.to_json()["period"] == {"start": "2025-01-01", "end": "2025-12-31"}


def test_month_counted_by_hand(db, register):
    result = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    assert result.ok, result.problems
    assert result.to_json()["table3"] == full_table(MARCH_2025)


def test_months_add_up_to_the_year(db, register):
    year = tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 31))
    months = [tally_service.tally(db, p.start, p.end) for p in (Period.month(2025, m) for m in range(1, 13))]
    assert all(m.ok for m in months)
    flow_rows = [r for r in ROW_KEYS if r not in ("carried_in", "carried_out")]
    for row in flow_rows:
        for col in TALLY_COLUMNS:
            assert sum(m.cell(row, col) for m in months) == year.cell(row, col), (row, col)
    for col in TALLY_COLUMNS:
        assert months[0].cell("carried_in", col) == year.cell("carried_in", col)
        assert months[-1].cell("carried_out", col) == year.cell("carried_out", col)
        for before, after in zip(months, months[1:], strict=False):
            assert before.cell("carried_out", col) == after.cell("carried_in", col)
    quarter = tally_service.tally(db, Period.quarter(2025, 1).start, Period.quarter(2025, 1).end)
    assert quarter.cell("new") == sum(m.cell("new") for m in months[:3]) == 12
    assert quarter.cell("carried_out") == months[2].cell("carried_out") == 4


def test_the_monthly_trend_is_the_months_tallies(db, register):
    trend = tally_service.monthly_trend(db, 2025, TODAY)
    assert (trend.year, trend.months) == (2025, 12)
    months = [tally_service.tally(db, p.start, p.end) for p in (Period.month(2025, m) for m in range(1, 13))]
    assert trend.new == [m.cell("new") for m in months]
    assert trend.concluded == [m.cell("total") for m in months]
    assert trend.groups == {g: [m.cell(g) for m in months] for g in RESULT_GROUPS}
    assert (trend.new[2], trend.concluded[2]) == (6, 7)  # MARCH_2025, counted by hand
    assert sum(trend.new) == 23 and sum(trend.concluded) == 23  # YEAR_2025's new; its 办结 总计

    # the current year (TODAY is 2026-02-01): January and February have begun, the other months stay 0
    heard: list[tuple[int, int]] = []
    now = tally_service.monthly_trend(db, 2026, TODAY, lambda done, total: heard.append((done, total)))
    assert now.months == 2 and now.new == [1] + [0] * 11 and heard == [(0, 2), (1, 2), (2, 2)]
    assert tally_service.monthly_trend(db, 2027, TODAY).months == 0


def test_the_monthly_trend_stops_when_its_progress_raises(db, register):
    def cancel(done: int, total: int) -> None:
        if done == 3:
            raise UserError("已取消")

    with pytest.raises(UserError):
        tally_service.monthly_trend(db, 2025, TODAY, cancel)


def test_requests_behind_a_cell(db, register):
    behind = tally_service.requests_behind(db, date(2025, 1, 1), date(2025, 12, 31), "withheld", "natural")
    assert sorted(c.number for c in behind) == sorted(register[n].number for n in ("A4", "B13", "B18"))
    out = tally_service.requests_behind(db, date(2025, 3, 1), date(2025, 3, 31), "carried_out", "total")
    assert sorted(c.number for c in out) == sorted(register[n].number for n in ("A5", "B6", "B10", "B11"))


# --- table 四 -----------------------------------------------------------------------------------
def test_table4_counts_in_the_period_of_the_result(db, users, register):
    clerk = users["clerk"]

    def appeal(name, kind, filed, result=None, on=None):
        a = review.record_appeal(db, clerk, register[name].id, kind, filed, today=TODAY)
        if result:
            review.set_appeal_result(db, clerk, a.id, result, on, today=TODAY)

    appeal("A4", "review", date(2025, 4, 10), "upheld", date(2025, 6, 20))  # decided in 2025
    appeal("B13", "review", date(2025, 5, 20), "corrected", date(2026, 1, 15))  # pending at the end of 2025
    appeal("B5", "litigation_direct", date(2025, 7, 1), "other", date(2025, 11, 30))
    appeal("A1", "review", date(2024, 12, 20), "corrected", date(2025, 2, 15))  # filed 2024, decided 2025
    appeal("A1", "litigation_after_review", date(2025, 3, 1))  # never decided
    appeal("B1", "litigation_direct", date(2025, 12, 31))  # filed on the last day
    appeal("C1", "review", date(2026, 1, 25))  # filed after the year
    appeal("A6", "review", date(2024, 12, 31), "upheld", date(2024, 12, 31))  # over before the year

    year = tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 31)).to_json()["table4"]
    assert year == {
        "review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 1, "pending": 1, "total": 2},
        "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    }
    march = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31)).to_json()["table4"]
    assert march["litigation_after_review"]["pending"] == 1
    assert march["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    jan_2026 = tally_service.tally(db, date(2026, 1, 1), date(2026, 1, 31)).to_json()["table4"]
    assert jan_2026["review"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 1, "total": 2}

    # the drill-down of table 四: the requests behind each number, as many as the number says
    def behind(kind, column, start=date(2025, 1, 1), end=date(2025, 12, 31)):
        return [c.number for c in tally_service.requests_behind_appeals(db, start, end, kind, column)]

    assert behind("review", "upheld") == [register["A4"].number]
    assert behind("review", "corrected") == [register["A1"].number]
    assert behind("review", "pending") == [register["B13"].number]
    assert sorted(behind("review", "total")) == sorted(register[n].number for n in ("A4", "A1", "B13"))
    assert sorted(behind("litigation_direct", "total")) == sorted(register[n].number for n in ("B5", "B1"))
    assert behind("litigation_after_review", "pending") == [register["A1"].number]
    assert behind("review", "other") == []
    for kind, row in year.items():
        for column, count in row.items():
            assert len(behind(kind, column)) == count, (kind, column)


# --- the balance check ------------------------------------------------------------------------------
def rec(i: int, received: date, closed: date | None = None, result: str | None = None,
        kind: str = "natural") -> TallyRecord:
    return TallyRecord(i, f"政依申〔2025〕第{i:04d}号", kind, received, closed, result)


def test_balanced_records_pass():
    records = [rec(1, date(2025, 3, 2), date(2025, 3, 20), "disclosed"), rec(2, date(2025, 2, 27)),
               rec(3, date(2025, 3, 30), date(2025, 4, 2), "other.other", kind="research")]
    result = compute_tally(records, [], Period.month(2025, 3))
    assert result.ok and result.problems == () and result.problem_ids == ()
    assert result.cell("new") == 2 and result.cell("carried_in") == 1
    assert result.cell("total") == 1 and result.cell("carried_out") == 2


@pytest.mark.parametrize(
    ("broken", "fragment"),
    [
        (rec(9, date(2025, 3, 3), date(2025, 3, 9), None), "已于 2025-03-09 办结但没有办理结果"),
        (rec(9, date(2025, 3, 3), date(2025, 3, 9), "disclosed_partly"), "办理结果“disclosed_partly”无法识别"),
        (rec(9, date(2025, 3, 20), date(2025, 2, 25), "disclosed"), "办结日期 2025-02-25 早于收到日期 2025-03-20"),
        (rec(9, date(2025, 4, 2), date(2025, 3, 25), "disclosed"), "办结日期 2025-03-25 早于收到日期 2025-04-02"),
        (rec(9, date(2025, 3, 3), kind="企业"), "申请人类型“企业”无法识别"),
    ],
)
def test_a_broken_record_is_named(broken, fragment):
    good = [rec(1, date(2025, 3, 2), date(2025, 3, 20), "disclosed"), rec(2, date(2025, 2, 27))]
    result = compute_tally([*good, broken], [], Period.month(2025, 3))
    assert not result.ok
    assert result.problem_ids == (9,)
    assert any(fragment in p and "政依申〔2025〕第0009号" in p for p in result.problems), result.problems
    assert not any("第0001号" in p or "第0002号" in p for p in result.problems)


def test_identity_break_is_reported_per_column():
    broken = rec(9, date(2025, 3, 3), date(2025, 3, 9), None, kind="commercial")
    result = compute_tally([rec(1, date(2025, 3, 2)), broken], [], Period.month(2025, 3))
    columns = [p for p in result.problems if "列不平衡" in p]
    assert len(columns) == 2 and columns[0].startswith("“商业企业”列") and columns[1].startswith("“总计”列")
    assert "新收 1 + 上期结转 0 = 1,而办结 0 + 结转下期 0 = 0" in columns[0]


def test_records_outside_the_period_are_ignored_and_boundaries_count():
    records = [rec(1, date(2025, 2, 1), date(2025, 2, 28), "disclosed"),  # over before March
               rec(2, date(2025, 4, 1)),  # after March
               rec(3, date(2025, 2, 10), date(2025, 3, 1), "disclosed"),  # closed on the first day
               rec(4, date(2025, 3, 31), date(2025, 4, 1), "disclosed")]  # open at the end by one day
    result = compute_tally(records, [], Period.month(2025, 3))
    assert result.ok
    assert (result.cell("new"), result.cell("carried_in"), result.cell("total"), result.cell("carried_out")) == \
        (1, 1, 1, 1)
    assert requests_behind(records, Period.month(2025, 3), "disclosed", "natural") == [3]
    assert requests_behind(records, Period.month(2025, 3), "new", "research") == []


def test_bad_appeal_records_are_problems():
    appeals = [AppealRecord(1, 1, "mediation", date(2025, 3, 3), None, None),
               AppealRecord(2, 1, "review", date(2025, 3, 3), "won", date(2025, 3, 9))]
    result = compute_tally([rec(1, date(2025, 3, 1))], appeals, Period.month(2025, 3))
    assert not result.ok
    assert any("类型“mediation”无法识别" in p and "第0001号" in p for p in result.problems)
    assert any("结果“won”无法识别" in p for p in result.problems)


def test_periods_and_labels():
    assert Period.quarter(2025, 4) == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    assert Period.year(2025).label == "2025年" and Period.quarter(2025, 2).label == "2025年第二季度"
    assert Period.month(2025, 3).label == "2025年3月"
    assert Period(date(2025, 3, 5), date(2025, 4, 2)).label == "2025年3月5日至2025年4月2日"
    assert row_label("new", Period.year(2025)) == "一、本年新收政府信息公开申请数量"
    assert row_label("new", Period.month(2025, 3)) == "一、本期新收政府信息公开申请数量"
    assert row_label("carried_out", Period.month(2025, 3)) == "四、结转下期继续办理"
    for bad in (lambda: Period.month(2025, 13), lambda: Period.quarter(2025, 0),
                lambda: Period(date(2025, 3, 2), date(2025, 3, 1))):
        with pytest.raises(UserError):
            bad()


# --- period locks (锁定) ------------------------------------------------------------------------------
def test_locked_period_refuses_changes_until_a_recorded_correction(db, users, register):
    clerk, head = users["clerk"], users["head"]
    march = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    with pytest.raises(PermissionDenied):
        tally_service.lock_period(db, clerk, date(2025, 3, 1), date(2025, 3, 31))
    lock = tally_service.lock_period(db, head, date(2025, 3, 1), date(2025, 3, 31))
    assert lock.figures == march.to_json()
    with pytest.raises(UserError, match="已经锁定"):
        tally_service.lock_period(db, head, date(2025, 3, 1), date(2025, 3, 31))

    with pytest.raises(PeriodLocked, match="2025-03-01至2025-03-31的统计已锁定"):
        cases.register(db, clerk, person(handed_in_on=date(2025, 3, 20)), today=TODAY)
    with pytest.raises(PeriodLocked):
        cases.close(db, clerk, register["A5"].id, "other.other", date(2025, 3, 15), today=TODAY)
    with pytest.raises(PeriodLocked):
        cases.withdraw(db, clerk, register["A5"].id, date(2025, 3, 31), today=TODAY)
    assert tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31)).to_json() == lock.figures

    cases.register(db, clerk, person(handed_in_on=date(2025, 4, 1)), today=TODAY)  # outside: allowed
    cases.close(db, clerk, register["A5"].id, "other.other", date(2025, 4, 3), today=TODAY)
    assert tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31)).to_json() == lock.figures

    with pytest.raises(PermissionDenied):
        tally_service.correct_locked_result(db, clerk, register["B7"].id, "partly_disclosed", date(2025, 3, 1),
                                            "答复书载明部分公开")
    tally_service.correct_locked_result(db, head, register["B7"].id, "partly_disclosed", date(2025, 3, 1),
                                        "答复书载明部分公开")
    after = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    assert after.ok
    assert (after.cell("disclosed"), after.cell("partly_disclosed")) == (0, 2)
    assert tally_service.locked_figures(db, date(2025, 3, 1), date(2025, 3, 31)) == lock.figures
    assert cases.timeline(db, register["B7"].id)[-1].action == "result_corrected"


def test_a_corrected_received_date_after_the_reply_is_caught(db, users, register):
    """correct_registration can move the received date past the reply: the tally names the request."""
    b9 = register["B9"]
    data = cases.intake_of(db, b9.id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2025, 4, 2)
    cases.correct_registration(db, users["clerk"], b9.id, data, "收到日期登记错误", today=TODAY)
    march = tally_service.tally(db, date(2025, 3, 1), date(2025, 3, 31))
    april = tally_service.tally(db, date(2025, 4, 1), date(2025, 4, 30))
    for result in (march, april):
        assert not result.ok
        assert result.problem_ids == (b9.id,)
        assert any(b9.number in p and "早于收到日期 2025-04-02" in p for p in result.problems)
    with pytest.raises(UserError, match="不平衡"):
        tally_service.lock_period(db, users["head"], date(2025, 4, 1), date(2025, 4, 30))


def test_a_tally_is_counted_again_after_any_change_of_the_register(db, users, register):
    """Tallies are kept until the register changes (a clerk goes back and forth between periods): any change,
    also one made through another handle on the register (another window), moves the audit chain's head."""
    from workstation.store.database import Database

    year = (date(2025, 1, 1), date(2025, 12, 31))
    first = tally_service.tally(db, *year)
    assert tally_service.tally(db, *year) is first  # nothing changed: the same figures
    other_window = Database(db.engine, path=db.path)
    b9 = register["B9"]
    data = cases.intake_of(other_window, b9.id, viewer=SYSTEM_ACTOR)
    data.handed_in_on = date(2025, 4, 2)
    cases.correct_registration(other_window, users["clerk"], b9.id, data, "收到日期登记错误", today=TODAY)
    again = tally_service.tally(db, *year)
    assert again is not first and again.problem_ids == (b9.id,)
    assert tally_service.tally(db, date(2025, 1, 1), date(2025, 12, 30)) is not again  # another period
