"""Legal remedies (救济途径) a reply notice must state, spec/domain.md section 4.

A refusal under Art. 14, 15 or 16 of the Regulation (also the withheld part of a
部分公开) must first go to 行政复议 (复议前置, 《中华人民共和国行政复议法》2023,
art. 23); any other reply may go to 行政复议 within 60 days or straight to court
within 6 months. A notice that omits this lets the limit run for up to a year,
so the text is made here, once, and every reply template must print it.
"""

from __future__ import annotations

from dataclasses import dataclass

REVIEW_DAYS = 60
LITIGATION_MONTHS = 6


@dataclass(frozen=True)
class Remedies:
    """The remedies paragraph of one reply notice."""

    review_first: bool  # 复议前置
    text: str
    marker: str  # a phrase every printed notice of this kind must contain


def remedies_for(result_key: str, review_body: str, court: str = "") -> Remedies:
    """The remedies paragraph for a reply with this result, naming the review body (and the court)."""
    body = review_body.strip() or "有权处理的行政复议机关"
    court_text = court.strip() or "有管辖权的人民法院"
    if result_key.startswith("withheld."):
        text = (f"如对本告知书不服,根据《中华人民共和国行政复议法》第二十三条第一款的规定,应当先自收到本告知书之日起"
                f"{REVIEW_DAYS}日内向{body}申请行政复议;对行政复议决定不服的,可以依法向人民法院提起行政诉讼。")
        return Remedies(True, text, "应当先")
    if result_key == "partly_disclosed":
        text = (f"如对本告知书中不予公开的部分不服,根据《中华人民共和国行政复议法》第二十三条第一款的规定,应当先自收到"
                f"本告知书之日起{REVIEW_DAYS}日内向{body}申请行政复议;对行政复议决定不服的,可以依法向人民法院提起"
                f"行政诉讼。对本告知书的其他内容不服的,可以自收到本告知书之日起{REVIEW_DAYS}日内向{body}申请行政复议,"
                f"也可以自收到本告知书之日起{LITIGATION_MONTHS}个月内向{court_text}提起行政诉讼。")
        return Remedies(True, text, "应当先")
    text = (f"如对本告知书不服,可以自收到本告知书之日起{REVIEW_DAYS}日内向{body}申请行政复议,也可以自收到本告知书之日起"
            f"{LITIGATION_MONTHS}个月内向{court_text}提起行政诉讼。")
    return Remedies(False, text, "申请行政复议")
