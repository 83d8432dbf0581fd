"""ID number (GB 11643) and credit-code (GB 32100) checks, and masking.

The expected check characters are computed here from the standards' own
formulas (weights 2^(17-i) mod 11 and 3^i mod 31), not from the module's
tables, so a wrong table in the module would show.
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.identity import (
    IdCheck,
    check_credit_code,
    check_id_number,
    credit_code_check_char,
    id_check_digit,
    mask_id,
)

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: (12 - sum(a_i * 2^(17-i)) mod 11) mod 11, 10 written X."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def gb32100_check(first17: str) -> str:
    total = sum(CODE_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return CODE_CHARS[(31 - total % 31) % 31]


def make_id(area: str, birth: date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + gb11643_check(body)


# --- 居民身份证 ------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    "11010519491231002X",  # the example printed in GB 11643-1999
    make_id("110105", date(1990, 1, 1), 123),
    make_id("440301", date(2000, 2, 29), 7),
    make_id("650102", date(1955, 12, 31), 999),
    make_id("320583", date(1988, 8, 8), 0),
])
def test_valid_numbers(number):
    result = check_id_number(number)
    assert result == IdCheck(True, number, None)


def test_published_example_matches_the_formula():
    assert gb11643_check("11010519491231002") == "X" == id_check_digit("11010519491231002")


def test_lower_x_full_width_and_spaces_are_normalised():
    assert check_id_number("11010519491231002x") == IdCheck(True, "11010519491231002X", None)
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ").normalized == "11010519491231002X"
    assert check_id_number("１１０１０５１９４９１２３１００２ｘ").ok
    assert check_id_number(" 110105 19491231 002X\n").ok


def test_wrong_check_digit_says_which_and_can_be_overridden():
    result = check_id_number("110105194912310021")
    assert not result.ok
    assert result.normalized == "110105194912310021"
    assert "校验位" in result.problem and "应为X,实为1" in result.problem
    assert "理由" in result.problem  # the clerk is told how to go on


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "20990101", "18000101"])
def test_impossible_birth_date(birth):
    body = "110105" + birth + "002"
    result = check_id_number(body + gb11643_check(body))
    assert not result.ok and "出生日期" in result.problem and birth in result.problem


def test_old_15_digit_number():
    result = check_id_number("110105491231002")
    assert not result.ok and "15位" in result.problem and "18位" in result.problem


@pytest.mark.parametrize("text", ["", "1101", "1101051949123100211", "11010519491231002XX"])
def test_wrong_length(text):
    result = check_id_number(text)
    assert not result.ok and "18位" in result.problem


@pytest.mark.parametrize("text", [
    "1101051949123100AX",
    "11010519491231002Y",
    "²10105194912310021",  # str.isdigit() is true for superscripts
    "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits: int() accepts them, a clerk never means them
])
def test_non_digits(text):
    result = check_id_number(text)
    assert not result.ok and "数字" in result.problem


@given(st.text(max_size=30))
def test_random_text_never_raises(text):
    for result in (check_id_number(text), check_credit_code(text)):
        assert isinstance(result.ok, bool)
        assert result.ok or result.problem
    assert isinstance(mask_id(text), str)


@given(st.text(alphabet="0123456789Xx０１２３Ｘ ²١", min_size=14, max_size=20))
def test_number_like_text_never_raises(text):
    result = check_id_number(text)
    assert result.ok == (result.problem is None)


@given(st.dates(date(1900, 1, 1), date(2020, 12, 31)), st.integers(0, 999),
       st.integers(110000, 829999).map(str))
def test_any_real_birth_date_with_computed_check_digit_is_ok(birth, seq, area):
    assert check_id_number(make_id(area, birth, seq)).ok


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_17_digits_with_the_computed_check_digit_pass_the_check_digit(body):
    right = check_id_number(body + gb11643_check(body))
    assert right.ok or "出生日期" in right.problem
    wrong = next(c for c in "0123456789X" if c != gb11643_check(body))
    assert not check_id_number(body + wrong).ok


# --- 统一社会信用代码 ----------------------------------------------------------------------

def test_published_credit_code_verified_by_computation():
    assert gb32100_check("91350100M000100Y4") == "3"
    assert check_credit_code("91350100M000100Y43") == IdCheck(True, "91350100M000100Y43", None)


@pytest.mark.parametrize("body", ["91110105MA01ABCD1", "12100000400000000", "51110000500000000",
                                  "93440300MA5EXXXXX", "Y1110108MA00RTUWX"])
def test_computed_credit_codes_are_valid(body):
    code = body + gb32100_check(body)
    assert credit_code_check_char(body) == gb32100_check(body)
    assert check_credit_code(code).ok


def test_credit_code_lower_case_and_full_width():
    assert check_credit_code("91350100m000100y43") == IdCheck(True, "91350100M000100Y43", None)
    assert check_credit_code("９１３５０１００Ｍ０００１００Ｙ４３").ok


def test_credit_code_wrong_check_char():
    result = check_credit_code("91350100M000100Y44")
    assert not result.ok and "应为3,实为4" in result.problem and "理由" in result.problem


@pytest.mark.parametrize("letter", "IOZSV")
def test_credit_code_letters_outside_the_alphabet(letter):
    result = check_credit_code("91350100M000100" + letter + "43")
    assert not result.ok and letter in result.problem and "不应出现" in result.problem


@pytest.mark.parametrize("text", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_credit_code_wrong_length(text):
    result = check_credit_code(text)
    assert not result.ok and "18位" in result.problem


@given(st.text(alphabet=CODE_CHARS, min_size=17, max_size=17))
def test_any_body_with_its_check_char_is_ok_and_any_other_is_not(body):
    assert check_credit_code(body + gb32100_check(body)).ok
    wrong = next(c for c in CODE_CHARS if c != gb32100_check(body))
    assert not check_credit_code(body + wrong).ok


# --- masking --------------------------------------------------------------------------------

def test_mask():
    assert mask_id("110105199001011234") == "110105********1234"
    assert mask_id("91350100M000100Y43") == "913501********0Y43"
    assert mask_id("") == ""
    assert mask_id("AB12") == "**12"
    assert mask_id("7") == "7"


@given(st.text(alphabet="0123456789X", max_size=25))
def test_mask_keeps_length_and_hides_the_middle(text):
    masked = mask_id(text)
    assert len(masked) == len(text)
    assert masked[-2:] == text[-2:]
    if len(text) >= 11:
        assert masked[:6] == text[:6] and set(masked[6:-4]) == {"*"}
