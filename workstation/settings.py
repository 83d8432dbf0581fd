"""Every office setting, declared once with its type, default and Chinese label.

Values live in the database (table ``setting``); this module is the only place
that knows their names and defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    type: type
    default: Any
    minimum: int | None = None
    maximum: int | None = None


_DEFS: tuple[SettingDef, ...] = (
    SettingDef("office.name", "机关名称", str, ""),
    SettingDef("office.address", "办公地址", str, ""),
    SettingDef("office.phone", "联系电话", str, ""),
    SettingDef("office.postcode", "邮政编码", str, ""),
    SettingDef("office.seal_text", "印章文字", str, ""),
    SettingDef("office.review_body", "行政复议机关", str, ""),
    SettingDef("office.court", "管辖法院", str, ""),
    SettingDef("fee.payment", "信息处理费缴纳方式", str, ""),
    SettingDef("numbers.request_prefix", "受理编号前缀", str, "政依申"),
    SettingDef("numbers.request_pattern", "受理编号格式", str, "{prefix}〔{year}〕第{seq:04d}号"),
    SettingDef("numbers.document_prefix", "文号前缀", str, "政信复"),
    SettingDef("numbers.document_pattern", "文号格式", str, "{prefix}〔{year}〕{seq}号"),
    SettingDef("days.reply", "答复期限(工作日)", int, 20, 1, 60),
    SettingDef("days.extension", "延期(工作日)", int, 20, 1, 60),
    SettingDef("days.correction_notice", "补正告知期限(工作日)", int, 7, 1, 30),
    SettingDef("days.correction_period", "补正期限(工作日)", int, 15, 1, 60),
    SettingDef("days.third_party", "第三方答复期限(工作日)", int, 15, 1, 60),
    SettingDef("days.fee", "缴费期限(工作日)", int, 20, 1, 60),
    SettingDef("days.postal", "邮寄在途天数(日历日,用于预计收到日期)", int, 3, 0, 30),
    SettingDef("days.due_soon", "临近到期提醒(答复期限前几个工作日)", int, 3, 1, 10),
    SettingDef("review.allow_self_signoff", "允许同一人承办并审核(单人机关)", bool, False),
    SettingDef("review.extra_checklist", "本机关补充审查项目文件", str, ""),
    SettingDef("documents.template_dir", "自定义模板文件夹", str, ""),
    SettingDef("documents.font_paths", "字体文件路径(以分号分隔)", str, ""),
    SettingDef("printing.printer", "默认打印机(留空则用系统默认打印机)", str, ""),
    SettingDef("printing.receipt_direct", "打印回执时直接送默认打印机(不弹出打印对话框)", bool, False),
    SettingDef("backup.dir", "备份文件夹", str, ""),
    SettingDef("backup.keep", "保留备份份数", int, 30, 1, 1000),
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
    if len(text) > 500:
        raise UserError(f"{d.label}过长(最多500字)", field=key)
    if key.endswith("_pattern"):
        from workstation.domain.numbers import pattern_problem

        problem = pattern_problem(text)
        if problem:
            raise UserError(f"{d.label}“{text}”无效:{problem}", field=key)
    return text
