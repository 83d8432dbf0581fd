"""信息处理费 (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号): how much one request costs.

Art. 3: per request (按件) or per amount (按量), each progressive, never both for one request.
Art. 4 (按件): the requests one applicant made in a calendar month: up to 10 free, 11–30 100 元 each,
from 31 up by 100 元 for every further 10. Art. 5 (按量): pages of one request: up to 30 free, 31–100
10 元 a page, 101–200 20 元 a page, from 201 40 元 a page.
"""

from __future__ import annotations

from dataclasses import dataclass

PIECE_FREE, PIECE_FIRST_TIER_END, PIECE_PRICE, PIECE_STEP = 10, 30, 100, 10
PAGE_TIERS: tuple[tuple[int, int | None, int], ...] = ((31, 100, 10), (101, 200, 20), (201, None, 40))
PAGE_FREE = 30


@dataclass(frozen=True)
class FeeCalculation:
    basis: str  # "piece" | "page"
    standard: str  # the standard as the notice prints it (按件计收 …)
    tier: str  # the tier this request falls in
    calculation: str  # how the amount was reached, in words
    amount: int  # 元


def piece_price(ordinal: int) -> int:
    """The fee of the ``ordinal``-th request of an applicant in one calendar month (0 while free)."""
    if ordinal <= PIECE_FREE:
        return 0
    if ordinal <= PIECE_FIRST_TIER_END:
        return PIECE_PRICE
    return PIECE_PRICE * (2 + (ordinal - PIECE_FIRST_TIER_END - 1) // PIECE_STEP)


def _piece_tier(ordinal: int) -> str:
    if ordinal <= PIECE_FREE:
        return f"{PIECE_FREE}件以下(含{PIECE_FREE}件),不收费"
    if ordinal <= PIECE_FIRST_TIER_END:
        return f"{PIECE_FREE + 1}—{PIECE_FIRST_TIER_END}件(含{PIECE_FIRST_TIER_END}件)的部分,{PIECE_PRICE}元/件"
    start = PIECE_FIRST_TIER_END + 1 + (ordinal - PIECE_FIRST_TIER_END - 1) // PIECE_STEP * PIECE_STEP
    return f"{start}—{start + PIECE_STEP - 1}件的部分,{piece_price(ordinal)}元/件"


def per_piece(ordinal: int, month: str) -> FeeCalculation:
    """按件: ``ordinal`` is this request's place among the applicant's requests of ``month`` (e.g. 2026年10月)."""
    price = piece_price(ordinal)
    return FeeCalculation(
        "piece",
        f"按件计收:同一申请人一个自然月内累计申请{PIECE_FREE}件以下(含{PIECE_FREE}件)的不收费,"
        f"{PIECE_FREE + 1}—{PIECE_FIRST_TIER_END}件(含{PIECE_FIRST_TIER_END}件)的部分{PIECE_PRICE}元/件,"
        f"{PIECE_FIRST_TIER_END + 1}件以上的部分以{PIECE_STEP}件为一档,每增加一档收费标准提高{PIECE_PRICE}元/件",
        _piece_tier(ordinal),
        f"经统计,{month}您共向本机关提出政府信息公开申请{ordinal}件,本申请为第{ordinal}件,"
        f"属于{_piece_tier(ordinal)}",
        price,
    )


def per_page(pages: int) -> FeeCalculation:
    """按量: ``pages`` of the information provided for this request."""
    parts, amount = [], 0
    for start, end, price in PAGE_TIERS:
        top = pages if end is None else min(pages, end)
        if top >= start:
            count = top - start + 1
            amount += count * price
            parts.append(f"第{start}—{top}页共{count}页×{price}元={count * price}元")
    tier = next((f"{s}页以上的部分{p}元/页" if e is None else f"{s}—{e}页(含{e}页)的部分{p}元/页"
                 for s, e, p in reversed(PAGE_TIERS) if pages >= s), f"{PAGE_FREE}页以下(含{PAGE_FREE}页),不收费")
    return FeeCalculation(
        "page",
        f"按量计收:{PAGE_FREE}页以下(含{PAGE_FREE}页)的不收费,31—100页(含100页)的部分10元/页,"
        "101—200页(含200页)的部分20元/页,201页以上的部分40元/页",
        tier,
        f"本申请提供的政府信息共{pages}页,前{PAGE_FREE}页不收费" + ("," + ";".join(parts) if parts else ""),
        amount,
    )
