"""The review checklist (审查表) and the result it proposes.

The checklist is data (resources/checklist.toml, spec/domain.md §3), so an
office can add items in a file of its own. Each item says what a "yes" leads
to and to which step (步骤) of the review it belongs. The steps are the order
offices are trained in (苏政办函〔2019〕98号, forwarded by 国办公开办函〔2020〕2号):
补不补 → 该不该 → 有没有 → 给不给 → 当不当. When several items are answered yes,
the earliest step decides, and inside a step the smallest ``priority`` (the
file explains the order chosen). Two kinds of item do not decide by priority:
one leading to 部分公开 turns a refusal under Art. 14–16 into 部分公开
(Art. 37), and one leading to 予以公开 (已主动公开) applies only when nothing
else does.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.domain.errors import DataFileError
from workstation.domain.results import RESULTS_BY_KEY

CONSULT = "consult_third_party"
_DISCLOSED = "disclosed"
_PARTLY = "partly_disclosed"
_REQUIRED = ("id", "question", "basis", "help", "leads_to", "priority")
_OPTIONAL = ("if_refused", "note", "step")


@dataclass(frozen=True)
class Step:
    """One step (步骤) of the review, in the order the steps decide."""

    key: str
    name: str  # the short name offices use: 补不补, 该不该 …
    title: str  # what the step asks, as the review dialog heads it


STEPS: tuple[Step, ...] = (
    Step("correction", "补不补", "申请内容是否明确,是否需要补正"),
    Step("handle", "该不该", "是否属于本机关应当作为政府信息公开申请处理的事项"),
    Step("held", "有没有", "本机关是否掌握所申请的信息"),
    Step("withhold", "给不给", "能否公开(条例第十四条至第十六条、第三十七条)"),
    Step("provide", "当不当", "以什么方式提供"),
)
STEPS_BY_KEY: dict[str, Step] = {st.key: st for st in STEPS}
_STEP_ORDER: dict[str, int] = {st.key: i for i, st in enumerate(STEPS)}
# the step of an office's item that names none, from the result a yes leads to
_DEFAULT_STEP = {"not_processed": "handle", "other": "handle", "unavailable": "held", "withheld": "withhold",
                 "partly_disclosed": "withhold", "disclosed": "provide"}
_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_ITEM_HEADER = re.compile(r"\s*\[\[\s*item\s*\]\]")


@dataclass(frozen=True)
class ChecklistItem:
    """One question of the checklist; ``leads_to`` is a result key or ``consult_third_party``."""

    id: str
    question: str
    basis: str
    help: str
    leads_to: str
    priority: int
    if_refused: str | None = None
    note: str = ""
    step: str = "withhold"

    @property
    def result_key(self) -> str:
        """The result a yes leads to; for a third-party item, the result if the third party refuses."""
        return self.if_refused if self.leads_to == CONSULT and self.if_refused else self.leads_to


@dataclass(frozen=True)
class Checklist:
    """The items in the order they are shown: the shipped file's, then an office's extra ones."""

    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Proposal:
    """The proposed result (建议结果) with its legal basis and the questions answered yes."""

    result_key: str
    basis: str
    consult_third_party: bool
    because: list[str]
    notes: list[str] = field(default_factory=list)


# --- loading ---------------------------------------------------------------------------------

def load_checklist(path: Path | None = None, extra: Path | None = None) -> Checklist:
    """Read the checklist (default: resources/checklist.toml) and an office's extra items.

    A file that cannot be used raises DataFileError naming the file and the line.
    """
    if path is None:
        from workstation.paths import resource_path

        path = resource_path("checklist.toml")
    items = _read_items(path, {})
    if extra is not None:
        items += _read_items(extra, {it.id: path for it in items})
    return Checklist(tuple(items))


def _read_items(path: Path, taken: dict[str, Path]) -> list[ChecklistItem]:
    where = str(path)
    try:
        data_bytes = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(where, "找不到审查表文件,请检查设置中的文件路径。") from None
    except OSError as exc:
        raise DataFileError(where, f"无法读取审查表文件({exc.strerror})。") from None
    try:
        # utf-8-sig: Windows Notepad may save the file with a byte-order mark
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data_bytes[: exc.start].count(b"\n") + 1
        raise DataFileError(where, "文件不是UTF-8编码,请用UTF-8另存后再试。", line=line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise DataFileError(where, f"格式错误,无法读取({exc})。请对照本文件中的其他项目改正。",
                            line=line) from None
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items or not all(isinstance(r, dict) for r in raw_items):
        raise DataFileError(where, "文件中没有审查项目:每一项应以 [[item]] 开头。")
    lines = text.splitlines()
    blocks = _item_blocks(lines, len(raw_items))
    items = []
    for index, raw in enumerate(raw_items):
        place = _Place(where, lines, blocks, index, raw)
        item = _parse_item(raw, place)
        if item.id in taken:
            other = "本文件" if taken[item.id] == path else str(taken[item.id])
            raise place.error(f"审查项目 id“{item.id}”与{other}中的项目重复,请换一个 id。", "id")
        taken[item.id] = path
        items.append(item)
    return items


@dataclass(frozen=True)
class _Place:
    """Where an item stands in its file, to name the line of an error."""

    path: str
    lines: list[str]
    blocks: list[tuple[int, int]] | None
    index: int
    raw: dict[str, Any]

    def error(self, message: str, key: str | None = None) -> DataFileError:
        return DataFileError(self.path, message, line=_line_of(self.lines, self.blocks, self.index, self.raw, key))


def _parse_item(raw: dict[str, Any], place: _Place) -> ChecklistItem:
    error = place.error
    # a misspelt key is named before the key it was meant to be is reported missing
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise error(f"审查项目中有无法识别的键 {'、'.join(unknown)}(拼写错误?),"
                    f"可用的键为 {'、'.join(_REQUIRED + _OPTIONAL)}。", unknown[0])
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise error(f"审查项目缺少 {'、'.join(missing)},每一项都须有 {'、'.join(_REQUIRED)}。")
    for key in ("id", "question", "help", "leads_to", *(k for k in _OPTIONAL if k in raw)):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise error(f"{key} 应为不空的文字(用英文双引号括起)。", key)
    # basis = "" says no article states what the reply claims: the reply gives its reason in words
    if not isinstance(raw["basis"], str):
        raise error("basis 应为文字(用英文双引号括起);没有可引用的条文时写 basis = \"\"。", "basis")
    if not _ID_PATTERN.fullmatch(raw["id"]):
        raise error(f"id“{raw['id']}”只能用小写英文字母、数字和下划线,并以字母开头。", "id")
    priority = raw["priority"]
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise error("priority 应为整数(数字越小越优先)。", "priority")
    leads_to = raw["leads_to"]
    if leads_to != CONSULT and leads_to not in RESULTS_BY_KEY:
        raise error(f"leads_to“{leads_to}”不是已知的办理结果,应为 {CONSULT} 或下列之一:"
                    f"{'、'.join(RESULTS_BY_KEY)}。", "leads_to")
    if_refused = raw.get("if_refused")
    if leads_to == CONSULT and if_refused is None:
        raise error("征求第三方意见的项目须有 if_refused(第三方不同意公开时的办理结果)。", "leads_to")
    if leads_to != CONSULT and if_refused is not None:
        raise error(f"只有 leads_to = \"{CONSULT}\" 的项目才能有 if_refused。", "if_refused")
    if if_refused is not None and if_refused not in RESULTS_BY_KEY:
        raise error(f"if_refused“{if_refused}”不是已知的办理结果。", "if_refused")
    step = raw.get("step", "").strip()
    if step and step not in STEPS_BY_KEY:
        raise error(f"step“{step}”不是审查步骤,应为下列之一:"
                    f"{'、'.join(f'{st.key}({st.name})' for st in STEPS)}。", "step")
    if not step:
        step = _DEFAULT_STEP[RESULTS_BY_KEY[if_refused or leads_to].group]
    return ChecklistItem(raw["id"], raw["question"].strip(), raw["basis"].strip(), raw["help"].strip(), leads_to,
                         priority, if_refused, raw.get("note", "").strip(), step)


def _item_blocks(lines: list[str], count: int) -> list[tuple[int, int]] | None:
    """The (first, end) line indexes of each [[item]] table, or None if the file uses another layout."""
    starts = [i for i, line in enumerate(lines) if _ITEM_HEADER.match(line)]
    if len(starts) != count:
        return None
    return list(zip(starts, starts[1:] + [len(lines)], strict=True))


def _line_of(lines: list[str], blocks: list[tuple[int, int]] | None, index: int, raw: dict[str, Any],
             key: str | None) -> int | None:
    """The 1-based line of ``key`` in item ``index``; else of its id; else of its [[item]] header."""
    if blocks is not None:
        first, end = blocks[index]
        for wanted in (key, "id"):
            if wanted is None:
                continue
            pattern = re.compile(rf"\s*{re.escape(wanted)}\s*=")
            for i in range(first, end):
                if pattern.match(lines[i]):
                    return i + 1
        return first + 1
    item_id = raw.get("id")
    if isinstance(item_id, str):
        pattern = re.compile(rf"""\bid\s*=\s*["']{re.escape(item_id)}["']""")
        for i, line in enumerate(lines):
            if pattern.search(line):
                return i + 1
    return None


# --- proposing ---------------------------------------------------------------------------------

def propose(checklist: Checklist, answers: Mapping[str, bool]) -> Proposal:
    """The result the answers lead to; see the module docstring and the checklist file for the order.

    Answers for ids the checklist no longer has (an office removed an extra item after the review
    was recorded) are left out rather than refused, so old reviews still show.
    """
    yes = sorted((it for it in checklist.items if answers.get(it.id)), key=precedence)
    partly = [it for it in yes if it.leads_to == _PARTLY]
    deciding = [it for it in yes if it.leads_to not in (_DISCLOSED, _PARTLY)]
    grounds: list[ChecklistItem] = []
    if deciding:
        winner = deciding[0]
        key = winner.result_key
        grounds.append(winner)
        if partly and RESULTS_BY_KEY[key].is_refusal_14_16:
            key = _PARTLY
            grounds.extend(partly[:1])
    elif partly:
        key = _PARTLY
        grounds.append(partly[0])
    else:
        key = _DISCLOSED
        grounds.extend(yes[:1])
    consult = any(it.leads_to == CONSULT for it in yes) and (
        key == _PARTLY or any(it.leads_to == CONSULT and it.result_key == key for it in yes))
    return Proposal(
        result_key=key,
        basis=_basis(key, grounds),
        consult_third_party=consult,
        because=[it.question for it in yes],
        notes=[it.note for it in grounds if it.note],
    )


def precedence(item: ChecklistItem) -> tuple[int, int]:
    """The sort key of the order in which answered items decide: step first, then priority."""
    return _STEP_ORDER[item.step], item.priority


def by_step(checklist: Checklist) -> list[tuple[Step, list[ChecklistItem]]]:
    """The items grouped by step, steps in order and items in file order; empty steps left out."""
    groups = [(st, [it for it in checklist.items if it.step == st.key]) for st in STEPS]
    return [(st, items) for st, items in groups if items]


def _basis(key: str, grounds: list[ChecklistItem]) -> str:
    """The result's basis, plus each ground's own citation where the result's does not contain it.

    A ground's citation that names the result's one more precisely (``…条例》第二条`` for ``…条例》``)
    takes its place.
    """
    parts = [p for p in (RESULTS_BY_KEY[key].basis,) if p]
    for item in grounds:
        for part in re.split(r"[;\uff1b]", item.basis):
            part = part.strip()
            if not part or any(part in p for p in parts):
                continue
            vaguer = [i for i, p in enumerate(parts) if p in part]
            if vaguer:
                parts[vaguer[0]] = part
            else:
                parts.append(part)
    return ";".join(parts)
