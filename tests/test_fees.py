"""信息处理费 as 国办函〔2020〕109号 counts it (pure)."""

from __future__ import annotations

import pytest

from workstation.domain.fees import per_page, per_piece, piece_price


@pytest.mark.parametrize(("ordinal", "price"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200),
                                                (41, 300), (51, 400)])
def test_per_piece_steps_up_every_ten_after_thirty(ordinal, price):
    assert piece_price(ordinal) == price


def test_per_piece_says_the_count_and_tier():
    fee = per_piece(12, "2026年10月")
    assert fee.amount == 100 and "第12件" in fee.calculation and "11—30件" in fee.tier


@pytest.mark.parametrize(("pages", "amount"), [(30, 0), (31, 10), (100, 700), (101, 720), (200, 2700),
                                              (201, 2740)])
def test_per_page_is_progressive(pages, amount):
    assert per_page(pages).amount == amount
