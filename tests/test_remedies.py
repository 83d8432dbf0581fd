"""The remedies paragraph (救济途径) of every reply: 复议前置 exactly where 《行政复议法》art. 23 para. 1 item (4) puts it."""

from __future__ import annotations

import pytest

from workstation.domain.remedies import remedies_for
from workstation.domain.results import RESULTS, RESULTS_BY_KEY

BODY, COURT = "示范县人民政府", "示范县人民法院"
REVIEW_FIRST = {"partly_disclosed", "withheld.state_secret", "withheld.prohibited_by_law",
                "withheld.security_stability", "withheld.third_party", "withheld.internal_affairs",
                "withheld.process_info", "withheld.enforcement_file"}


def test_refusals_under_14_to_16_are_exactly_the_withheld_rows_but_the_query_matter():
    assert {r.key for r in RESULTS if r.is_refusal_14_16} == REVIEW_FIRST - {"partly_disclosed"}
    assert not RESULTS_BY_KEY["withheld.query_matter"].is_refusal_14_16


@pytest.mark.parametrize("key", [r.key for r in RESULTS])
def test_every_result_gets_the_right_paragraph(key):
    remedies = remedies_for(key, BODY, COURT)
    text = remedies.text
    assert f"60日内向{BODY}申请行政复议" in text
    if key in REVIEW_FIRST:
        assert remedies.review_first and remedies.marker in text
        assert "《中华人民共和国行政复议法》第二十三条第一款第（四）项" in text
        assert "应当先" in text and "自收到行政复议决定书之日起十五日内" in text
        assert "《中华人民共和国行政诉讼法》第四十五条" in text
        assert "6个月" not in text and "也可以" not in text  # never the direct way to court
    else:
        assert not remedies.review_first
        assert "应当先" not in text and "第二十三条" not in text
        assert f"也可以自收到本告知书之日起6个月内向{COURT}提起行政诉讼" in text


def test_partly_disclosed_is_one_act_with_one_paragraph():
    text = remedies_for("partly_disclosed", BODY, COURT).text
    assert text.count("申请行政复议") == 1 and "其他内容" not in text and "不予公开的部分" not in text


def test_query_matter_keeps_the_ordinary_remedies():
    remedies = remedies_for("withheld.query_matter", BODY, COURT)
    assert not remedies.review_first and "6个月内" in remedies.text


def test_blank_review_body_and_court_are_described():
    text = remedies_for("withheld.state_secret", "", "").text
    assert "有权处理的行政复议机关" in text
    assert "有管辖权的人民法院" in remedies_for("disclosed", " ", "").text
