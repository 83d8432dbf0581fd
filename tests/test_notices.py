"""Notices other than the reply itself, and what every notice shares: layout of the last page,
dates and numbers, clean joins of text and citations. Each is read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import person
from helpers.reply import record_reply

from workstation.documents import TEMPLATE_KINDS, render_document
from workstation.domain.errors import UserError
from workstation.services import cases, documents, office, review
from workstation.store.models import Request

TODAY = date(2026, 10, 29)
OFFICE = {"office.name": "示范县城关镇人民政府", "office.address": "示范县城关镇人民路1号",
          "office.phone": "0571-12345678", "office.review_body": "示范县人民政府",
          "office.court": "示范县人民法院", "office.seal_text": "示范县城关镇人民政府政务公开专用章"}
ORGANISATION = {"applicant_kind": "commercial", "applicant_name": "某某咨询有限公司", "id_type": "统一社会信用代码",
                "id_number": "91330100MA27XY0K1T", "legal_representative": "赵某", "contact_person": "钱某"}
SENTENCE = "申请公开本镇2018年至2025年各村道路硬化、危房改造、饮水安全工程的立项批复、招标文件、合同，以及验收报告；"


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in out.split("\f") if p.strip()]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    return flat("".join(page_texts(pdf, tmp_path)))


@pytest.fixture
def setup(db, users):
    office.save_settings(db, users["admin"], OFFICE)
    return db, users


def register(db, users, **overrides):
    return cases.register(db, users["clerk"], person(handed_in_on=TODAY, **overrides), today=TODAY).case


def closed(db, users, result_key: str, **extra):
    case = register(db, users)
    record_reply(db, users["clerk"], case.id, result_key, TODAY, today=TODAY, extra=extra)
    return case


def signature_alone(page: str) -> bool:
    """A page whose text is only the signature, the date, the seal, the page number and a closing formula."""
    rest = flat(page)
    for part in (f"（印章：{OFFICE['office.seal_text']}）", OFFICE["office.name"], "经办人：张承办", "特此告知。", "特此函告。",
                 "特此通知。"):
        rest = rest.replace(part, "")
    rest = re.sub(r"—\d+—|\d{4}年\d{1,2}月\d{1,2}日", "", rest)
    return len(rest) < 20


def context_for(db, case_id: int, kind: str, details: dict | None = None) -> tuple[str, dict]:
    with db.read() as s:
        r = s.get(Request, case_id)
        context = documents.build_context(db, s, r, kind, TODAY, "示政信复〔2026〕1号", details=details)
    return documents._template_kind(kind, context), context


REPLIES = {  # one result per reply template, each with the reasons its result must state (reply_reasons)
    "disclosed": {"provision_way": "post", "provision_place": "申请人住址", "provision_time": "随本告知书一并邮寄",
                  "materials": ["《2025年道路硬化工程招标文件》"]},
    "partly_disclosed": {"withheld_part": "第3页中的个人身份信息", "withheld_ground": "third_party",
                         "withheld_reason": "涉及个人隐私"},
    "withheld.third_party": {"third_party_objection": "第三方书面答复不同意公开", "weighing": "不公开不会对公共利益造成重大影响"},
    "withheld.query_matter": {"governing_law": "《不动产登记暂行条例》"},
    "unavailable.not_held": {},
    "unavailable.needs_creation": {},
    "not_processed.repeated": {"earlier_number": "政依申〔2026〕第0001号", "earlier_doc_number": "政信复〔2026〕1号",
                               "earlier_received": "2026-09-01", "earlier_replied_on": "2026-09-20"},
    "not_processed.petition": {},
    "other.no_fee": {},
    "other.other": {"other_reason": "申请实为咨询", "basis": "《中华人民共和国政府信息公开条例》第二条"},
}


def every_notice(db, users) -> list[tuple[str, dict]]:
    """(template, context) for every template, each from a case of the demo register in the right state."""
    found = [context_for(db, register(db, users).id, "receipt")]
    case = register(db, users)
    cases.request_correction(db, users["clerk"], case.id, TODAY, "请写明所需信息的年份", today=TODAY)
    found.append(context_for(db, case.id, "correction"))
    case = register(db, users)
    cases.extend(db, users["head"], case.id, 20, TODAY, reason="需要调取档案", today=TODAY)
    found.append(context_for(db, case.id, "extension"))
    case = register(db, users)
    cases.start_pause(db, users["clerk"], case.id, "third_party", TODAY, party="某某建设有限公司", today=TODAY)
    found.append(context_for(db, case.id, "third-party"))
    case = register(db, users)
    cases.start_pause(db, users["clerk"], case.id, "fee", TODAY, pages=45, today=TODAY)
    found.append(context_for(db, case.id, "fee"))
    for result_key, extra in REPLIES.items():
        found.append(context_for(db, closed(db, users, result_key, **extra).id, "reply"))
    found.append(context_for(db, closed(db, users, "unavailable.not_held", responsible_body="示范县自然资源局",
                                        not_responsible_reason="不动产登记资料由县不动产登记机构保存").id, "reply"))
    found.append(context_for(db, closed(db, users, "disclosed").id, "delivery"))
    found.append(context_for(db, register(db, users).id, "reasons"))
    case = register(db, users)
    cases.set_manual_due(db, users["head"], case.id, date(2027, 1, 29), "申请件数较多,需逐件检索", today=TODAY)
    found.append(context_for(db, case.id, "delay"))
    case = register(db, users)
    cases.start_pause(db, users["clerk"], case.id, "third_party", TODAY, party="某某建设有限公司", today=TODAY)
    found.append(context_for(db, case.id, "third-party-decision", {"reason": "该工程涉及公共安全"}))
    case = register(db, users)
    cases.start_pause(db, users["clerk"], case.id, "other_body", TODAY, party="示范县交通运输局", today=TODAY)
    found.append(context_for(db, case.id, "consultation"))
    found.append(context_for(db, register(db, users).id, "application-form"))
    found.append(context_for(db, register(db, users, **ORGANISATION).id, "application-form"))
    found.append(context_for(db, closed(db, users, "disclosed", **REPLIES["disclosed"]).id, "deadline-explanation"))
    return found


def _with_text(context: dict, text: str) -> dict:
    """The context with a long text where the template prints the request (or the reason of an extension)."""
    changed = {**context, "case": {**context["case"], "content": text, "address": text}}
    if "extension" in context:
        changed["extension"] = {**context["extension"], "reason": text}
    if "decision" in context:
        changed["decision"] = {**context["decision"], "what": text}
    return changed


def test_the_signature_never_stands_alone_on_the_last_page(setup, tmp_path):
    """GB/T 9704-2012 7.3.5: where the signature and date do not fit, spacing is adjusted or the last lines move
    with them; a body just long enough to push them over is tried for every template."""
    db, users = setup
    notices = every_notice(db, users)
    assert {template for template, _ in notices} == set(TEMPLATE_KINDS)
    long_text = SENTENCE * 40
    for template, context in notices:
        def pdf_at(n: int, template=template, context=context) -> bytes:
            return render_document(template, _with_text(context, long_text[:n])).pdf

        low, high = 0, 350  # the shortest text that makes two pages
        while page_count(pdf_at(high)) < 2:
            low, high = high, high * 2
            assert high < len(long_text), template
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if page_count(pdf_at(middle)) >= 2 else (middle, high)
        for n in range(high - 14, high + 4 * 28, 14):  # each line position around the page break
            found = page_texts(pdf_at(n), tmp_path)
            assert not signature_alone(found[-1]), (template, n, found[-1])


def test_a_reply_printed_later_is_dated_and_numbered_on_its_reply_date(setup, tmp_path):
    db, users = setup
    old = date(2018, 6, 4)
    case = cases.register(db, users["clerk"], person(handed_in_on=old), today=old).case
    record_reply(db, users["clerk"], case.id, "unavailable.not_held", date(2018, 6, 20), today=old.replace(day=20))
    doc = documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert "〔2018〕" in doc.number and doc.issued_on == date(2018, 6, 20)
    assert "2018年6月20日" in text and "2026年10月29日" not in text
    review.deliver(db, users["clerk"], case.id, "post", date(2018, 6, 21), tracking_no="EMS1234567890", carrier="ems",
                   today=TODAY)
    receipt = documents.issue(db, users["clerk"], case.id, "delivery", today=TODAY)
    assert receipt.issued_on == date(2018, 6, 21) and doc.number in text_of(receipt.pdf, tmp_path)
    again = documents.issue(db, users["clerk"], register(db, users).id, "receipt", today=TODAY)
    assert again.issued_on == TODAY  # other documents keep the day they are printed


def test_text_joins_cleanly_reasons_and_two_articles_of_one_law(setup, tmp_path):
    db, users = setup
    reg = "《中华人民共和国政府信息公开条例》"
    case = closed(db, users, "partly_disclosed", withheld_part="第3页中的身份证号码已作遮盖处理。", withheld_ground="third_party",
                  withheld_reason="涉及个人隐私;", basis=f"{reg}第三十七条;{reg}第十五条")
    text = text_of(documents.issue(db, users["clerk"], case.id, "reply", today=TODAY).pdf, tmp_path)
    assert "具体理由是：涉及个人隐私；该部分" in text  # the reason's own ; is not doubled
    assert "遮盖处理" in text and "。，" not in text and "；；" not in text and "遮盖处理。" not in text
    assert f"根据{reg}第十五条、第三十七条的规定" in text  # one law, its articles joined in order


def test_the_receipt_names_the_clerk_and_the_seal(setup, tmp_path):
    db, users = setup
    doc = documents.issue(db, users["clerk"], register(db, users).id, "receipt", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert "经办人：张承办" in text and f"（印章：{OFFICE['office.seal_text']}）" in text
    assert doc.template_version == "2026.3"


def test_the_receipt_says_a_correction_restarts_the_period(setup, tmp_path):
    """Art. 30: the reply period runs from the day the corrected request arrives; it is not a pause."""
    db, users = setup
    text = text_of(documents.issue(db, users["clerk"], register(db, users).id, "receipt", today=TODAY).pdf, tmp_path)
    assert "答复期限自本机关收到补正后的申请之日起重新计算" in text and "第三十条" in text
    assert "补正期间" not in text
    assert "征求第三方和其他机关意见所需时间不计算在答复期限内" in text


def test_the_correction_notice_ticks_what_is_missing(setup, tmp_path):
    """Art. 29 lists what a request contains; the notice ticks the missing items and gives the period (Art. 30)."""
    db, users = setup
    case = register(db, users)
    cases.request_correction(db, users["clerk"], case.id, TODAY, "请提供委托书", missing=["contact", "description"],
                             today=TODAY)
    assert cases.timeline(db, case.id)[-1].after["missing"] == ["contact", "description"]
    doc = documents.issue(db, users["clerk"], case.id, "correction", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert "☑申请人的联系方式" in text and "☑申请公开的政府信息的名称、文号" in text
    assert "☐申请人的姓名或者名称、身份证明" in text and "☐申请公开的政府信息的形式要求" in text
    assert "请提供委托书" in text and "第二十九条第二款" in text and "第三十条" in text
    assert "申请内容不明确" not in text and "前向本机关提交补正后的申请" in text
    assert "答复期限自本机关收到补正后的申请之日起计算" in text


def test_a_correction_needs_a_ticked_box_or_words(setup):
    db, users = setup
    case = register(db, users)
    with pytest.raises(UserError, match="勾选或写明"):
        cases.request_correction(db, users["clerk"], case.id, TODAY, "  ", today=TODAY)
    cases.request_correction(db, users["clerk"], case.id, TODAY, "", missing=["form"], today=TODAY)
    assert cases.timeline(db, case.id)[-1].after["missing"] == ["form"]


# --- Art. 35, Art. 32, Art. 34 and the application form -----------------------------------------
def test_asking_for_reasons_cites_art_35_counts_the_requests_and_pauses_nothing(setup, tmp_path):
    db, users = setup
    register(db, users)
    case = register(db, users)
    before = cases.deadline(db, case.id)
    doc = documents.issue(db, users["clerk"], case.id, "reasons", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert doc.number and "说明理由告知书" in text and "第三十五条" in text and "书面说明申请理由" in text
    assert "共向本机关提出政府信息公开申请2件" in text
    assert cases.deadline(db, case.id).due == before.due and cases.get_case(db, case.id).status == "open"


def test_the_delay_notice_states_the_manual_due_date_and_its_reason(setup, tmp_path):
    db, users = setup
    case = register(db, users)
    with pytest.raises(UserError, match="另行确定期限"):
        documents.issue(db, users["clerk"], case.id, "delay", today=TODAY)
    asked = documents.issue(db, users["clerk"], case.id, "reasons", today=TODAY)
    cases.set_manual_due(db, users["head"], case.id, date(2027, 1, 29), "申请件数较多,需逐件检索。", today=TODAY)
    doc = documents.issue(db, users["clerk"], case.id, "delay", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert doc.number != asked.number and "延迟答复告知书" in text
    assert "2027年1月29日前作出答复" in text and "因申请件数较多，需逐件检索，无法在" in text
    assert "第三十三条规定的期限内答复" in text and "第三十五条" in text
    assert "2026年10月29日要求您说明理由" in text


def test_the_third_party_is_told_of_disclosure_over_its_objection(setup, tmp_path):
    db, users = setup
    case = register(db, users)
    with pytest.raises(UserError, match="没有征求过第三方意见"):
        documents.issue(db, users["clerk"], case.id, "third-party-decision", today=TODAY, details={"reason": "x"})
    cases.start_pause(db, users["clerk"], case.id, "third_party", TODAY, party="某某建设有限公司", today=TODAY)
    with pytest.raises(UserError, match="理由"):
        documents.issue(db, users["clerk"], case.id, "third-party-decision", today=TODAY)
    doc = documents.issue(db, users["clerk"], case.id, "third-party-decision", today=TODAY,
                          details={"reason": "该工程关系村民饮水安全。"})
    text = text_of(doc.pdf, tmp_path)
    assert "某某建设有限公司：" in text and "不公开可能对公共利益造成重大影响" in text and "第三十二条" in text
    assert "决定公开的政府信息：申请公开本镇2025年道路硬化工程的招标文件。" in text
    assert "理由：该工程关系村民饮水安全。" in text
    assert "60日内向示范县人民政府申请行政复议" in text and "6个月内向示范县人民法院提起行政诉讼" in text
    assert cases.timeline(db, case.id)[-1].after["details"] == {"reason": "该工程关系村民饮水安全。"}


def test_the_letter_to_another_body_cites_art_34(setup, tmp_path):
    db, users = setup
    case = register(db, users)
    with pytest.raises(UserError, match="被征求意见的机关"):
        documents.issue(db, users["clerk"], case.id, "consultation", today=TODAY)
    cases.start_pause(db, users["clerk"], case.id, "other_body", TODAY, party="示范县交通运输局", today=TODAY)
    text = text_of(documents.issue(db, users["clerk"], case.id, "consultation", today=TODAY).pdf, tmp_path)
    assert "示范县交通运输局：" in text and "第三十四条" in text and "共同制作" in text
    assert "15个工作日内书面提出意见" in text and "逾期未提出意见的，视为同意公开" in text


def test_the_application_form_prints_the_registered_request_for_signature(setup, tmp_path):
    db, users = setup
    oral = register(db, users, oral=True)
    doc = documents.issue(db, users["clerk"], oral.id, "application-form", today=TODAY)
    text = text_of(doc.pdf, tmp_path)
    assert doc.number is None and "政府信息公开申请表" in text and oral.number in text
    assert "11010519491231002X" in text and "申请公开本镇2025年道路硬化工程的招标文件" in text
    assert "第二十九条第一款" in text and "代为填写人张承办" in text and "申请人签名" in text
    org = register(db, users, **ORGANISATION)
    text = text_of(documents.issue(db, users["clerk"], org.id, "application-form", today=TODAY).pdf, tmp_path)
    assert "统一社会信用代码91330100MA27XY0K1T" in text and "法定代表人或者负责人赵某" in text
    assert "第二十九条" not in text and "经办人张承办" in text


# --- 收费通知 (国办函〔2020〕109号) --------------------------------------------------------------
def test_the_fee_notice_counts_the_applicants_requests_of_the_month(setup, tmp_path):
    db, users = setup
    cases.register(db, users["clerk"], person(handed_in_on=date(2026, 9, 30)), today=TODAY)  # another month
    first = register(db, users)
    cases.start_pause(db, users["clerk"], first.id, "fee", TODAY, today=TODAY)
    with pytest.raises(UserError, match="不收费"):
        documents.issue(db, users["clerk"], first.id, "fee", today=TODAY)
    for _ in range(10):
        register(db, users)
    register(db, users, id_number="110105198001010016", applicant_name="李某")  # another applicant
    twelfth = register(db, users)
    cases.start_pause(db, users["clerk"], twelfth.id, "fee", TODAY, amount="200", today=TODAY)
    with pytest.raises(UserError, match="100元不符"):
        documents.issue(db, users["clerk"], twelfth.id, "fee", today=TODAY)
    cases.end_pause(db, users["clerk"], twelfth.id, TODAY, today=TODAY)
    cases.start_pause(db, users["clerk"], twelfth.id, "fee", TODAY, today=TODAY)
    office.save_settings(db, users["admin"], {"fee.payment": "到本机关财务室缴纳"})
    text = text_of(documents.issue(db, users["clerk"], twelfth.id, "fee", today=TODAY).pdf, tmp_path)
    assert "第四十二条" in text and "《政府信息公开信息处理费管理办法》第三条、第四条" in text
    assert "按件计收" in text and "2026年10月您共向本机关提出政府信息公开申请12件，本申请为第12件" in text
    assert "11—30件（含30件）的部分，100元/件" in text and "应缴金额：100元" in text
    assert "缴纳方式：到本机关财务室缴纳" in text
    assert "自收到本通知之日起20个工作日内缴纳" in text and "即" not in text.split("缴纳方式")[1][:40]


def test_the_fee_notice_by_pages(setup, tmp_path):
    db, users = setup
    case = register(db, users)
    cases.start_pause(db, users["clerk"], case.id, "fee", TODAY, pages=120, today=TODAY)
    text = text_of(documents.issue(db, users["clerk"], case.id, "fee", today=TODAY).pdf, tmp_path)
    assert "按量计收" in text and "第五条" in text and "共120页" in text
    assert "第31—100页共70页×10元=700元；第101—120页共20页×20元=400元" in text and "应缴金额：1100元" in text


@pytest.mark.parametrize("kind", ["correction", "extension", "third-party", "consultation", "fee"])
def test_a_letter_printed_later_bears_the_day_it_was_decided(setup, tmp_path, kind):
    """A letter whose period runs from its own date must not be dated the day someone prints it again."""
    db, users = setup
    case = register(db, users)
    sent = date(2026, 11, 2)
    if kind == "correction":
        cases.request_correction(db, users["clerk"], case.id, sent, "请写明所需信息的文号", today=sent)
    elif kind == "extension":
        cases.extend(db, users["head"], case.id, 20, sent, reason="需要调取档案", today=sent)
    else:
        pause = {"third-party": "third_party", "consultation": "other_body", "fee": "fee"}[kind]
        extra = {"pages": 45} if kind == "fee" else {"party": "示范县交通运输局"}
        cases.start_pause(db, users["clerk"], case.id, pause, sent, today=sent, **extra)
    later = date(2026, 11, 25)
    doc = documents.issue(db, users["clerk"], case.id, kind, today=later)
    text = text_of(doc.pdf, tmp_path)
    assert doc.issued_on == sent
    assert "2026年11月2日" in text and "2026年11月25日" not in text
