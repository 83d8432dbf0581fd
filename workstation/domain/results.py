"""Result categories (办理结果), legal bases and applicant kinds.

The keys are the stable identifiers of spec/annual-report.md; labels are what
prints. A result label in a file is the category alone for 予以公开 and 部分公开,
else category and row joined by a middle dot (``不予公开·属于国家秘密``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultRow:
    key: str
    category: str  # 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理
    row: str | None  # the numbered row inside the category; None for the two single rows
    table_label: str  # label as printed in table 三
    basis: str  # legal basis as a notice cites it; "" where no article says what the notice claims

    @property
    def label(self) -> str:
        return self.category if self.row is None else f"{self.category}·{self.row}"

    @property
    def group(self) -> str:
        return self.key.split(".")[0]

    @property
    def is_refusal_14_16(self) -> bool:
        """A refusal under Art. 14–16 (must go to 行政复议 first, 复议前置).

        行政查询事项 counts under 不予公开 in table 三 but is a referral under Art. 36(7), not a refusal.
        """
        return self.group == "withheld" and self.key != "withheld.query_matter"


RESULTS: tuple[ResultRow, ...] = (
    ResultRow("disclosed", "予以公开", None, "（一）予以公开", "《中华人民共和国政府信息公开条例》第三十六条第(一)项、第(二)项"),
    ResultRow("partly_disclosed", "部分公开", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "《中华人民共和国政府信息公开条例》第三十七条"),
    ResultRow("withheld.state_secret", "不予公开", "属于国家秘密", "1.属于国家秘密", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第(三)项"),
    ResultRow("withheld.prohibited_by_law", "不予公开", "其他法律行政法规禁止公开", "2.其他法律行政法规禁止公开", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第(三)项"),
    ResultRow("withheld.security_stability", "不予公开", "危及\u201c三安全一稳定\u201d", "3.危及\u201c三安全一稳定\u201d", "《中华人民共和国政府信息公开条例》第十四条、第三十六条第(三)项"),
    ResultRow("withheld.third_party", "不予公开", "保护第三方合法权益", "4.保护第三方合法权益", "《中华人民共和国政府信息公开条例》第十五条、第三十六条第(三)项"),
    ResultRow("withheld.internal_affairs", "不予公开", "属于三类内部事务信息", "5.属于三类内部事务信息", "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第(三)项"),
    ResultRow("withheld.process_info", "不予公开", "属于四类过程性信息", "6.属于四类过程性信息", "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第(三)项"),
    ResultRow("withheld.enforcement_file", "不予公开", "属于行政执法案卷", "7.属于行政执法案卷", "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第(三)项"),
    ResultRow("withheld.query_matter", "不予公开", "属于行政查询事项", "8.属于行政查询事项", "《中华人民共和国政府信息公开条例》第三十六条第(七)项"),
    ResultRow("unavailable.not_held", "无法提供", "本机关不掌握相关政府信息", "1.本机关不掌握相关政府信息", "《中华人民共和国政府信息公开条例》第三十六条第(四)项"),
    ResultRow("unavailable.needs_creation", "无法提供", "没有现成信息需要另行制作", "2.没有现成信息需要另行制作", "《中华人民共和国政府信息公开条例》第三十八条"),
    ResultRow("unavailable.still_unclear", "无法提供", "补正后申请内容仍不明确", "3.补正后申请内容仍不明确", "《中华人民共和国政府信息公开条例》第三十条"),
    ResultRow("not_processed.petition", "不予处理", "信访举报投诉类申请", "1.信访举报投诉类申请", "《中华人民共和国政府信息公开条例》第三十九条第一款"),
    ResultRow("not_processed.repeated", "不予处理", "重复申请", "2.重复申请", "《中华人民共和国政府信息公开条例》第三十六条第(六)项"),
    ResultRow("not_processed.publication", "不予处理", "要求提供公开出版物", "3.要求提供公开出版物", "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    ResultRow("not_processed.massive", "不予处理", "无正当理由大量反复申请", "4.无正当理由大量反复申请", "《中华人民共和国政府信息公开条例》第三十五条"),
    # no article of the Regulation names this category (39(2) speaks only of 公开出版物): the notice states
    # the reason in words and cites nothing
    ResultRow("not_processed.confirmation", "不予处理", "要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新出具已获取信息", ""),
    ResultRow("other.no_correction", "其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "《中华人民共和国政府信息公开条例》第三十条"),
    ResultRow("other.no_fee", "其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》"),
    ResultRow("other.other", "其他处理", "其他", "3.其他", "《中华人民共和国政府信息公开条例》"),
)

RESULTS_BY_KEY: dict[str, ResultRow] = {r.key: r for r in RESULTS}

# Group rows of table 三, in print order, with their labels in the full-width punctuation of the official
# form (国办公开办函〔2021〕30号), as the notices print them.
RESULT_GROUPS: dict[str, str] = {
    "disclosed": "（一）予以公开",
    "partly_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
# The groups in a word, for filters and titles.
GROUP_SHORT = {"disclosed": "予以公开", "partly_disclosed": "部分公开", "withheld": "不予公开",
               "unavailable": "无法提供", "not_processed": "不予处理", "other": "其他处理"}

_LABEL_ALIASES: dict[str, str] = {}
for _r in RESULTS:
    _LABEL_ALIASES[_r.key] = _r.key
    _LABEL_ALIASES[_r.label] = _r.key
    _LABEL_ALIASES[_r.label.replace("·", "・")] = _r.key
    _LABEL_ALIASES[_r.label.replace("·", " · ")] = _r.key
    _LABEL_ALIASES[_r.label.replace("\u201c", '"').replace("\u201d", '"')] = _r.key


def result_key(label_or_key: str) -> str | None:
    """The result key for a label (``不予处理·重复申请``) or a key; None if unknown."""
    text = label_or_key.strip()
    return _LABEL_ALIASES.get(text) or _LABEL_ALIASES.get(text.replace(" ", ""))


@dataclass(frozen=True)
class ApplicantKind:
    key: str
    label: str

    @property
    def is_person(self) -> bool:
        return self.key == "natural"


APPLICANT_KINDS: tuple[ApplicantKind, ...] = (
    ApplicantKind("natural", "自然人"),
    ApplicantKind("commercial", "商业企业"),
    ApplicantKind("research", "科研机构"),
    ApplicantKind("public_interest", "社会公益组织"),
    ApplicantKind("legal_service", "法律服务机构"),
    ApplicantKind("other_org", "其他"),
)
APPLICANT_KINDS_BY_KEY: dict[str, ApplicantKind] = {k.key: k for k in APPLICANT_KINDS}
TALLY_COLUMNS: tuple[str, ...] = tuple(k.key for k in APPLICANT_KINDS) + ("total",)


def applicant_kind_key(label_or_key: str) -> str | None:
    """The applicant-kind key for a label (``商业企业``) or key; None if unknown."""
    text = label_or_key.strip()
    for kind in APPLICANT_KINDS:
        if text in (kind.key, kind.label):
            return kind.key
    if text in ("法人或其他组织·其他", "其他组织"):
        return "other_org"
    return None


# Channels (递交方式) and how Art. 31 decides the received date.
CHANNELS: dict[str, str] = {
    "in_person": "当面提交",
    "registered_post": "邮寄(需签收)",
    "ordinary_post": "平常信函",
    "fax": "传真",
    "online": "互联网/电子邮件",
}

WANTED_FORMS: dict[str, str] = {"paper": "纸质", "electronic": "电子文本", "disc": "光盘", "other": "其他"}
DELIVERY_WAYS: dict[str, str] = {
    "post": "邮寄",
    "email": "电子邮件",
    "fax": "传真",
    "pickup": "自行领取",
    "on_site": "当场阅读抄录",
}
