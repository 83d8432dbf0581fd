"""Reading a ledger file (台账文件): the bytes of an XLSX or CSV file as rows of cell values.

A CSV may be UTF-8 with or without BOM, GB18030, or UTF-16 as Excel's "Unicode text" writes it; an
XLSX is checked for its packing before it is unpacked. What the rows say is checked in ledger.py;
this module only refuses a file that cannot be read as a whole (DataFileError, in Chinese).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workstation.domain.errors import DataFileError
from workstation.domain.text_decoding import decode_text

MAX_BYTES = 20 * 1024 * 1024
# an XLSX is a zip: checked before openpyxl unpacks it (977 KB can unpack to gigabytes)
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 200  # XML packs 10-30 times; far more is a file built to blow up
MAX_MEMBERS = 1000
MAX_SHARED_STRINGS = 2_000_000  # distinct texts: a 100,000-row ledger has far fewer

EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of a serial date in a CSV or a workbook of the 1900 system


@dataclass(frozen=True)
class LedgerFile:
    """A ledger file opened: its rows (the headers first), read as they are asked for."""

    name: str
    sha256: str
    rows: Iterator[tuple[Any, ...]]
    epoch: datetime  # day 0 of the serial dates in its cells


def read_file(path: Path) -> bytes:
    """The bytes of a ledger file, refused before reading when it is missing, a folder or too large."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataFileError(name, "文件不存在") from None
    except OSError as exc:
        raise DataFileError(name, f"无法读取文件:{exc.strerror}") from None
    if path.is_dir():
        raise DataFileError(name, "这是文件夹,请选择台账文件(.xlsx 或 .csv)")
    if size > MAX_BYTES:
        raise DataFileError(name, f"文件过大({size / 1024 / 1024:.1f} MB),台账文件不能超过 "
                            f"{MAX_BYTES // 1024 // 1024} MB。请分成几个文件导入")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(name, f"无法读取文件:{exc.strerror}") from None


def open_ledger(raw: bytes, name: str, encoding: str | None = None) -> LedgerFile:
    """The rows of a ledger given as the bytes of its file: XLSX by its signature, otherwise CSV text
    (``encoding`` is the clerk's answer when it was unclear)."""
    if len(raw) > MAX_BYTES:
        raise DataFileError(name, f"文件过大,台账文件不能超过 {MAX_BYTES // 1024 // 1024} MB。请分成几个文件导入")
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataFileError(name, "文件是空的,没有任何内容")
    digest = hashlib.sha256(raw).hexdigest()
    epoch = EXCEL_EPOCH
    if raw.startswith(b"PK\x03\x04"):
        rows, epoch = _xlsx_rows(raw, name)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(name, "这是旧版 Excel(.xls)文件,请在 Excel 中“另存为” .xlsx 或 CSV 后再导入")
    else:
        rows = _csv_rows(_decode(raw, name, encoding), name)
    return LedgerFile(name, digest, rows, epoch)


_NOT_A_BOOK = "无法作为 Excel 工作簿(.xlsx)读取,文件可能已损坏或不是台账。请在 Excel 中打开并重新保存后再试"
_COUNT = re.compile(rb"""\b(?:uniqueCount|count)\s*=\s*["'](\d+)["']""")


def _check_packing(raw: bytes, name: str) -> None:
    """Refuse an XLSX whose parts would unpack to more than a ledger needs, before anything is unpacked."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            parts = book.infolist()
            if len(parts) > MAX_MEMBERS:
                raise DataFileError(name, f"Excel 工作簿的部件过多({len(parts)} 个),不像是台账。"
                                    "请在 Excel 中打开并另存为 .xlsx 或 CSV 后再导入")
            unpacked = sum(p.file_size for p in parts)
            if unpacked > MAX_UNPACKED:
                raise DataFileError(name, f"Excel 工作簿解压后过大(约 {unpacked / 1024 / 1024:.0f} MB,最多 "
                                    f"{MAX_UNPACKED // 1024 // 1024} MB)。请分成几个文件,或另存为 CSV 后再导入")
            for part in parts:
                if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    raise DataFileError(name, f"Excel 工作簿中的部件 {part.filename[:60]} 压缩比异常"
                                        f"({part.file_size // max(part.compress_size, 1)} 倍),不予读取。"
                                        "请在 Excel 中打开并重新保存后再试")
            shared = next((p for p in parts if p.filename.lower().endswith("sharedstrings.xml")), None)
            if shared is not None:
                with book.open(shared) as part_file:
                    head = part_file.read(4096)
                counts = [int(c) for c in _COUNT.findall(head)]
                if counts and max(counts) > MAX_SHARED_STRINGS:
                    raise DataFileError(name, f"Excel 工作簿中的文字条目过多({max(counts)} 条,最多 "
                                        f"{MAX_SHARED_STRINGS} 条),不像是台账。请检查文件,或另存为 CSV 后再导入")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise DataFileError(name, _NOT_A_BOOK) from exc


def _xlsx_rows(raw: bytes, name: str) -> tuple[Iterator[tuple[Any, ...]], datetime]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_packing(raw, name)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the cell values are unaffected
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\..*")
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    # SyntaxError covers the XML parsers' ParseError (ElementTree and lxml) for a damaged part
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError, SyntaxError) as exc:
        raise DataFileError(name, _NOT_A_BOOK) from exc
    if not book.worksheets:
        raise DataFileError(name, "工作簿中没有工作表")
    sheet = book.worksheets[0]

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, SyntaxError) as exc:
            raise DataFileError(name, "工作表内容已损坏,无法读取。请在 Excel 中打开并重新保存后再试") from exc
        finally:
            book.close()

    return rows(), book.epoch


def _decode(raw: bytes, name: str, encoding: str | None) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataFileError(name, "文件以 UTF-16 标记开头,但内容无法按 UTF-16 读取") from None
    # in UTF-8 and GB18030 every byte below 0x20 is a control character: text has few, other files many
    head = raw[:65536]
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    if b"\x00" in head or controls > max(8, len(head) // 200):
        raise DataFileError(name, "不是台账文件:既不是 Excel 工作簿(.xlsx),也不是 CSV 文本")
    return decode_text(raw, name, encoding, hint="请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入")


def _csv_rows(text: str, name: str) -> Iterator[tuple[Any, ...]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield tuple(row)
    except csv.Error as exc:
        # in practice the field-size limit: an unmatched quote runs the rest of the file into one cell
        raise DataFileError(name, "CSV 格式错误:有一个单元格过长,可能是引号不成对,"
                            "使后面的内容都连进了同一个单元格。请在 Excel 中打开核对后另存", line=reader.line_num) from exc
