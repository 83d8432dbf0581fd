"""The repeat finder: similarity of contents (domain) and the same applicant's earlier requests (service)."""

from __future__ import annotations

from datetime import date

from conftest import person

from workstation.domain.similarity import LIKELY_REPEAT, normalized, percent, similarity
from workstation.services import cases, repeats

ASKED = "申请公开东风村2024年土地征收补偿安置方案及补偿款发放明细。"


def test_near_duplicates_score_high_and_unrelated_requests_low():
    assert similarity(ASKED, ASKED) == 1.0
    near = similarity(ASKED, "请公开东风村2024年度土地征收补偿安置方案和补偿款发放明细表")
    assert near >= 0.8
    assert similarity(ASKED, "申请公开2023年度本镇财政预算执行情况。") < 0.2
    assert similarity(ASKED, "") == 0.0 and similarity("", "") == 0.0
    assert percent(near) == f"{round(near * 100)}%"


def test_form_boilerplate_and_width_do_not_count():
    assert normalized("申请公开:本人的ＡＢＣ 2024年 政府信息") == "abc2024年"
    # two requests that share only the boilerplate are not alike
    assert similarity("申请公开相关政府信息:村务公开栏照片", "申请公开相关政府信息:低保审批表") < LIKELY_REPEAT


def register(db, users, received: date, content: str, **applicant):
    data = person(handed_in_on=received, content=content, **applicant)
    return cases.register(db, users["clerk"], data, today=date(2026, 10, 29)).case


def test_the_same_applicants_similar_requests_are_found_with_their_score(db, users):
    earlier = register(db, users, date(2026, 3, 2), ASKED)
    unrelated = register(db, users, date(2026, 4, 1), "申请公开2023年度本镇财政预算执行情况。")
    by_name_and_phone = register(db, users, date(2026, 5, 6), "请公开东风村2024年度土地征收补偿安置方案",
                                 id_number="110105198505050011")  # a new ID card: same name and phone
    other_person = register(db, users, date(2026, 5, 7), ASKED, applicant_name="李四",
                            id_number="110105198001010032", phone="13900139000")
    now = register(db, users, date(2026, 10, 29), "请公开东风村2024年度土地征收补偿安置方案和补偿款发放明细表")

    found = repeats.repeats_of(db, now.id)
    assert [e.id for e in found] == [earlier.id, by_name_and_phone.id]
    assert found[0].score >= 0.8 and found[0].result_label == "尚未答复" and found[0].number == earlier.number
    assert unrelated.id not in [e.id for e in found]  # same applicant, other content
    assert other_person.id not in [e.id for e in found]  # same content, other applicant
    everything = repeats.repeats_of(db, now.id, minimum=0.0)
    low = next(e for e in everything if e.id == unrelated.id)
    assert low.score < LIKELY_REPEAT  # listed only when asked for all, with its (low) score
    assert other_person.id not in [e.id for e in everything]
    # a later request is not "earlier"
    assert repeats.repeats_of(db, earlier.id) == []


def test_the_same_name_alone_is_another_applicant(db, users):
    register(db, users, date(2026, 3, 2), ASKED, id_number="110105198505050011", phone="13700137000")
    now = register(db, users, date(2026, 4, 2), ASKED, id_number="110105199009090027", phone="13600136000")
    assert repeats.repeats_of(db, now.id) == []
