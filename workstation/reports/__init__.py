"""Exports of a tally (统计表): JSON, CSV, XLSX, PDF, and the annual report as .docx.

One module per format, each with ``render(result, ...) -> bytes``; ``render`` here
picks the module and refuses a table that does not balance. Nothing here touches
the database: the caller passes a TallyResult and the office name.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workstation.domain.errors import UserError
from workstation.domain.tally import TallyResult

FORMATS: dict[str, str] = {
    "json": "JSON 数据",
    "csv": "CSV 表格(UTF-8)",
    "xlsx": "Excel 工作簿",
    "pdf": "PDF(A4 横向)",
    "docx": "年度报告(Word)",
}

_SHOWN_PROBLEMS = 8
_SHOWN_NUMBERS = 10


@dataclass(frozen=True)
class Export:
    fmt: str
    data: bytes
    warnings: tuple[str, ...] = ()


def check_exportable(result: TallyResult) -> None:
    """Refuse a table that breaks 新收 + 结转 = 办结 + 结转下期, naming the requests at fault.

    The registration numbers come first, so that a message cut short (one line on the command line,
    a dialog) still says which requests to correct; the reasons follow.
    """
    if result.ok:
        return
    numbers = result.problem_numbers
    named = ""
    if numbers:
        more = f"等 {len(numbers)} 件" if len(numbers) > _SHOWN_NUMBERS else ""
        named = f"请先更正以下申请:{'、'.join(numbers[:_SHOWN_NUMBERS])}{more}。"
    shown = ";".join(result.problems[:_SHOWN_PROBLEMS])
    rest = len(result.problems) - _SHOWN_PROBLEMS
    tail = f";另有 {rest} 处" if rest > 0 else ""
    raise UserError(f"{result.period.label}的统计表不平衡,不能导出。{named}问题:{shown}{tail}")


def render(result: TallyResult, fmt: str, *, office: str = "", font_paths: Sequence[Path] = (),
           filled_by: str = "", phone: str = "", filled_on: date | None = None) -> Export:
    """The file of ``result`` in format ``fmt`` (a key of FORMATS); the spreadsheet carries the lines a
    county's form has under the table (填表人 ``filled_by``, 联系电话 ``phone``, 审核人, 填报日期, seal)."""
    if fmt not in FORMATS:
        raise UserError(f"不支持的导出格式“{fmt}”,可用:{'、'.join(FORMATS)}")
    check_exportable(result)
    if fmt == "json":
        from . import tally_json

        return Export(fmt, tally_json.render(result))
    if fmt == "csv":
        from . import tally_csv

        return Export(fmt, tally_csv.render(result))
    if fmt == "xlsx":
        from . import tally_xlsx

        signature = tally_xlsx.Signature(office, filled_by, phone, filled_on)
        return Export(fmt, tally_xlsx.render(result, office=office, signature=signature))
    if fmt == "pdf":
        from . import tally_pdf

        data, warning = tally_pdf.render(result, office=office, font_paths=font_paths)
        return Export(fmt, data, (warning,) if warning else ())
    from . import annual_docx

    return Export(fmt, annual_docx.render(result, office=office))


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a half-written table is worse than none)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} 是文件夹,请给出文件名")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"文件夹不存在:{folder}")
    try:
        # mkstemp makes the file private (0600); a tally holds no personal data and is meant to be passed on,
        # so it gets the mode of the file it replaces, or the usual one for a document
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=".tally-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(f"无法写入 {path}:{exc.strerror or exc}。请换一个文件夹或关闭正在使用该文件的程序。") from None
