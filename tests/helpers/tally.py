"""The register of tests/test_tally.py, shared with the tests of the tally exports and the command:
30 requests from late 2024 to January 2026 made through the real services, every result row used."""

from __future__ import annotations

from datetime import date

from conftest import person

from helpers.reply import record_reply
from workstation.domain.results import TALLY_COLUMNS
from workstation.domain.tally import ROW_KEYS
from workstation.services import cases

TODAY = date(2026, 2, 1)
ORG = {"id_number": "91350100M000100Y43", "legal_representative": "赵法人", "id_type": "统一社会信用代码"}

# name: (received, applicant kind, closed on, result key; "withdrawn" = the applicant withdrew)
REGISTER: dict[str, tuple[date, str, date | None, str | None]] = {
    "A1": (date(2024, 11, 20), "natural", date(2024, 12, 10), "disclosed"),
    "A2": (date(2024, 12, 5), "natural", date(2025, 1, 8), "disclosed"),
    "A3": (date(2024, 12, 20), "commercial", date(2025, 1, 15), "unavailable.not_held"),
    "A4": (date(2024, 12, 30), "natural", date(2025, 3, 10), "withheld.third_party"),
    "A5": (date(2024, 12, 31), "legal_service", None, None),
    "A6": (date(2024, 12, 31), "natural", date(2024, 12, 31), "withdrawn"),
    "B1": (date(2025, 1, 6), "natural", date(2025, 1, 20), "disclosed"),
    "B2": (date(2025, 1, 10), "natural", date(2025, 2, 14), "partly_disclosed"),
    "B3": (date(2025, 2, 3), "research", date(2025, 2, 28), "disclosed"),
    "B4": (date(2025, 2, 20), "natural", date(2025, 3, 3), "not_processed.repeated"),
    "B5": (date(2025, 2, 28), "public_interest", date(2025, 3, 31), "withheld.process_info"),
    "B6": (date(2025, 2, 28), "natural", date(2025, 4, 1), "disclosed"),
    "B7": (date(2025, 3, 1), "natural", date(2025, 3, 1), "disclosed"),
    "B8": (date(2025, 3, 5), "natural", date(2025, 3, 12), "withdrawn"),
    "B9": (date(2025, 3, 10), "commercial", date(2025, 3, 28), "unavailable.needs_creation"),
    "B10": (date(2025, 3, 18), "natural", date(2025, 4, 15), "not_processed.petition"),
    "B11": (date(2025, 3, 31), "other_org", date(2025, 5, 6), "disclosed"),
    "B12": (date(2025, 3, 31), "natural", date(2025, 3, 31), "partly_disclosed"),
    "B13": (date(2025, 4, 2), "natural", date(2025, 4, 20), "withheld.state_secret"),
    "B14": (date(2025, 5, 12), "legal_service", date(2025, 6, 10), "other.no_fee"),
    "B15": (date(2025, 6, 3), "natural", date(2025, 6, 30), "unavailable.still_unclear"),
    "B16": (date(2025, 7, 7), "commercial", date(2025, 8, 1), "disclosed"),
    "B17": (date(2025, 8, 15), "natural", date(2025, 9, 5), "not_processed.publication"),
    "B18": (date(2025, 9, 1), "natural", date(2025, 9, 26), "withheld.internal_affairs"),
    "B19": (date(2025, 10, 9), "research", date(2025, 11, 3), "other.no_correction"),
    "B20": (date(2025, 11, 20), "natural", date(2025, 12, 31), "not_processed.confirmation"),
    "B21": (date(2025, 12, 1), "natural", None, None),
    "B22": (date(2025, 12, 15), "other_org", date(2026, 1, 5), "disclosed"),
    "B23": (date(2025, 12, 31), "natural", date(2026, 1, 10), "unavailable.not_held"),
    "C1": (date(2026, 1, 5), "natural", date(2026, 1, 20), "disclosed"),
}


def full_table(cells: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {row: {col: cells.get(row, {}).get(col, 0) for col in TALLY_COLUMNS} for row in ROW_KEYS}


def build_register(db, users) -> dict[str, cases.CaseSummary]:
    """REGISTER through the real services, in the order a clerk would have done it."""
    clerk = users["clerk"]
    made: dict[str, cases.CaseSummary] = {}
    for name, (received, kind, _, _) in sorted(REGISTER.items(), key=lambda kv: kv[1][0]):
        extra = ORG if kind != "natural" else {}
        data = person(handed_in_on=received, applicant_kind=kind, applicant_name=f"申请人{name}", **extra)
        made[name] = cases.register(db, clerk, data, today=TODAY).case
    for name, (_, _, closed_on, result) in sorted(REGISTER.items(), key=lambda kv: kv[1][2] or date.max):
        if closed_on is None:
            continue
        if result == "withdrawn":
            cases.withdraw(db, clerk, made[name].id, closed_on, today=TODAY)
        else:
            record_reply(db, clerk, made[name].id, result, closed_on, today=TODAY)
    return made


OFFICE = "示范县城关镇人民政府"

# (request, kind, filed on, result, result on): table 四 of 2025 gets 行政复议 维持 1, 尚未审结 1;
# 直接起诉 其他结果 1; 复议后起诉 纠正 1 (on A1, a request closed in 2024)
APPEALS = (
    ("A4", "review", date(2025, 4, 10), "upheld", date(2025, 6, 20)),
    ("B13", "review", date(2025, 5, 20), None, None),
    ("B5", "litigation_direct", date(2025, 7, 1), "other", date(2025, 11, 30)),
    ("A1", "litigation_after_review", date(2025, 3, 1), "corrected", date(2025, 9, 1)),
)

# What the register holds about people and must never appear in a tally export.
PERSONAL = ("申请人A1", "申请人B13", "申请人C1", "11010519491231002X", "91350100M000100Y43", "赵法人",
            "13800138000", "人民路1号", "道路硬化工程", "张承办", "政依申")


def open_register(path):
    """A register file with REGISTER, APPEALS and the office's name, for tests that only read it.

    Returns the open Database, the cases by name, and the users (admin, clerk, head) as Actors.
    """
    from workstation.domain.status import Role
    from workstation.services import office, review
    from workstation.services import users as u
    from workstation.store.database import Database

    db = Database.open_path(path)
    admin = u.create_first_admin(db, "admin", "管理员", "secret1").actor()
    actors = {"admin": admin}
    for login, name, role in (("clerk", "张承办", Role.CLERK), ("head", "王主任", Role.HEAD)):
        actors[login] = u.create_user(db, admin, login, name, "secret1", {role}).actor()
    office.save_settings(db, admin, {"office.name": OFFICE})
    made = build_register(db, actors)
    for name, kind, filed, result, on in APPEALS:
        appeal = review.record_appeal(db, actors["clerk"], made[name].id, kind, filed, today=TODAY)
        if result is not None:
            review.set_appeal_result(db, actors["clerk"], appeal.id, result, on, today=TODAY)
    return db, made, actors
