"""ID number and credit-code checks."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.identity import (
    check_credit_code,
    check_id_number,
    credit_code_check_char,
    id_check_digit,
    mask_id,
)


def test_published_example_is_valid():
    assert check_id_number("11010519491231002X").ok
    assert check_id_number("11010519491231002x").normalized == "11010519491231002X"
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ").ok  # full-width input


def test_wrong_check_digit_says_which():
    result = check_id_number("110105194912310021")
    assert not result.ok and "应为X,实为1" in result.problem and "理由" in result.problem


def test_impossible_birth_date_and_old_number():
    assert "出生日期" in check_id_number("110105" + "19490230" + "0021").problem
    assert "15位" in check_id_number("110105491231002").problem
    assert "18位" in check_id_number("1101").problem


@given(st.text(max_size=30))
def test_random_text_never_raises(text):
    assert isinstance(check_id_number(text).ok, bool)
    assert isinstance(check_credit_code(text).ok, bool)
    assert isinstance(mask_id(text), str)


@given(st.dates(date(1900, 1, 1), date(2020, 12, 31)), st.integers(0, 999), st.sampled_from(["110105", "440301"]))
def test_any_computed_number_is_valid(birth, seq, area):
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    assert check_id_number(body + id_check_digit(body)).ok


def test_credit_codes():
    assert check_credit_code("91350100M000100Y43").ok
    assert not check_credit_code("91350100M000100Y44").ok
    assert "不应出现" in check_credit_code("91350100M0001000I3").problem
    body = "91110105MA01ABCD1"
    assert check_credit_code(body + credit_code_check_char(body)).ok


def test_mask():
    assert mask_id("110105199001011234") == "110105********1234"
    assert mask_id("91350100M000100Y43") == "913501********0Y43"
    assert mask_id("") == "" and mask_id("AB12") == "**12"
