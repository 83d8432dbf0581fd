"""Number patterns (编号格式): only {prefix}, {year} and {seq}, padded at most 12 wide, the year required;
checked when saved and again when used."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import person

from workstation.domain.errors import UserError
from workstation.domain.numbers import format_number, pattern_problem
from workstation.services import cases, office
from workstation.services.base import ValidationError, invalidate
from workstation.store.models import Request, Setting

HOSTILE = [
    ("{prefix}〔{year}〕{seq:0>300000000}号", "补足的位数"),
    ("{prefix:>1000000000}{seq}{year}", "补足的位数"),
    ("{prefix.__class__.__mro__}{seq}{year}", "只能使用"),
    ("{prefix}第{seq:04d}号", "必须包含年份"),
    ("{prefix}{year}{seq!r}", "不能使用“!”"),
    ("{prefix}{year}{seq:{year}}", "补足的位数"),
    ("{prefix:d}{year}{seq}", "格式写法有误"),
]


@pytest.mark.parametrize(("pattern", "said"), HOSTILE)
def test_a_hostile_pattern_is_named(pattern, said):
    assert said in pattern_problem(pattern)


@pytest.mark.parametrize("pattern", ["{prefix}〔{year}〕第{seq:04d}号", "{prefix}〔{year}〕{seq}号",
                                     "{year}-{seq:_>12}", "{prefix:>6}{year}{seq:0>5}"])
def test_ordinary_patterns_are_allowed(pattern):
    assert pattern_problem(pattern) is None
    assert "2026" in format_number(pattern, "政依申", 2026, 7)


@pytest.mark.parametrize(("pattern", "said"), HOSTILE)
def test_saving_a_hostile_pattern_is_refused_at_its_field(db, users, pattern, said):
    with pytest.raises(ValidationError) as caught:
        office.save_settings(db, users["admin"], {"numbers.request_pattern": pattern})
    assert said in caught.value.errors["numbers.request_pattern"]
    with pytest.raises(ValidationError) as caught:
        office.save_settings(db, users["admin"], {"numbers.document_pattern": pattern})
    assert said in caught.value.errors["numbers.document_pattern"]


def test_a_stored_hostile_pattern_is_refused_when_used(db, users):
    with db.write() as s:  # as an older version let it be saved
        s.add(Setting(key="numbers.request_pattern", value="{prefix}{seq:0>300000000}"))
    invalidate(db, "settings")
    with pytest.raises(UserError, match="受理编号格式.*无效.*设置"):
        cases.register(db, users["clerk"], person(handed_in_on=date(2026, 3, 2)), today=date(2026, 3, 2))
    with db.read() as s:
        assert s.query(Request).count() == 0
