"""Joining citations and clauses into a notice's sentences (pure functions)."""

from __future__ import annotations

import pytest

from workstation.domain.citations import article_number, clause, join_citations

REG = "《中华人民共和国政府信息公开条例》"


def test_two_articles_of_one_law_name_the_law_once_in_article_order():
    assert join_citations([f"{REG}第三十七条", f"{REG}第十五条"]) == f"{REG}第十五条、第三十七条"
    assert join_citations([f"{REG}第三十七条;{REG}第十五条"]) == f"{REG}第十五条、第三十七条"


def test_repeated_and_bare_citations_collapse():
    assert join_citations([f"{REG}第十四条、第三十六条第(三)项", f"{REG}第十四条"]) == (
        f"{REG}第十四条、第三十六条第(三)项")
    assert join_citations([REG, f"{REG}第三十条"]) == f"{REG}第三十条"
    assert join_citations([REG]) == REG
    assert join_citations([]) == ""


def test_other_laws_and_loose_words_keep_their_place():
    fee = f"{REG}第四十二条、《政府信息公开信息处理费管理办法》"
    assert join_citations([fee]) == fee
    query = f"{REG}第三十六条第(七)项及有关法律、行政法规"
    assert join_citations([query, f"{REG}第十四条"]) == f"{REG}第十四条、第三十六条第(七)项及有关法律、行政法规"
    assert join_citations(["《中华人民共和国保守国家秘密法》第九条", f"{REG}第十四条"]) == (
        f"《中华人民共和国保守国家秘密法》第九条、{REG}第十四条")


@pytest.mark.parametrize(("text", "number"), [("第十五条", 15), ("第三十七条", 37), ("第十条", 10),
                                              ("第一百零一条", 101), ("第二十条第二款", 20), ("第8条", 8)])
def test_article_numbers(text, number):
    assert article_number(text) == number


def test_a_clause_drops_its_own_closing_punctuation():
    assert clause("已作遮盖处理。") == "已作遮盖处理"
    assert clause("  涉及个人隐私;\n") == "涉及个人隐私"
    assert clause("见《通知》(2020年)") == "见《通知》(2020年)"
    assert clause("") == ""
