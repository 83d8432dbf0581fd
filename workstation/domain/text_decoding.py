"""Reading a text file whose encoding nobody stated: UTF-8 or GB18030, never a guess between them.

GB18030 decodes almost any bytes, so a UTF-8 file with one damaged byte pair would read as GB18030 and
turn 张三 into 寮犱笁. A file that is clean UTF-8 is UTF-8; one that is not, but reads mostly as UTF-8, is
refused with a question (EncodingUnclear) that the caller puts to the clerk, who then names the encoding.
"""

from __future__ import annotations

from workstation.domain.errors import DataFileError, UserError

# the encodings a clerk may name: the choice as shown -> the codec
ENCODINGS: dict[str, str] = {"utf-8": "utf-8-sig", "gb18030": "gb18030"}
LABELS: dict[str, str] = {"utf-8": "UTF-8", "gb18030": "GB18030"}


class EncodingUnclear(DataFileError):
    """The file is not clean UTF-8 but reads mostly as UTF-8: ask which encoding it is."""

    def __init__(self, name: str, line: int) -> None:
        super().__init__(name, f"无法确定文件的编码。按 UTF-8 读取时第{line}行有无法识别的字节,按 GB18030 读取"
                         "又可能把文字读成乱码。请确认文件的编码(UTF-8 或 GB18030)后再读取;"
                         "若是 UTF-8,请先修正这一行")
        self.name = name


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def decode_text(raw: bytes, name: str, encoding: str | None = None, *,
                hint: str = "请另存为 UTF-8 文本后再读取") -> str:
    """The text of ``raw``; ``encoding`` ("utf-8" or "gb18030") when the clerk named it.

    Bytes that are neither encoding are refused with ``hint`` (what to do instead).
    """
    if encoding is not None:
        label = LABELS.get(encoding)
        if label is None:
            raise UserError(f"不支持的编码“{encoding}”,可选:{'、'.join(LABELS.values())}")
        try:
            return raw.decode(ENCODINGS[encoding])
        except UnicodeDecodeError as exc:
            raise DataFileError(name, f"按 {label} 读取时第{_line_of(raw, exc.start)}行有无法识别的字节。"
                                "请确认文件的编码,或修正这一行后再读取") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    loose = raw.decode("utf-8", errors="replace")
    damaged = loose.count("\ufffd")
    valid = sum(1 for ch in loose if ord(ch) > 0x7F) - damaged
    if valid >= damaged:  # mostly UTF-8 with a few bad bytes: GB18030 would read it, wrongly
        raise EncodingUnclear(name, _line_of(raw, first_bad))
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise DataFileError(name, f"无法识别文件的编码,{hint}") from None
