"""The reasons a reply must state (Art. 36, 37): refused without them, printed with them."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from helpers.reply import REASONS, record_reply, reply_with, reviewed

from workstation.domain.errors import UserError
from workstation.domain.reply_reasons import WITHHELD_GROUNDS, required_slots, slot_errors
from workstation.services import cases, documents, office, review

TODAY = date(2026, 10, 29)
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
def setup(db, users):
    office.save_settings(db, users["admin"], {"office.name": "示范县城关镇人民政府",
                                              "office.review_body": "示范县人民政府",
                                              "office.court": "示范县人民法院"})
    return db, users


def notice_text(db, users, case_id: int, tmp_path) -> str:
    pdf = documents.issue(db, users["clerk"], case_id, "reply", today=TODAY).pdf
    path = tmp_path / "reply.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


# --- the rule, without a database -------------------------------------------------------------
def test_the_slots_each_result_requires():
    assert required_slots("withheld.prohibited_by_law", {}) == ("prohibiting_law",)
    assert required_slots("withheld.security_stability", {}) == ("harm",)
    assert required_slots("withheld.third_party", {}) == ("third_party_objection", "weighing")
    assert required_slots("withheld.state_secret", {}) == ()
    assert required_slots("unavailable.not_held", {}) == ()
    assert required_slots("unavailable.not_held", {"not_responsible": True}) == ("not_responsible_reason",)
    assert required_slots("disclosed", {"published_at": "本镇政府网站"}) == ("published_at", "materials")
    assert "provision_time" in required_slots("disclosed", {})


def test_other_processing_needs_a_specific_basis_not_the_bare_regulation():
    values = {"other_reason": "申请人撤回", "basis": "《中华人民共和国政府信息公开条例》"}
    assert set(slot_errors("other.other", values)) == {"basis"}
    assert slot_errors("other.other", {**values, "basis": "《中华人民共和国政府信息公开条例》第二条"}) == {}


def test_a_partly_disclosed_ground_is_a_choice_not_free_text():
    values = {"withheld_part": "第3页", "withheld_reason": "涉及隐私", "withheld_ground": "涉及隐私"}
    assert set(slot_errors("partly_disclosed", values)) == {"withheld_ground"}
    assert {g.article for g in WITHHELD_GROUNDS} >= {"第十四条", "第十五条", "第十六条第一款", "第十六条第二款"}


# --- the service refuses without, accepts with, and the notice prints them --------------------
CASES = [
    ("other.other", "other_reason", ["咨询政策如何适用", "第二条"]),
    ("withheld.prohibited_by_law", "prohibiting_law", ["《中华人民共和国统计法》第二十五条"]),
    ("withheld.security_stability", "harm", ["可能被用于破坏供水设施"]),
    ("withheld.third_party", "third_party_objection", ["不同意公开", "投标报价", "不会对公共利益造成重大影响"]),
    ("partly_disclosed", "withheld_ground", ["第3页中的个人身份信息", "第十五条", "涉及个人隐私"]),
    ("disclosed", "provision_time", ["随本告知书一并邮寄", "申请人住址", "《2025年道路硬化工程招标文件》"]),
]


@needs_pdftotext
@pytest.mark.parametrize(("result_key", "slot", "printed"), CASES)
def test_a_reply_without_its_reason_is_refused_and_with_it_printed(setup, tmp_path, result_key, slot, printed):
    db, users = setup
    case = reviewed(db, users, TODAY)
    stated = dict(REASONS[result_key])
    with pytest.raises(UserError) as refused:
        reply_with(db, users, case.id, result_key, TODAY, **{**stated, slot: type(stated[slot])()})
    assert refused.value.field == slot
    assert cases.get_case(db, case.id).result_key is None  # nothing recorded
    reply_with(db, users, case.id, result_key, TODAY, **stated)
    text = notice_text(db, users, case.id, tmp_path)
    for phrase in printed:
        assert phrase in text


def test_other_processing_with_the_bare_regulation_as_basis_is_refused(setup):
    db, users = setup
    case = reviewed(db, users, TODAY)
    with pytest.raises(UserError) as refused:
        reply_with(db, users, case.id, "other.other", TODAY, other_reason="申请人已撤回",
                   basis="《中华人民共和国政府信息公开条例》")
    assert refused.value.field == "basis"


def test_a_notice_for_a_reply_recorded_without_its_reason_is_refused(setup):
    db, users = setup
    case = reviewed(db, users, TODAY)
    cases.close(db, users["clerk"], case.id, "other.other", TODAY, today=TODAY)  # the bare close records no reason
    with pytest.raises(UserError, match="处理的具体理由"):
        documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    withheld = reviewed(db, users, TODAY)
    record_reply(db, users["clerk"], withheld.id, "withheld.security_stability", TODAY, today=TODAY)
    with pytest.raises(UserError, match="具体危害"):
        documents.issue(db, users["clerk"], withheld.id, "reply", today=TODAY)


@needs_pdftotext
def test_already_published_names_the_place_and_the_materials(setup, tmp_path):
    db, users = setup
    case = reviewed(db, users, TODAY, yes="already_published")
    with pytest.raises(UserError) as refused:
        reply_with(db, users, case.id, "disclosed", TODAY, published_at="本镇政府门户网站“政府信息公开”栏目")
    assert refused.value.field == "materials"
    reply_with(db, users, case.id, "disclosed", TODAY, published_at="本镇政府门户网站“政府信息公开”栏目",
               materials=("《关于2025年道路硬化工程的公告》",))
    text = notice_text(db, users, case.id, tmp_path)
    assert "已经主动公开" in text and "《关于2025年道路硬化工程的公告》" in text


@needs_pdftotext
def test_query_matter_passes_the_governing_law(setup, tmp_path):
    db, users = setup
    case = reviewed(db, users, TODAY, yes="query_matter")
    reply_with(db, users, case.id, "withheld.query_matter", TODAY, governing_law="《不动产登记暂行条例》")
    assert review.reply_details(db, case.id)["governing_law"] == "《不动产登记暂行条例》"
    with db.read() as s:
        from workstation.store.models import Request

        context = documents.build_context(db, s, s.get(Request, case.id), "reply", TODAY, "X")
    assert context["reply"]["governing_law"] == "《不动产登记暂行条例》"


# --- 非本机关负责 (Art. 36(5)) ---------------------------------------------------------------------
@needs_pdftotext
def test_not_responsible_states_the_reason_and_the_body_where_known(setup, tmp_path):
    db, users = setup
    case = reviewed(db, users, TODAY, yes="not_held")
    with pytest.raises(UserError) as refused:
        reply_with(db, users, case.id, "unavailable.not_held", TODAY, not_responsible=True)
    assert refused.value.field == "not_responsible_reason"
    with pytest.raises(UserError, match="理由"):  # naming the body alone marks it 非本机关负责 too
        reply_with(db, users, case.id, "unavailable.not_held", TODAY, responsible_body="示范县自然资源局")
    reply_with(db, users, case.id, "unavailable.not_held", TODAY, not_responsible=True,
               not_responsible_reason="不动产登记资料由县不动产登记机构制作和保存,本镇不负责公开",
               responsible_body="示范县自然资源局", responsible_contact="0571-87654321")
    text = notice_text(db, users, case.id, tmp_path)
    assert "本镇不负责公开" in text and "示范县自然资源局" in text and "0571-87654321" in text
    assert "第三十六条第（五）项" in text
    unknown = reviewed(db, users, TODAY, yes="not_held")
    reply_with(db, users, unknown.id, "unavailable.not_held", TODAY, not_responsible=True,
               not_responsible_reason="该信息属于村民委员会自治事务,不是行政机关的政府信息")
    text = notice_text(db, users, unknown.id, tmp_path)
    assert "村民委员会自治事务" in text and "负责公开该政府信息的行政机关为" not in text


# --- 重复申请 (Art. 36(6)) -------------------------------------------------------------------------
@needs_pdftotext
def test_repeated_names_the_earlier_request_its_notice_number_and_date(setup, tmp_path):
    db, users = setup
    first = reviewed(db, users, date(2026, 9, 1))
    reply_with(db, users, first.id, "disclosed", date(2026, 9, 10), **REASONS["disclosed"])
    earlier_doc = documents.issue(db, users["clerk"], first.id, "reply", today=date(2026, 9, 10))
    again = reviewed(db, users, TODAY, yes="repeated")
    with pytest.raises(UserError) as refused:
        reply_with(db, users, again.id, "not_processed.repeated", TODAY)
    assert refused.value.field == "earlier_request"
    other = reviewed(db, users, TODAY, applicant_name="李四", id_number="110105198001010032", phone="13900139000")
    with pytest.raises(UserError, match="不是同一申请人"):
        reply_with(db, users, again.id, "not_processed.repeated", TODAY, earlier_request_id=other.id)
    reply_with(db, users, again.id, "not_processed.repeated", TODAY, earlier_request_id=first.id)
    text = notice_text(db, users, again.id, tmp_path)
    assert first.number in text and earlier_doc.number in text and "2026年9月10日" in text
    assert "2026年9月1日" in text and "不予重复处理" in text


def test_repeated_without_a_notice_in_the_register_asks_for_its_number(setup):
    db, users = setup
    first = reviewed(db, users, date(2026, 9, 1))
    reply_with(db, users, first.id, "disclosed", date(2026, 9, 10), **REASONS["disclosed"])
    again = reviewed(db, users, TODAY, yes="repeated")
    with pytest.raises(UserError) as refused:
        reply_with(db, users, again.id, "not_processed.repeated", TODAY, earlier_request_id=first.id)
    assert refused.value.field == "earlier_doc_number"
    reply_with(db, users, again.id, "not_processed.repeated", TODAY, earlier_request_id=first.id,
               earlier_doc_number="示政信复〔2026〕3号")
    assert review.reply_details(db, again.id)["earlier_doc_number"] == "示政信复〔2026〕3号"
