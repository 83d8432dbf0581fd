"""Printed documents read back from the PDF: numbers, dates, legal basis, remedies, fonts, layout."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import person
from helpers.cli import login, sign_in
from helpers.reply import REASONS, record_reply

from workstation.cli import main
from workstation.documents import fonts as doc_fonts
from workstation.documents import render_document, reply_kind_for
from workstation.documents.layout import CANNOT_START, chinese_punctuation
from workstation.domain.errors import DataFileError, UserError
from workstation.domain.remedies import review_first
from workstation.domain.results import RESULTS
from workstation.domain.status import Status
from workstation.paths import forms_path
from workstation.services import cases, documents, office, review
from workstation.services.base import ValidationError, invalidate
from workstation.store.models import Setting

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")

TODAY = date(2026, 10, 29)
OFFICE = {"office.name": "示范县城关镇人民政府", "office.address": "示范县城关镇人民路1号",
          "office.phone": "0571-12345678", "office.review_body": "示范县人民政府",
          "office.court": "示范县人民法院"}


def text_of(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-layout", str(path), "-"] if layout else ["pdftotext", str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def font_rows(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.fixture
def setup(db, users):
    office.save_settings(db, users["admin"], OFFICE)
    return db, users


def register(db, users, **overrides):
    data = person(handed_in_on=TODAY, **overrides)
    return cases.register(db, users["clerk"], data, today=TODAY)


def replied(db, users, result_key: str, **reply):
    case = register(db, users).case
    yes = {"disclosed": "already_published", "partly_disclosed": "separable"}
    answers = {item.id: False for item in review.checklist_items(db)}
    if result_key in yes:
        answers[yes[result_key]] = True
    review.submit_review(db, users["clerk"], case.id, answers, today=TODAY)
    review.sign_off(db, users["reviewer"], case.id, today=TODAY)
    reviewed = review.latest_review(db, case.id).result_key
    reason = "" if reviewed == result_key else "经复核改变结论"
    stated = {**REASONS.get(result_key, {}), **reply}
    if result_key == "not_processed.repeated" and "earlier_request_id" not in stated:
        stated["earlier_request_id"] = replied(db, users, "disclosed").id
        stated["earlier_doc_number"] = "示政信复〔2026〕1号"
    review.reply(db, users["clerk"], case.id, review.ReplyData(result_key, TODAY, reason=reason, **stated),
                 today=TODAY)
    return case


def test_receipt_names_number_dates_due_and_masked_id(setup, tmp_path):
    db, users = setup
    done = register(db, users)
    doc = documents.issue(db, users["clerk"], done.case.id, "receipt", today=TODAY)
    text = flat(text_of(doc.pdf, tmp_path))
    assert done.case.number in text
    assert "2026年10月29日" in text  # received, and the date of the receipt
    assert f"{done.deadline.due.year}年{done.deadline.due.month}月{done.deadline.due.day}日前" in text
    due = done.deadline.correction_notice_by
    assert f"{due.year}年{due.month}月{due.day}日前" in text
    assert "110105********002X" in text and "11010519491231002X" not in text
    assert "0571-12345678" in text and "预估" not in text  # how to ask; 2026 is official
    assert doc.number is None and doc.fonts_embedded and doc.template == "forms/receipt.j2"
    assert pages(doc.pdf, tmp_path) == 1


def test_receipt_marks_a_provisional_due_date(setup, tmp_path):
    db, users = setup
    done = cases.register(db, users["clerk"], person(handed_in_on=date(2026, 12, 21)), today=date(2026, 12, 21))
    assert done.deadline.provisional
    doc = documents.issue(db, users["clerk"], done.case.id, "receipt", today=date(2026, 12, 21))
    assert "预估" in flat(text_of(doc.pdf, tmp_path))


def test_fonts_are_embedded_truetype_subsets(setup, tmp_path):
    db, users = setup
    doc = documents.issue(db, users["clerk"], register(db, users).case.id, "receipt", today=TODAY)
    rows = font_rows(doc.pdf, tmp_path)
    assert rows
    for row in rows:
        assert "TrueType" in row and row[-5] == "yes", row  # emb column


def test_without_a_cjk_font_the_builtin_one_is_used_and_said(setup, tmp_path, monkeypatch):
    db, users = setup
    monkeypatch.setattr(doc_fonts, "_CANDIDATES", {role: () for role in doc_fonts.ROLES})
    doc = documents.issue(db, users["clerk"], register(db, users).case.id, "receipt", today=TODAY)
    assert not doc.fonts_embedded and doc.warnings and "未嵌入" in doc.warnings[0]
    assert cases.timeline(db, doc.request_id)[-1].note.startswith("未找到可嵌入的中文字体")
    assert "STSong-Light" in " ".join(" ".join(r) for r in font_rows(doc.pdf, tmp_path))


# The article each reply must cite, as printed (full-width brackets); None: no article says what it claims.
CITATIONS = {
    "disclosed": "第三十六条第（一）项", "partly_disclosed": "第三十七条",
    "withheld.state_secret": "第十四条", "withheld.prohibited_by_law": "第十四条",
    "withheld.security_stability": "第十四条", "withheld.third_party": "第十五条",
    "withheld.internal_affairs": "第十六条第一款", "withheld.process_info": "第十六条第二款",
    "withheld.enforcement_file": "第十六条第二款", "withheld.query_matter": "第三十六条第（七）项",
    "unavailable.not_held": "第三十六条第（四）项", "unavailable.needs_creation": "第三十八条",
    "unavailable.still_unclear": "第三十条", "not_processed.petition": "第三十九条第一款",
    "not_processed.repeated": "第三十六条第（六）项", "not_processed.publication": "第三十九条第二款",
    "not_processed.massive": "第三十五条", "not_processed.confirmation": None,
    "other.no_correction": "第三十条", "other.no_fee": "第四十二条", "other.other": "《中华人民共和国政府信息公开条例》",
}


def test_every_result_has_its_citation_listed():
    assert set(CITATIONS) == {r.key for r in RESULTS}


@pytest.mark.parametrize("result_key", [r.key for r in RESULTS])
def test_every_reply_states_result_basis_and_the_right_remedies(setup, tmp_path, result_key):
    db, users = setup
    case = replied(db, users, result_key)
    doc = documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    text = flat(text_of(doc.pdf, tmp_path))
    assert re.fullmatch(r"示政信复〔2026〕\d+号|政信复〔2026〕\d+号", doc.number)
    assert doc.number in text and case.number in text
    citation = CITATIONS[result_key]
    if citation is None:  # 确认或重新出具: the reason in words, no article of the Regulation
        assert "《中华人民共和国政府信息公开条例》" not in text and "第三十九条" not in text
        assert "确认或者重新出具您已经获取的信息" in text and "不作为政府信息公开申请处理" in text
    else:
        assert "《中华人民共和国政府信息公开条例》" + citation in text or citation in text
        assert "《中华人民共和国政府信息公开条例》" in text
    assert "2026年10月29日" in text
    assert "示范县人民政府申请行政复议" in text
    if result_key.startswith("withheld.") and result_key != "withheld.query_matter" or result_key == "partly_disclosed":
        assert "应当先" in text and "《中华人民共和国行政复议法》第二十三条第一款第（四）项" in text and "60日内" in text
        assert "自收到行政复议决定书之日起十五日内" in text and "《中华人民共和国行政诉讼法》第四十五条" in text
        assert "6个月内" not in text  # 部分公开 too: one act, one paragraph
    else:
        assert "应当先" not in text and "第二十三条" not in text
        assert "6个月内向示范县人民法院提起行政诉讼" in text
    if result_key == "withheld.query_matter":  # a referral (Art. 36(7)), not a refusal
        assert "决定不予公开" not in text and "不予公开" not in text
        assert "请您依照有关法律、行政法规的规定办理" in text
    assert doc.template == f"forms/{reply_kind_for(result_key)}.j2"


def test_the_demo_registers_replies_print_the_right_citation_and_remedies(db, tmp_path):
    from workstation.services import queries
    from workstation.services.demo import fill_demo
    from workstation.services.users import authenticate

    today = date(2026, 11, 23)
    fill_demo(db, cases=600, today=today)
    clerk = authenticate(db, "clerk", "demo123").actor()
    summaries = queries.fetch_cases(db, queries.list_case_ids(db, queries.CaseFilter(), today=today))
    one_each = {}
    for c in summaries:
        if c.status in (Status.REPLIED, Status.CLOSED) and c.result_key:
            one_each.setdefault(c.result_key, c)
    assert len(one_each) >= 15  # the demo's weights give most results
    for key, c in one_each.items():
        doc = documents.issue(db, clerk, c.id, "reply", today=today)
        text = flat(text_of(doc.pdf, tmp_path))
        citation = CITATIONS[key]
        assert citation is None and "第三十九条" not in text or citation in text, key
        if review_first(key):
            assert "应当先" in text and "第二十三条第一款第（四）项" in text and "收到行政复议决定书之日起十五日内" in text, key
        else:
            assert "应当先" not in text and "6个月内向示范县人民法院提起行政诉讼" in text, key
        if key == "withheld.query_matter":
            assert "决定不予公开" not in text


def test_query_matter_names_the_governing_law_when_recorded(setup, tmp_path):
    db, users = setup
    case = replied(db, users, "withheld.query_matter")
    with db.read() as session:
        from workstation.store.models import Request
        context = documents.build_context(db, session, session.get(Request, case.id), "reply", TODAY, "X")
    assert context["reply"]["governing_law"] == ""  # the reply recorded none
    context["reply"]["governing_law"] = "《不动产登记暂行条例》"
    doc = render_document(reply_kind_for("withheld.query_matter"), context)
    text = flat(text_of(doc.pdf, tmp_path))
    assert doc.template == "forms/reply_query_matter.j2"
    assert "请您依照《不动产登记暂行条例》的规定办理" in text and "不予公开" not in text
    assert "《中华人民共和国政府信息公开条例》第三十六条第（七）项" in text


def test_not_responsible_names_the_body_that_is(setup, tmp_path):
    db, users = setup
    case = replied(db, users, "unavailable.not_held", responsible_body="示范县自然资源局",
                   responsible_contact="0571-87654321", not_responsible_reason="该信息由县自然资源局制作和保存")
    doc = documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    text = flat(text_of(doc.pdf, tmp_path))
    assert doc.template == "forms/reply_not_responsible.j2"
    assert "示范县自然资源局" in text and "0571-87654321" in text and "第三十六条第（五）项" in text


def test_a_reply_citing_36_5_is_the_not_responsible_notice_also_without_a_body(setup, tmp_path):
    db, users = setup
    basis = "《中华人民共和国政府信息公开条例》第三十六条第(五)项"
    with pytest.raises(ValidationError, match="非本机关负责公开的,请写明理由"):
        replied(db, users, "unavailable.not_held", basis=basis)  # citing 36(5) is saying 非本机关负责
    case = replied(db, users, "unavailable.not_held", basis=basis, not_responsible_reason="该事项由县自然资源局负责")
    doc = documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    text = flat(text_of(doc.pdf, tmp_path))
    assert doc.template == "forms/reply_not_responsible.j2"
    assert "不属于本机关负责公开" in text and "第三十六条第（五）项" in text and "县自然资源局负责" in text
    assert "不存在" not in text and "第三十六条第（四）项" not in text and "负责公开该政府信息的行政机关为" not in text
    assert reply_kind_for("unavailable.not_held", "", "《中华人民共和国政府信息公开条例》第三十六条第（五）项") == (
        "reply_not_responsible")
    assert reply_kind_for("unavailable.not_held", "", "《中华人民共和国政府信息公开条例》第三十六条第(四)项") == (
        "reply_not_held")


def test_a_3000_character_request_flows_onto_a_second_page_cleanly(setup, tmp_path):
    db, users = setup
    sentence = "申请公开本镇2018年至2025年各村道路硬化、危房改造、饮水安全工程的立项批复、招标文件、合同，以及验收报告；"
    content = (sentence * (3000 // len(sentence) + 1))[:3000]
    done = register(db, users, content=content)
    doc = documents.issue(db, users["clerk"], done.case.id, "receipt", today=TODAY)
    assert pages(doc.pdf, tmp_path) >= 2
    text = text_of(doc.pdf, tmp_path, layout=True)
    assert flat(content[-40:]) in flat(text)
    starts = [line.strip()[0] for line in text.splitlines() if line.strip()]
    assert not [c for c in starts if c in CANNOT_START]
    assert "—2—" in flat(text)  # page numbers


def test_a_partly_disclosed_reply_without_the_withheld_part_is_refused(setup):
    db, users = setup
    case = register(db, users).case
    record_reply(db, users["clerk"], case.id, "partly_disclosed", TODAY, today=TODAY)
    with pytest.raises(UserError, match="不予公开的部分及理由"):
        documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)


@pytest.mark.parametrize("word", ["20260", "60", "0123-4567890", "GB18030"])
def test_numbers_and_latin_words_are_never_split_across_lines(word):
    from reportlab.lib.styles import ParagraphStyle

    from workstation.documents.layout import CJKParagraph

    style = ParagraphStyle("t", fontName="STSong-Light", fontSize=16, leading=28, wordWrap="CJK")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    for shift in range(26):  # the word lands on every position of the first line's end
        text = "可" * shift + word + "日内向人民法院提起诉讼。" * 3
        para = CJKParagraph(text, style)
        para.wrap(16 * 25, 10_000)
        lines = ["".join(frag.text for frag in line.words) for line in para.blPara.lines]
        assert "".join(lines) == text
        assert any(word in line for line in lines), (shift, lines)


def test_chinese_punctuation_is_full_width_only_beside_chinese():
    assert chinese_punctuation("第(一)项,共1,000元;时间10:30") == "第（一）项，共1,000元；时间10:30"
    assert chinese_punctuation("a(b) x,y") == "a(b) x,y"


def test_archive_reprint_is_identical_and_numbers_run_on(setup):
    db, users = setup
    case = register(db, users).case
    cases.request_correction(db, users["clerk"], case.id, TODAY, "请写明所需信息的年份", today=TODAY)
    first = documents.issue(db, users["clerk"], case.id, "correction", today=TODAY)
    again = documents.issue(db, users["clerk"], case.id, "correction", today=TODAY, replaces=first.id)
    assert first.number != again.number
    assert documents.archived_pdf(db, first.id) == first.pdf
    listed = documents.documents_of(db, case.id)
    assert [d.id for d in listed] == [first.id, again.id] and listed[0].pdf == first.pdf
    actions = [e.action for e in cases.timeline(db, case.id)]
    assert actions.count("document_issued") == 2


def test_every_notice_kind_renders(setup, tmp_path):
    db, users = setup
    case = register(db, users).case
    cases.request_correction(db, users["clerk"], case.id, TODAY, "请写明所需信息的年份", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], case.id, "correction", today=TODAY).pdf, tmp_path))
    assert "请写明所需信息的年份" in text and "第三十条" in text
    other = register(db, users).case
    cases.extend(db, users["head"], other.id, 20, TODAY, reason="需要调取档案", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], other.id, "extension", today=TODAY).pdf, tmp_path))
    assert "延长20个工作日" in text and "需要调取档案" in text
    third = register(db, users).case
    cases.start_pause(db, users["clerk"], third.id, "third_party", TODAY, party="某某建设有限公司", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], third.id, "third-party", today=TODAY).pdf, tmp_path))
    assert "某某建设有限公司" in text and "15个工作日内" in text
    for _ in range(10):  # 按件: the 11th request of the month costs 100 元 (国办函〔2020〕109号)
        register(db, users)
    fee = register(db, users).case
    cases.start_pause(db, users["clerk"], fee.id, "fee", TODAY, amount="100", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], fee.id, "fee", today=TODAY).pdf, tmp_path))
    assert "100元" in text and "20个工作日内" in text
    done = replied(db, users, "disclosed")
    review.deliver(db, users["clerk"], done.id, "post", TODAY, tracking_no="EMS1234567890", carrier="ems", today=TODAY)
    reply_doc = documents.issue(db, users["clerk"], done.id, "reply", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], done.id, "delivery", today=TODAY).pdf, tmp_path))
    assert "送达回证" in text and "EMS1234567890" in text and reply_doc.number in text
    handed = replied(db, users, "disclosed")
    review.deliver(db, users["clerk"], handed.id, "in_person", TODAY, signed_by="王小明", today=TODAY)
    documents.issue(db, users["clerk"], handed.id, "reply", today=TODAY)
    text = flat(text_of(documents.issue(db, users["clerk"], handed.id, "delivery", today=TODAY).pdf, tmp_path))
    # the applicant signs by hand: the cell is left for it, whoever the clerk recorded as having signed
    assert "受送达人签收（签名）年月日" in text and "王小明" not in text.split("受送达人签收")[1].split("送达人")[0]


def test_reply_notice_before_the_reply_is_refused(setup):
    db, users = setup
    with pytest.raises(UserError, match="尚未答复"):
        documents.issue(db, users["clerk"], register(db, users).case.id, "reply", today=TODAY)


# --- templates an office edits --------------------------------------------------------------
def office_templates(db, users, tmp_path: Path) -> Path:
    folder = tmp_path / "本机关模板"
    folder.mkdir()
    with db.write() as s:
        s.add(Setting(key="documents.template_dir", value=str(folder)))
    invalidate(db, "settings")
    return folder


def test_an_office_copy_of_a_template_is_used_and_its_version_recorded(setup, tmp_path):
    db, users = setup
    folder = office_templates(db, users, tmp_path)
    source = forms_path("receipt.j2").read_text(encoding="utf-8")
    (folder / "receipt.j2").write_text(re.sub(r"版本:[\d.]+", "版本:2026.7-本机关", source, count=1)
                                       .replace("如需查询办理进度", "本镇便民服务中心受理,如需查询办理进度"),
                                       encoding="utf-8")
    doc = documents.issue(db, users["clerk"], register(db, users).case.id, "receipt", today=TODAY)
    assert doc.template == "本机关模板/receipt.j2" and doc.template_version == "2026.7-本机关"
    assert "本镇便民服务中心受理" in flat(text_of(doc.pdf, tmp_path))
    assert cases.timeline(db, doc.request_id)[-1].after["template_version"] == "2026.7-本机关"


@pytest.mark.parametrize(("body", "message", "line"), [
    ("{# 版本:1 #}\n# 回执\n正文{{ case.number }\n", "模板语法错误", 3),
    ("{# 版本:1 #}\n# 回执\n\n{{ case.no_such_field }}\n", "未知的占位符", 4),
    ("{# 版本:1 #}\n# 回执\n{{ nothing_here }}\n", "未知的占位符", 3),
    ("# 回执\n没有版本行\n", "模板版本", 1),
])
def test_a_broken_template_names_the_file_and_line(setup, tmp_path, body, message, line):
    db, users = setup
    folder = office_templates(db, users, tmp_path)
    (folder / "receipt.j2").write_text(body, encoding="utf-8")
    case = register(db, users).case
    with pytest.raises(DataFileError) as caught:
        documents.issue(db, users["clerk"], case.id, "receipt", today=TODAY)
    assert message in caught.value.message and "receipt.j2" in caught.value.message
    assert caught.value.line == line and f"第{line}行" in caught.value.message
    assert documents.documents_of(db, case.id) == []  # nothing archived, no number used


def test_a_reply_template_without_the_remedies_is_refused(setup, tmp_path):
    db, users = setup
    folder = office_templates(db, users, tmp_path)
    source = forms_path("reply_disclosed.j2").read_text(encoding="utf-8")
    (folder / "reply_disclosed.j2").write_text(source.replace("{{ remedies }}", ""), encoding="utf-8")
    case = replied(db, users, "disclosed")
    with pytest.raises(DataFileError, match="救济途径"):
        documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)
    hidden = source.replace("{{ remedies }}", "{% if false %}{{ remedies }}{% endif %}")
    (folder / "reply_disclosed.j2").write_text(hidden, encoding="utf-8")
    with pytest.raises(DataFileError, match="救济途径"):
        documents.issue(db, users["clerk"], case.id, "reply", today=TODAY)


def test_values_from_the_register_cannot_become_markup(tmp_path):
    context = {"office": {"name": "某镇"}, "title": "t"}
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "receipt.j2").write_text("{# 版本:1 #}\n# 标题\n{{ x }}\n| 项目 | {{ y }} |\n", encoding="utf-8")
    rendered = render_document("receipt", {**context, "x": "# 不是标题\n> 也不是署名", "y": "A|B<b>&"},
                               override_dir=folder)
    text = flat(text_of(rendered.pdf, tmp_path))
    assert "#不是标题>也不是署名" in text and "A|B<b>&" in text


def test_sandbox_refuses_reaching_into_python(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "receipt.j2").write_text("{# 版本:1 #}\n{{ office.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="receipt.j2"):
        render_document("receipt", {"office": {"name": "x"}}, override_dir=folder)


# --- command line ----------------------------------------------------------------------------
def test_notice_command_issues_and_writes_the_pdf(setup, tmp_path, cli_db_args, capsys, monkeypatch):
    db, users = setup
    sign_in(monkeypatch)
    case = register(db, users).case
    out = tmp_path / "回执.pdf"
    assert main(["notice", "receipt", "--case", case.number, *cli_db_args, "--out", str(out), *login("clerk")]) == 0
    assert case.number in flat(text_of(out.read_bytes(), tmp_path))
    assert main(["notice", "reply", "--case", case.number, *cli_db_args, "--out", str(out), *login("clerk")]) == 2
    assert "尚未答复" in capsys.readouterr().err
    assert main(["notice", "receipt", "--case", "没有这个编号", *cli_db_args, "--out", str(out), *login("clerk")]) == 2


def test_warming_up_loads_the_fonts_before_the_first_receipt(setup):
    db, _users = setup
    assert documents.warm_up(db) is True  # the test machine has embeddable CJK fonts (make test installs them)


def test_a_notice_with_a_provisional_date_asks_first_and_then_marks_it(setup, tmp_path):
    """延期答复告知书 of a request whose new due date falls in a year without an official schedule: refused until
    the clerk says to print anyway, and then the date is marked as an estimate on the paper."""
    from workstation.services.documents import ProvisionalDates

    db, users = setup
    on = date(2026, 12, 21)
    case = cases.register(db, users["clerk"], person(handed_in_on=on), today=on).case
    cases.extend(db, users["head"], case.id, 20, on, reason="需要调取档案", today=on)
    with pytest.raises(ProvisionalDates) as refused:
        documents.issue(db, users["clerk"], case.id, "extension", today=on)
    assert "2027" in refused.value.message and "节假日" in refused.value.message
    assert documents.documents_of(db, case.id) == []  # nothing issued, no 文号 used
    doc = documents.issue(db, users["clerk"], case.id, "extension", today=on, provisional_ok=True)
    text = flat(text_of(doc.pdf, tmp_path))
    assert "前作出答复" in text and "预估" in text
    [event] = [e for e in cases.timeline(db, case.id) if e.action == "document_issued"]
    assert "预估" in (event.note or "")


@pytest.mark.parametrize("cut", range(0, 36, 5))
def test_the_last_lines_kept_with_the_signature_have_no_gap(tmp_path, cut):
    """The paragraph before the signature is split to keep its last lines with it: no space may appear
    between two Chinese characters there (reportlab's split joins lines with one)."""
    import re
    import subprocess

    from workstation.documents.layout import render_pdf

    text = ("根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定,经本机关政府信息公开工作机构负责人同意,"
            "答复期限延长20个工作日,本机关将于2027年2月18日前作出答复(该日期按预估的节假日安排推算,"
            "以国务院办公厅公布的放假安排为准)。")[cut:]
    pdf = render_pdf(f"# 标题\n\n{text}\n\n> 示范县城关镇人民政府\n", doc_fonts.find_fonts(), title="t",
                     author="a")
    (tmp_path / "t.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True).stdout
    assert not re.findall(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", out), out
