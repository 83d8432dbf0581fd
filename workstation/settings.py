"""Every office setting, declared once with its type, default and Chinese label.

Values live in the database (table ``setting``); this module is the only place
that knows their names and defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    name: str = ""  # the field of OfficeSettings that holds it


def _setting(key: str, label: str, default: Any, minimum: int | None = None, maximum: int | None = None) -> Any:
    return field(default=default, metadata={"key": key, "label": label, "minimum": minimum, "maximum": maximum})


@dataclass(frozen=True)
class OfficeSettings:
    """The office's settings, typed: each field declares its key in the setting table, label, default and range.

    Read them through ``services.base.office_settings``; ``SETTINGS`` below is the same list by key, for the
    settings dialog and for validating what is saved.
    """

    office_name: str = _setting("office.name", "机关名称", "")
    office_address: str = _setting("office.address", "办公地址", "")
    office_phone: str = _setting("office.phone", "联系电话", "")
    office_postcode: str = _setting("office.postcode", "邮政编码", "")
    seal_text: str = _setting("office.seal_text", "印章文字", "")
    review_body: str = _setting("office.review_body", "行政复议机关", "")
    court: str = _setting("office.court", "管辖法院", "")
    credit_code: str = _setting("office.credit_code", "统一社会信用代码", "")
    office_kind: str = _setting("office.kind", "机关类别(县政府本级、县直部门或乡镇街道)", "乡镇街道")
    reporting_offices: str = _setting("report.offices", "报送单位名单(每行:统一社会信用代码,名称,类别)", "")
    fee_payment: str = _setting("fee.payment", "信息处理费缴纳方式", "")
    request_prefix: str = _setting("numbers.request_prefix", "受理编号前缀", "政依申")
    request_pattern: str = _setting("numbers.request_pattern", "受理编号格式", "{prefix}〔{year}〕第{seq:04d}号")
    document_prefix: str = _setting("numbers.document_prefix", "文号前缀", "政信复")
    document_pattern: str = _setting("numbers.document_pattern", "文号格式", "{prefix}〔{year}〕{seq}号")
    reply_days: int = _setting("days.reply", "答复期限(工作日)", 20, 1, 60)
    extension_days: int = _setting("days.extension", "延期(工作日)", 20, 1, 60)
    correction_notice_days: int = _setting("days.correction_notice", "补正告知期限(工作日)", 7, 1, 30)
    correction_period_days: int = _setting("days.correction_period", "补正期限(工作日)", 15, 1, 60)
    third_party_days: int = _setting("days.third_party", "第三方答复期限(工作日)", 15, 1, 60)
    fee_days: int = _setting("days.fee", "缴费期限(工作日)", 20, 1, 60)
    postal_days: int = _setting("days.postal", "邮寄在途天数(日历日,用于预计收到日期)", 3, 0, 30)
    due_soon_days: int = _setting("days.due_soon", "临近到期提醒(答复期限前几个工作日)", 3, 1, 10)
    handover_days: int = _setting("days.handover", "转办内部办理期限(法定答复期限前几个工作日)", 5, 0, 15)
    allow_self_signoff: bool = _setting("review.allow_self_signoff", "允许同一人承办并审核(单人机关)", False)
    extra_checklist: str = _setting("review.extra_checklist", "本机关补充审查项目文件", "")
    template_dir: str = _setting("documents.template_dir", "自定义模板文件夹", "")
    font_paths: str = _setting("documents.font_paths", "字体文件路径(以分号分隔)", "")
    printer: str = _setting("printing.printer", "默认打印机(留空则用系统默认打印机)", "")
    receipt_direct: bool = _setting("printing.receipt_direct", "打印回执时直接送默认打印机(不弹出打印对话框)", False)
    backup_dir: str = _setting("backup.dir", "备份文件夹", "")
    backup_keep: int = _setting("backup.keep", "保留备份份数", 30, 1, 1000)

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> OfficeSettings:
        """The settings from the stored values by key (a missing key keeps its default), each as its type."""
        return cls(**{d.name: _typed(d, values[d.key]) for d in SETTINGS.values() if d.key in values})


def _typed(d: SettingDef, value: Any) -> Any:
    if d.type is int:
        return int(value)
    if d.type is bool:
        return bool(value)
    return "" if value is None else str(value)


_TYPES = get_type_hints(OfficeSettings)
_DEFS: tuple[SettingDef, ...] = tuple(
    SettingDef(f.metadata["key"], f.metadata["label"], _TYPES[f.name], f.default, f.metadata["minimum"],
               f.metadata["maximum"], f.name)
    for f in fields(OfficeSettings)
)

SETTINGS: dict[str, SettingDef] = {d.key: d for d in _DEFS}


def validate(key: str, value: Any) -> Any:
    """The value converted to the setting's type; ValueError with a Chinese message if it does not fit."""
    from workstation.domain.errors import UserError

    d = SETTINGS.get(key)
    if d is None:
        raise UserError(f"未知的设置项:{key}")
    if d.type is bool:
        return bool(value)
    if d.type is int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise UserError(f"{d.label}应为整数", field=key) from None
        if (d.minimum is not None and number < d.minimum) or (d.maximum is not None and number > d.maximum):
            raise UserError(f"{d.label}应在 {d.minimum} 至 {d.maximum} 之间", field=key)
        return number
    text = "" if value is None else str(value).strip()
    limit = 50000 if key == "report.offices" else 500
    if len(text) > limit:
        raise UserError(f"{d.label}过长(最多{limit}字)", field=key)
    if key == "report.offices":
        from workstation.domain.exchange import office_list_text, parse_office_list

        return office_list_text(parse_office_list(text))
    if key == "office.kind" and text not in ("县政府本级", "县直部门", "乡镇街道"):
        raise UserError(f"{d.label}应为县政府本级、县直部门或乡镇街道", field=key)
    if key == "office.credit_code" and text:
        from workstation.domain.identity import check_credit_code

        check = check_credit_code(text)
        if not check.ok:
            raise UserError(f"{d.label}无效:{(check.problem or '').split('。')[0]}", field=key)
        text = check.normalized
    if key.endswith("_pattern"):
        from workstation.domain.numbers import pattern_problem

        problem = pattern_problem(text)
        if problem:
            raise UserError(f"{d.label}“{text}”无效:{problem}", field=key)
    return text
