"""Legal remedies (救济途径) a reply notice must state, spec/domain.md section 4.

A refusal under Art. 14, 15 or 16 of the Regulation must first go to 行政复议
(复议前置, 《中华人民共和国行政复议法》2023, art. 23 para. 1 item (4): 申请政府信息公开,
行政机关不予公开); against the review decision the applicant may sue within 15
days of receiving it (《中华人民共和国行政诉讼法》art. 45). A 部分公开 reply is one act,
so its whole paragraph is 复议前置: an over-broad 复议前置 costs the applicant
nothing, telling them they may go straight to court when they may not costs
them their claim. 行政查询事项 (Art. 36(7)) refers the applicant to another
procedure and is not a refusal under Art. 14–16, so it keeps the ordinary
remedies: 行政复议 within 60 days or a suit within 6 months. A notice that omits
this lets the limit run for up to a year, so the text is made here, once, and
every reply template must print it.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.domain.results import RESULTS_BY_KEY

REVIEW_DAYS = 60
LITIGATION_MONTHS = 6
REVIEW_FIRST_CITATION = "《中华人民共和国行政复议法》第二十三条第一款第（四）项"
AFTER_REVIEW_CITATION = "《中华人民共和国行政诉讼法》第四十五条"


@dataclass(frozen=True)
class Remedies:
    """The remedies paragraph of one reply notice."""

    review_first: bool  # 复议前置
    text: str
    marker: str  # a phrase every printed notice of this kind must contain


def review_first(result_key: str) -> bool:
    """Whether a reply with this result must go to 行政复议 before any suit (复议前置)."""
    return result_key == "partly_disclosed" or RESULTS_BY_KEY[result_key].is_refusal_14_16


def remedies_for(result_key: str, review_body: str, court: str = "") -> Remedies:
    """The remedies paragraph for a reply with this result, naming the review body (and the court)."""
    body = review_body.strip() or "有权处理的行政复议机关"
    court_text = court.strip() or "有管辖权的人民法院"
    if review_first(result_key):
        text = (f"如对本告知书不服,根据{REVIEW_FIRST_CITATION}的规定,应当先自收到本告知书之日起{REVIEW_DAYS}日内"
                f"向{body}申请行政复议;对行政复议决定不服的,可以依照{AFTER_REVIEW_CITATION}的规定,"
                f"自收到行政复议决定书之日起十五日内向人民法院提起行政诉讼。")
        return Remedies(True, text, "应当先")
    text = (f"如对本告知书不服,可以自收到本告知书之日起{REVIEW_DAYS}日内向{body}申请行政复议,也可以自收到本告知书之日起"
            f"{LITIGATION_MONTHS}个月内向{court_text}提起行政诉讼。")
    return Remedies(False, text, "申请行政复议")
