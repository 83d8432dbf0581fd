"""The review checklist: the shipped file, the proposals it leads to, broken files."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.checklist import (
    STEPS,
    Checklist,
    by_step,
    load_checklist,
    precedence,
    propose,
)
from workstation.domain.errors import DataFileError
from workstation.domain.results import RESULTS_BY_KEY, result_key
from workstation.paths import forms_path, resource_path

# The table of spec/domain.md §3 and the items of its steps (不属于政府信息, 非本机关负责), in the order
# of the file: item id, the "if yes, it leads to" column as written there, and the step (步骤).
DOMAIN_TABLE = [
    ("still_unclear", "无法提供 · 补正后申请内容仍不明确", "correction"),
    ("petition", "不予处理 · 信访举报投诉类申请", "handle"),
    ("not_government_info", "其他处理 · 其他", "handle"),
    ("massive", "不予处理 · 无正当理由大量反复申请", "handle"),
    ("repeated", "不予处理 · 重复申请", "handle"),
    ("confirmation", "不予处理 · 要求行政机关确认或重新出具已获取信息", "handle"),
    ("publication", "不予处理 · 要求提供公开出版物", "handle"),
    ("query_matter", "不予公开 · 属于行政查询事项", "handle"),
    ("not_responsible", "无法提供 · 本机关不掌握相关政府信息", "handle"),
    ("not_held", "无法提供 · 本机关不掌握相关政府信息", "held"),
    ("needs_creation", "无法提供 · 没有现成信息需要另行制作", "held"),
    ("state_secret", "不予公开 · 属于国家秘密", "withhold"),
    ("prohibited_by_law", "不予公开 · 其他法律行政法规禁止公开", "withhold"),
    ("security_stability", '不予公开 · 危及"三安全一稳定"', "withhold"),
    ("internal_affairs", "不予公开 · 属于三类内部事务信息", "withhold"),
    ("process_info", "不予公开 · 属于四类过程性信息", "withhold"),
    ("enforcement_file", "不予公开 · 属于行政执法案卷", "withhold"),
    ("third_party", "不予公开 · 保护第三方合法权益", "withhold"),  # after consulting the third party
    ("separable", "部分公开", "withhold"),
    ("already_published", "予以公开", "provide"),
]
EXPECTED = {item_id: result_key(label) for item_id, label, _ in DOMAIN_TABLE}
ART14 = ("state_secret", "prohibited_by_law", "security_stability")
ART16 = ("internal_affairs", "process_info", "enforcement_file")
NOT_PROCESSED = ("petition", "massive", "repeated", "confirmation", "publication")
HANDLE = ("petition", "not_government_info", "massive", "repeated", "confirmation", "publication", "query_matter",
          "not_responsible")
HELD = ("not_held", "needs_creation")
BEFORE_WITHHOLDING = ("still_unclear", *HANDLE, *HELD)
WITHHOLDING = (*ART14, *ART16, "third_party")  # the refusals under Art. 14–16


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist()


def by_id(checklist: Checklist) -> dict:
    return {it.id: it for it in checklist.items}


def answers(*yes: str) -> dict[str, bool]:
    return dict.fromkeys(yes, True)


# --- the shipped file ------------------------------------------------------------------------

def test_paths_point_into_the_tree():
    assert resource_path("checklist.toml").is_file()
    assert forms_path().name == "forms" and forms_path("x.txt").parent == forms_path()


def test_shipped_file_has_every_row_of_the_domain_table(checklist):
    assert None not in EXPECTED.values()  # every label of the table is a known result
    items = by_id(checklist)
    assert [it.id for it in checklist.items] == [item_id for item_id, _, _ in DOMAIN_TABLE]
    for item_id, key in EXPECTED.items():
        assert items[item_id].result_key == key
    for item_id, _, step in DOMAIN_TABLE:
        assert items[item_id].step == step, item_id
    third = items["third_party"]
    assert third.leads_to == "consult_third_party" and third.if_refused == "withheld.third_party"
    assert items["already_published"].leads_to == "disclosed" and "途径" in items["already_published"].note
    assert items["separable"].leads_to == "partly_disclosed"


def test_shipped_items_are_complete(checklist):
    for it in checklist.items:
        assert it.question.endswith("?") and it.help
        # 确认或重新出具: no article says what the reply claims (39(2) is about 公开出版物), so none is cited
        assert it.basis == "" if it.id == "confirmation" else it.basis.startswith("《中华人民共和国")
        assert it.id.isascii()
    priorities = [it.priority for it in checklist.items]
    assert len(set(priorities)) == len(priorities)  # no ties: the order is never left to chance


def test_every_shipped_item_names_its_step():
    raw = tomllib.loads(resource_path("checklist.toml").read_text(encoding="utf-8"))["item"]
    assert all(item.get("step") in {st.key for st in STEPS} for item in raw)


def test_steps_are_the_five_of_the_jiangsu_order(checklist):
    assert [st.name for st in STEPS] == ["补不补", "该不该", "有没有", "给不给", "当不当"]
    groups = by_step(checklist)
    assert [st.key for st, _ in groups] == ["correction", "handle", "held", "withhold", "provide"]
    assert [it.id for _, items in groups for it in items] == [it.id for it in checklist.items]


def test_precedence_follows_the_steps(checklist):
    p = {it.id: precedence(it) for it in checklist.items}
    assert p["still_unclear"] == min(p.values()) and p["already_published"] == max(p.values())
    assert max(p[i] for i in HANDLE) < min(p[i] for i in HELD)
    assert max(p[i] for i in HELD) < min(p[i] for i in ART14)
    assert max(p[i] for i in ART14) < min(p[i] for i in ART16)
    assert max(p[i] for i in ART16) < p["third_party"] < p["separable"] < p["already_published"]
    # inside 该不该 the order of the old precedence is kept
    assert p["petition"] < p["massive"] < p["repeated"] < p["confirmation"] < p["publication"]


# --- proposals -------------------------------------------------------------------------------

@pytest.mark.parametrize("item_id", [item_id for item_id, _, _ in DOMAIN_TABLE])
def test_single_yes_proposes_its_result(checklist, item_id):
    item = by_id(checklist)[item_id]
    proposal = propose(checklist, answers(item_id))
    assert proposal.result_key == EXPECTED[item_id]
    assert proposal.because == [item.question]
    assert proposal.consult_third_party == (item_id == "third_party")
    assert proposal.basis.startswith(RESULTS_BY_KEY[proposal.result_key].basis)
    for part in item.basis.split(";"):
        assert part in proposal.basis


def test_no_yes_is_disclosed(checklist):
    for given_answers in ({}, {it.id: False for it in checklist.items}):
        proposal = propose(checklist, given_answers)
        assert proposal.result_key == "disclosed"
        assert proposal.because == [] and not proposal.consult_third_party
        assert proposal.basis == RESULTS_BY_KEY["disclosed"].basis


def test_query_matter_cites_its_own_article_too(checklist):
    basis = propose(checklist, answers("query_matter")).basis
    assert basis.startswith(RESULTS_BY_KEY["withheld.query_matter"].basis) and "第三十六条第(七)项" in basis
    assert not RESULTS_BY_KEY["withheld.query_matter"].is_refusal_14_16
    assert any("法律、行政法规名称" in note for note in propose(checklist, answers("query_matter")).notes)


def test_not_government_info_is_other_with_its_article_and_a_note(checklist):
    proposal = propose(checklist, answers("not_government_info"))
    assert proposal.result_key == "other.other"
    assert proposal.basis == "《中华人民共和国政府信息公开条例》第二条"
    assert any("理由和依据" in note and "村民委员会组织法》第三十条" in note for note in proposal.notes)
    assert "村民委员会组织法》第三十条" in by_id(checklist)["not_government_info"].help
    # 该不该 comes before 给不给 and 有没有
    for other in ("state_secret", "not_held", "process_info", "separable"):
        assert propose(checklist, answers("not_government_info", other)).result_key == "other.other", other


def test_not_responsible_leads_to_not_held_citing_36_5(checklist):
    proposal = propose(checklist, answers("not_responsible"))
    assert proposal.result_key == "unavailable.not_held"
    assert "第三十六条第(五)项" in proposal.basis
    assert any("负责公开的机关" in note and "名称和联系方式" in note for note in proposal.notes)
    for other in ("not_held", "state_secret", "third_party"):
        proposal = propose(checklist, answers("not_responsible", other))
        assert proposal.result_key == "unavailable.not_held" and not proposal.consult_third_party, other


def test_confirmation_cites_no_article(checklist):
    proposal = propose(checklist, answers("confirmation"))
    assert proposal.result_key == "not_processed.confirmation" and proposal.basis == ""
    assert RESULTS_BY_KEY["not_processed.confirmation"].basis == ""


@pytest.mark.parametrize(("yes", "expected"), [
    # 补不补 → 该不该 → 有没有 → 给不给 → 当不当: the procedural replies come before Art. 14–16
    (("state_secret", "repeated"), "not_processed.repeated"),
    (("security_stability", "petition"), "not_processed.petition"),
    (("prohibited_by_law", "not_held"), "unavailable.not_held"),
    (("state_secret", "still_unclear"), "unavailable.still_unclear"),
    (("still_unclear", "petition", "not_held"), "unavailable.still_unclear"),
    (("state_secret", "already_published"), "withheld.state_secret"),
    (("state_secret", "prohibited_by_law", "security_stability"), "withheld.state_secret"),
    (("state_secret", "internal_affairs"), "withheld.state_secret"),
    # inside 该不该 and 有没有
    (("repeated", "not_held"), "not_processed.repeated"),
    (("petition", "repeated", "massive"), "not_processed.petition"),
    (("not_held", "internal_affairs"), "unavailable.not_held"),
    (("not_held", "needs_creation"), "unavailable.not_held"),
    (("still_unclear", "needs_creation"), "unavailable.still_unclear"),
    (("query_matter", "process_info"), "withheld.query_matter"),
    (("query_matter", "state_secret"), "withheld.query_matter"),
    (("repeated", "query_matter"), "not_processed.repeated"),
    (("internal_affairs", "third_party"), "withheld.internal_affairs"),
    # 部分公开 turns a refusal under Art. 14–16 into 部分公开 (Art. 37), and only such a refusal
    (("state_secret", "separable"), "partly_disclosed"),
    (("prohibited_by_law", "separable"), "partly_disclosed"),
    (("security_stability", "separable"), "partly_disclosed"),
    (("internal_affairs", "separable"), "partly_disclosed"),
    (("process_info", "separable"), "partly_disclosed"),
    (("enforcement_file", "separable"), "partly_disclosed"),
    (("third_party", "separable"), "partly_disclosed"),
    (("state_secret", "repeated", "separable"), "not_processed.repeated"),
    (("repeated", "separable"), "not_processed.repeated"),
    (("not_held", "separable"), "unavailable.not_held"),
    (("query_matter", "separable"), "withheld.query_matter"),
    (("not_government_info", "separable"), "other.other"),
    # 已主动公开 only when nothing else applies
    (("already_published", "separable"), "partly_disclosed"),
    (("already_published", "enforcement_file"), "withheld.enforcement_file"),
    (("already_published", "publication"), "not_processed.publication"),
])
def test_combinations(checklist, yes, expected):
    assert propose(checklist, answers(*yes)).result_key == expected


def test_secret_and_separable_cites_both_articles(checklist):
    proposal = propose(checklist, answers("state_secret", "separable"))
    assert proposal.basis.startswith(RESULTS_BY_KEY["partly_disclosed"].basis)
    assert "第十四条" in proposal.basis and "第三十七条" in proposal.basis
    assert any("不予公开的部分" in note for note in proposal.notes)


def test_because_lists_the_yes_questions_deciding_one_first(checklist):
    items = by_id(checklist)
    proposal = propose(checklist, answers("already_published", "repeated", "state_secret"))
    assert proposal.because == [items["repeated"].question, items["state_secret"].question,
                                items["already_published"].question]


def test_third_party(checklist):
    alone = propose(checklist, answers("third_party"))
    assert alone.result_key == "withheld.third_party" and alone.consult_third_party
    assert "第十五条" in alone.basis
    partly = propose(checklist, answers("third_party", "separable"))
    assert partly.result_key == "partly_disclosed" and partly.consult_third_party
    # another ground withholds anyway, or there is nothing to give: no consultation
    for other in ("state_secret", "internal_affairs", "not_held", "repeated"):
        proposal = propose(checklist, answers("third_party", other))
        assert not proposal.consult_third_party, other
        assert proposal.result_key == EXPECTED[other]


def test_already_published_note(checklist):
    assert any("途径" in note for note in propose(checklist, answers("already_published")).notes)


def test_answers_for_removed_items_are_left_out(checklist):
    assert propose(checklist, {"office_item_removed_since": True}).result_key == "disclosed"


@given(st.dictionaries(st.sampled_from([item_id for item_id, _, _ in DOMAIN_TABLE]), st.booleans()))
def test_any_answers_give_a_known_result(given_answers):
    checklist = load_checklist()
    proposal = propose(checklist, given_answers)
    yes = {k for k, v in given_answers.items() if v}
    assert proposal.result_key in RESULTS_BY_KEY
    assert len(proposal.because) == len(yes)
    if proposal.consult_third_party:
        assert "third_party" in yes
    earlier = yes & set(BEFORE_WITHHOLDING)
    if earlier:  # a step before 给不给 decides, and it is never a refusal under Art. 14–16
        assert proposal.result_key in {EXPECTED[i] for i in earlier}
        assert not RESULTS_BY_KEY[proposal.result_key].is_refusal_14_16
    elif yes & set(ART14):
        assert proposal.result_key in ({EXPECTED[i] for i in ART14} | {"partly_disclosed"})
    if not yes or yes == {"already_published"}:
        assert proposal.result_key == "disclosed"
    if yes & set(WITHHOLDING) and "separable" in yes and not earlier:
        assert proposal.result_key == "partly_disclosed"


# --- an office's extra items -----------------------------------------------------------------

EXTRA = '''\
[[item]]
id = "local_archive"
question = "信息是否已移交档案馆?"
basis = "《中华人民共和国档案法》"
help = "已移交的,告知申请人到档案馆查阅。"
leads_to = "other.other"
priority = 35
'''


def write(tmp_path: Path, text: str, name: str = "extra.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extra_items_follow_and_take_their_place(tmp_path):
    checklist = load_checklist(extra=write(tmp_path, EXTRA))
    assert checklist.items[-1].id == "local_archive" and len(checklist.items) == len(DOMAIN_TABLE) + 1
    assert checklist.items[-1].step == "handle"  # no step given: that of its result (其他处理)
    assert [it.id for st, items in by_step(checklist) if st.key == "handle" for it in items][-1] == "local_archive"
    assert propose(checklist, answers("local_archive", "repeated")).result_key == "other.other"
    assert propose(checklist, answers("local_archive", "not_government_info")).result_key == "other.other"
    assert propose(checklist, answers("local_archive", "petition")).result_key == "not_processed.petition"
    assert propose(checklist, answers("local_archive", "state_secret")).result_key == "other.other"
    assert "《中华人民共和国档案法》" in propose(checklist, answers("local_archive")).basis


def test_an_extra_item_may_name_its_step(tmp_path):
    checklist = load_checklist(extra=write(tmp_path, EXTRA.replace("priority = 35", 'step = "withhold"\npriority = 35')))
    assert checklist.items[-1].step == "withhold"
    assert propose(checklist, answers("local_archive", "repeated")).result_key == "not_processed.repeated"
    assert propose(checklist, answers("local_archive", "state_secret")).result_key == "other.other"  # 35 < 120


def test_an_unknown_step_names_the_line(tmp_path):
    error = broken(tmp_path, EXTRA.replace("priority = 35", 'step = "gei_bu_gei"\npriority = 35'))
    assert error.line == 7 and "gei_bu_gei" in error.message and "给不给" in error.message


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(EXTRA.encode("utf-8-sig"))
    assert load_checklist(extra=path).items[-1].id == "local_archive"


# --- broken files ----------------------------------------------------------------------------

def broken(tmp_path: Path, text: str, *, as_extra: bool = True) -> DataFileError:
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as caught:
        if as_extra:
            load_checklist(extra=path)
        else:
            load_checklist(path)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(str(path))
    return caught.value


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_syntax_error_names_the_line(tmp_path):
    text = EXTRA.replace('help = "已移交的', 'help "已移交的')
    err = broken(tmp_path, text)
    assert err.line == line_of(text, 'help "') == 5
    assert f"{tmp_path / 'extra.toml'} 第5行" in str(err) and "格式错误" in str(err)


def test_syntax_error_at_end_of_document(tmp_path):
    text = EXTRA + 'note = """没有结束\n\n'
    err = broken(tmp_path, text)
    assert err.line is not None and err.line >= line_of(text, "note =")


def test_missing_key_names_the_line_of_the_items_id(tmp_path):
    text = EXTRA + EXTRA.replace("local_archive", "second").replace('basis = "《中华人民共和国档案法》"\n', "")
    err = broken(tmp_path, text)
    assert err.line == line_of(text, 'id = "second"') == 9
    assert "basis" in err.message and "第9行" in str(err)


def test_missing_id_names_the_items_header(tmp_path):
    text = "# 本机关增加的项目\n" + EXTRA.replace('id = "local_archive"\n', "")
    err = broken(tmp_path, text)
    assert err.line == 2 and "id" in err.message


def test_unknown_leads_to(tmp_path):
    text = EXTRA.replace("other.other", "withheld.secret")
    err = broken(tmp_path, text)
    assert err.line == line_of(text, "leads_to") and "withheld.secret" in err.message


def test_duplicate_id_across_the_extra_file(tmp_path):
    text = EXTRA + EXTRA.replace("local_archive", "repeated")
    err = broken(tmp_path, text)
    assert err.line == line_of(text, 'id = "repeated"') == 9
    assert "repeated" in err.message and str(resource_path("checklist.toml")) in err.message


def test_duplicate_id_inside_one_file(tmp_path):
    err = broken(tmp_path, EXTRA + EXTRA, as_extra=False)
    assert err.line == 9 and "本文件" in err.message


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ('leads_to = "other.other"', 'leads_to = "consult_third_party"', "leads_to", "if_refused"),
    ("priority = 35", 'priority = "高"', "priority", "整数"),
    ("priority = 35", "priority = true", "priority", "整数"),
    ('id = "local_archive"', 'id = "本地档案"', "id", "小写英文字母"),
    ('help = "', 'hlep = "', "hlep", "hlep"),
    ('help = "已移交的,告知申请人到档案馆查阅。"', 'help = " "', "help", "help"),
    ("priority = 35", 'priority = 35\nif_refused = "withheld.third_party"', "if_refused", "if_refused"),
])
def test_other_semantic_errors_name_the_key_line(tmp_path, old, new, key, words):
    text = EXTRA.replace(old, new)
    err = broken(tmp_path, text)
    assert err.line == next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key))
    assert words in err.message


def test_inline_layout_is_located_by_id(tmp_path):
    text = ('item = [\n  {id = "a", question = "问?", basis = "依据", help = "说明", leads_to = "disclosed",'
            ' priority = 1},\n  {id = "b", question = "问?", basis = "依据", help = "说明", leads_to = "nope",'
            ' priority = 2},\n]\n')
    assert broken(tmp_path, text).line == 3


@pytest.mark.parametrize("text", ["", "# 空文件\n", "[item]\nid = \"x\"\n", "item = 3\n"])
def test_file_without_items(tmp_path, text):
    err = broken(tmp_path, text)
    assert "[[item]]" in err.message


def test_missing_file_and_wrong_encoding(tmp_path):
    with pytest.raises(DataFileError, match="找不到"):
        load_checklist(extra=tmp_path / "nowhere.toml")
    path = tmp_path / "gbk.toml"
    path.write_bytes(EXTRA.encode("gbk"))
    with pytest.raises(DataFileError, match="UTF-8") as caught:
        load_checklist(extra=path)
    assert caught.value.line == 3  # the first line with Chinese text
