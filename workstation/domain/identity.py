"""ID checks: 居民身份证 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

A wrong check digit is a warning the clerk can override with a reason (old
documents, foreign IDs): these functions never raise, they say what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_OVERRIDE_HINT = "请核对号码;如证件确实如此(旧证、外籍证件),可填写理由后继续。"
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class IdCheck:
    """The outcome of a check: ``problem`` is a Chinese sentence when ``ok`` is False."""

    ok: bool
    normalized: str
    problem: str | None


def _normalize(text: str) -> str:
    # full-width digits and letters (０-９, Ａ-Ｚ) typed with a Chinese input method; only ASCII
    # letters are upper-cased, as str.upper() changes the length of some others ("ß" -> "SS")
    out = []
    for ch in text.strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if ch.isspace():
            continue
        out.append(ch.upper() if ch.isascii() else ch)
    return "".join(out)


def _all_digits(text: str) -> bool:
    # str.isdigit() also accepts "²" and "١", which int() rejects or a clerk never means
    return all(c in _DIGITS for c in text)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 ASCII digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(text: str) -> IdCheck:
    """Check a 居民身份证 number: 18 characters, a real birth date, the ISO 7064 MOD 11-2 check digit."""
    value = _normalize(text)
    if len(value) == 15 and _all_digits(value):
        return IdCheck(False, value, ("这是旧的15位身份证号码,现行身份证为18位。请向申请人核对18位的号码;"
                                   "如只有旧证,可填写理由后继续。"))
    if len(value) != 18:
        return IdCheck(False, value, f"身份证号码应为18位,现为{len(value)}位。" + _OVERRIDE_HINT)
    if not _all_digits(value[:17]) or value[17] not in _DIGITS | {"X"}:
        return IdCheck(False, value, "身份证号码前17位应为数字,最后一位为数字或X。" + _OVERRIDE_HINT)
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return IdCheck(False, value, f"身份证号码中的出生日期“{value[6:14]}”不存在。" + _OVERRIDE_HINT)
    if birth.year < 1880 or birth > date.today():
        return IdCheck(False, value, f"身份证号码中的出生日期“{value[6:14]}”不合理。" + _OVERRIDE_HINT)
    expected = id_check_digit(value[:17])
    if expected != value[17]:
        return IdCheck(False, value, f"身份证号码校验位不符:应为{expected},实为{value[17]}。" + _OVERRIDE_HINT)
    return IdCheck(True, value, None)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (all from the code's alphabet)."""
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(first17, _CODE_WEIGHTS, strict=True))
    return _CODE_CHARS[(31 - total % 31) % 31]


def check_credit_code(text: str) -> IdCheck:
    """Check a 统一社会信用代码: 18 characters of its alphabet and the mod-31 check character."""
    value = _normalize(text)
    if len(value) != 18:
        return IdCheck(False, value, f"统一社会信用代码应为18位,现为{len(value)}位。" + _OVERRIDE_HINT)
    bad = sorted({c for c in value if c not in _CODE_CHARS})
    if bad:
        return IdCheck(False, value, f"统一社会信用代码中不应出现“{''.join(bad)}”(不使用I、O、Z、S、V)。"
                       + _OVERRIDE_HINT)
    expected = credit_code_check_char(value[:17])
    if expected != value[17]:
        return IdCheck(False, value, f"统一社会信用代码校验位不符:应为{expected},实为{value[17]}。" + _OVERRIDE_HINT)
    return IdCheck(True, value, None)


def mask_id(text: str) -> str:
    """110105199001011234 -> 110105********1234; short values keep only their last 2 characters."""
    value = (text or "").strip()
    if not value:
        return ""
    if len(value) >= 11:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]
