"""Document templates (forms/*.j2): loading, checking and filling them.

A template is a Jinja2 text file run in Jinja's sandbox with StrictUndefined,
so an office can edit it without touching code and a misspelt placeholder is an
error, not a blank on a legal notice. Its first line names its version
(``{# 版本:2026.1 …#}``); the version is recorded with every issued document.
An office's own copy in the folder set in Settings takes precedence over the
shipped one. Every reply template must print ``{{ remedies }}``; one that does
not is refused when loaded.

What a template renders is a light line markup that layout.py turns into a
page (see forms/README.md). Values from the register are wrapped in sentinel
characters on the way out, so a name or request text can never be taken for
markup, and dates print as 2026年10月29日.

An office's template is code the program runs, so it runs within limits (sandbox — 沙箱): no
value or output over MAX_TEXT characters, no loop over more than MAX_ITEMS numbers, no format
width over MAX_WIDTH, and at most MAX_SECONDS of rendering, stopped by the watchdog even inside a
loop. Each refusal names the template file. Templates are regular files inside their folder: a
symbolic link, or a name that leads outside the folder, is refused before anything is read.
"""

from __future__ import annotations

import ctypes
import os
import re
import string
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChainableUndefined,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from workstation.domain.deadline import cn_date
from workstation.domain.errors import DataFileError
from workstation.paths import forms_path

VALUE_START, VALUE_END, LINE_BREAK = "\ue001", "\ue002", "\ue000"
SUFFIX = ".j2"
_VERSION = re.compile(r"\{#.*?版本\s*[::]\s*([\w.\-]+)", re.S)
_REMEDIES = re.compile(r"\{\{-?\s*remedies\s*-?\}\}")

# The templates a document kind uses; reply kinds depend on the result (see reply_kind_for).
TEMPLATE_KINDS: tuple[str, ...] = (
    "receipt", "correction", "extension", "third_party", "fee", "delivery",
    "reply_disclosed", "reply_partly", "reply_withheld", "reply_query_matter", "reply_not_held", "reply_not_responsible",
    "reply_unavailable", "reply_repeated", "reply_not_processed", "reply_other", "deadline_explanation",
    "reasons", "delay", "third_party_decision", "consultation", "application_form",
)


def _finalize(value: Any) -> str:
    if isinstance(value, date):
        text = cn_date(value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    if len(text) > MAX_TEXT:
        raise _too_long()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", LINE_BREAK)
    text = text.replace(VALUE_START, "").replace(VALUE_END, "")
    return f"{VALUE_START}{text}{VALUE_END}"


def _cn_date(value: Any) -> str:
    return cn_date(value) if isinstance(value, date) else str(value or "")


# --- limits -------------------------------------------------------------------------------
MAX_TEXT = 200_000  # characters in the whole output and in any one value a template builds (about 100 pages)
MAX_ITEMS = 10_000  # numbers a range() may count
MAX_WIDTH = 1_000  # a format width or precision, a centring or padding width
MAX_SECONDS = 3.0  # a receipt takes milliseconds; a template still rendering after this is stopped
MAX_FILE_BYTES = 1_000_000  # a template file's size


class TemplateLimitError(Exception):
    """A template went past one of the limits; ``message`` is the Chinese sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Stopped(BaseException):
    """Raised inside a render thread by the watchdog (a BaseException, so the template cannot catch it)."""


def _too_long() -> TemplateLimitError:
    return TemplateLimitError(f"模板生成的文字超过上限({MAX_TEXT}字)")


def _size(value: Any) -> int:
    """The characters ``value`` takes when printed, for strings and (shallowly) lists."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(len(v) if isinstance(v, str | bytes) else 1 for v in value) + len(value)
    return 0


def _checked(value: Any) -> Any:
    if _size(value) > MAX_TEXT:
        raise _too_long()
    return value


def _check_width(width: Any) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and width > MAX_WIDTH:
        raise TemplateLimitError(f"模板中的宽度 {width} 超过上限({MAX_WIDTH})")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str) -> None:
    for match in _PERCENT_SPEC.finditer(text):
        for part in match.groups():
            if part == "*":
                raise TemplateLimitError("模板中的格式宽度不能用 * 从参数取得")
            if part:
                _check_width(int(part))


def _check_brace_format(text: str) -> None:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format itself reports the malformed text
    for _literal, _name, spec, _conversion in parsed:
        if spec and "{" in spec:
            raise TemplateLimitError("模板中的格式宽度不能用占位符取得")
        for number in re.findall(r"\d+", spec or ""):
            _check_width(int(number))


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(times, int) and _size(seq) * max(times, 0) > MAX_TEXT:
                raise _too_long()
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4096:
            raise TemplateLimitError("模板中的数字过大")
    elif operator == "**":
        if isinstance(left, int | float) and isinstance(right, int | float) and abs(left) > 1 and (
                abs(right) * max(abs(left), 2).bit_length() > 4096):
            raise TemplateLimitError("模板中的数字过大")
    elif operator == "%" and isinstance(left, str):
        _check_percent_format(left)
    elif operator == "+" and _size(left) + _size(right) > MAX_TEXT:
        raise _too_long()


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_ITEMS:
        raise TemplateLimitError(f"模板中的循环次数超过上限({MAX_ITEMS}次)")
    return numbers


_WIDTHS = {"center", "ljust", "rjust", "zfill", "expandtabs", "indent"}  # string methods and filters
_COUNTS = {"batch", "slice"}  # filters that make as many items as they are told


def _check_call(name: str, subject: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """What a string method or filter may be asked for: no huge widths, no replacement that multiplies."""
    values = (*args, *kwargs.values())
    if name in _WIDTHS:
        lines = subject.count("\n") + 1 if isinstance(subject, str) else 1
        for value in values:
            _check_width(value)
            if isinstance(value, str) and len(value) * lines > MAX_TEXT:
                raise _too_long()
    if name in _COUNTS and any(isinstance(v, int) and v > MAX_ITEMS for v in values):
        raise TemplateLimitError(f"模板中的分组数超过上限({MAX_ITEMS})")
    if name == "replace" and isinstance(subject, str):
        new = args[1] if len(args) > 1 else kwargs.get("new", "")
        if (len(subject) + 1) * (_size(new) + 1) > MAX_TEXT:
            raise _too_long()
    if name == "join":
        items, glue = (args[0] if args else (), subject) if isinstance(subject, str) else (
            subject, args[0] if args else kwargs.get("d", ""))
        if isinstance(items, list | tuple) and _size(items) + _size(glue) * len(items) > MAX_TEXT:
            raise _too_long()
    if name == "format" and isinstance(subject, str):
        _check_percent_format(subject)


def _limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    from jinja2.utils import _PassArg

    passes = _PassArg.from_obj(func) is not None

    def limited(*args: Any, **kwargs: Any) -> Any:
        rest = args[1:] if passes else args
        if rest:
            _check_call(name, rest[0], rest[1:], kwargs)
        return _checked(func(*args, **kwargs))

    limited.__dict__.update(getattr(func, "__dict__", {}))  # keeps Jinja's pass_context / pass_environment marks
    return limited


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with every ``a ~ b`` checked (string joins are not operators the sandbox sees)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's name
        self.write("environment.checked(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with the limits above on every operator, call, filter and loop range."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _LimitedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}
        self.globals = {"range": _bounded_range, "dict": dict, "namespace": self.globals["namespace"]}

    @staticmethod
    def checked(value: Any) -> Any:
        return _checked(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_brace_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's
        name = getattr(__obj, "__name__", "")
        _check_call(name, getattr(__obj, "__self__", None), args, kwargs)
        return _checked(super().call(__context, __obj, *args, **kwargs))


def render_limited(render: Callable[[], Any], seconds: float | None = None) -> Any:
    """Run ``render`` on its own thread and stop it (the watchdog) if it is not done within ``seconds``.

    A thread cannot be killed, but an exception can be set in it: it is raised at the next step of
    Python code, which is where a template's loops run. Raises TemplateLimitError when stopped.
    """
    seconds = MAX_SECONDS if seconds is None else seconds
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = render()
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="template-render", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident or 0), ctypes.py_object(_Stopped))
        worker.join(1.0)
        raise TemplateLimitError(f"模板填写超过{seconds:g}秒仍未完成,已停止(可能含有过大的循环)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _generate(template: Any, context: dict[str, Any]) -> str:
    """The whole output, refused once it passes MAX_TEXT characters."""
    parts: list[str] = []
    total = 0
    for part in template.generate(context):
        total += len(part)
        if total > MAX_TEXT:
            raise _too_long()
        parts.append(part)
    return "".join(parts)


# --- files --------------------------------------------------------------------------------
def template_file(folder: Path, path: Path) -> Path:
    """``path`` if it is a regular file inside ``folder`` reached without a symbolic link; else DataFileError."""
    inside = folder.resolve()
    step = inside
    for part in path.relative_to(folder).parts:
        step = step / part
        if step.is_symlink():
            raise DataFileError(str(path), "模板文件夹中的模板不能是符号链接,请放入模板文件本身")
    resolved = path.resolve()
    if not resolved.is_relative_to(inside):
        raise DataFileError(str(path), "模板必须放在模板文件夹之内")
    if not resolved.is_file():
        raise DataFileError(str(path), "找不到文书模板")
    if resolved.stat().st_size > MAX_FILE_BYTES:
        raise DataFileError(str(path), f"模板文件过大(超过{MAX_FILE_BYTES // 1000} KB)")
    return resolved


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(path), "找不到文书模板") from None
    except UnicodeDecodeError:
        raise DataFileError(str(path), "模板文件不是 UTF-8 编码的文本") from None


class _FolderLoader(BaseLoader):
    """Templates from the first folder that has them, each only a regular file inside its folder."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            checked = template_file(folder, path)
            source = _read(checked)
            mtime = checked.stat().st_mtime

            def uptodate(checked: Path = checked, mtime: float = mtime) -> bool:
                try:
                    return checked.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise TemplateNotFound(template)


@dataclass(frozen=True)
class LoadedTemplate:
    kind: str
    name: str  # as recorded: "forms/receipt.j2" or "本机关/receipt.j2"
    version: str
    path: Path
    template: Any


@dataclass(frozen=True)
class FilledTemplate:
    name: str
    version: str
    text: str  # the markup, values still wrapped in sentinels


class _Sample(ChainableUndefined):
    """Any value a trial render asks for: prints as 〔示例〕 and counts as filled in."""

    __slots__ = ()

    def __str__(self) -> str:
        return "〔示例〕"

    def __bool__(self) -> bool:
        return True


class TemplateSet:
    """The shipped forms/ folder, overlaid by an office folder; compiled templates are cached."""

    def __init__(self, override_dir: Path | None = None, *, trial: bool = False) -> None:
        self.override_dir = override_dir if override_dir and override_dir.is_dir() else None
        folders = [self.override_dir] if self.override_dir else []
        folders.append(forms_path())
        self.env = LimitedEnvironment(
            loader=_FolderLoader(folders), undefined=_Sample if trial else StrictUndefined,
            finalize=_finalize, autoescape=False, keep_trailing_newline=True, auto_reload=True,
        )
        self.env.filters["cn_date"] = _limited_filter("cn_date", _cn_date)
        self._lock = threading.Lock()

    def _path_of(self, kind: str) -> Path:
        if self.override_dir and os.path.lexists(self.override_dir / f"{kind}{SUFFIX}"):
            return template_file(self.override_dir, self.override_dir / f"{kind}{SUFFIX}")
        return forms_path(f"{kind}{SUFFIX}")

    def load(self, kind: str) -> LoadedTemplate:
        path = self._path_of(kind)
        office_copy = self.override_dir is not None and path.parent == self.override_dir.resolve()
        shown = f"本机关模板/{path.name}" if office_copy else f"forms/{path.name}"
        source = _read(path)
        match = _VERSION.search(source.split("\n", 1)[0])
        if match is None:
            raise DataFileError(str(path), "第一行应写明模板版本,例如 {# 版本:2026.1 #}", line=1)
        if kind.startswith("reply_") and not _REMEDIES.search(source):
            raise DataFileError(str(path), "答复告知书模板必须包含救济途径段落 {{ remedies }}(不得删除)")
        with self._lock:
            try:
                template = self.env.get_template(f"{kind}{SUFFIX}")
            except TemplateSyntaxError as exc:
                raise DataFileError(exc.filename or str(path), f"模板语法错误:{exc.message}",
                                    line=exc.lineno) from None
            except TemplateNotFound:
                raise DataFileError(str(path), "找不到文书模板") from None
        return LoadedTemplate(kind, shown, match.group(1), path, template)

    def fill(self, kind: str, context: dict[str, Any]) -> FilledTemplate:
        loaded = self.load(kind)
        try:
            text = render_limited(lambda: _generate(loaded.template, context))
        except Exception as exc:  # noqa: BLE001 - whatever a template does wrong, the clerk gets its file and line
            raise _refusal(exc, loaded.path) from None
        if "remedies" in context and kind.startswith("reply_"):
            if _plain(context["remedies"]) not in _plain(text):
                raise DataFileError(str(loaded.path), "答复告知书模板没有完整印出救济途径段落 {{ remedies }}")
        return FilledTemplate(loaded.name, loaded.version, text)


def _refusal(exc: Exception, path: Path) -> DataFileError:
    """The sentence for a template that failed while rendering, naming its file and line."""
    if isinstance(exc, DataFileError):  # a file it includes was refused: that file is named
        return exc
    line = _template_line(exc, path)
    if isinstance(exc, TemplateLimitError):
        message = exc.message
    elif isinstance(exc, UndefinedError):
        message = f"模板使用了未知的占位符({exc.message}),可用的占位符见 forms/README.md"
    elif isinstance(exc, TemplateError):
        message = str(exc.message or exc)
    else:
        message = "模板中的表达式无法计算,请检查这一行的写法"
    return DataFileError(str(path), f"模板无法填写:{message}", line=line)


def check_folder(folder: Path) -> list[str]:
    """Try every template in an office's folder before it is installed; returns the kinds found there.

    Each is loaded and rendered once, within the limits, with every placeholder standing for a sample
    value (a placeholder the office misspelt shows later, when a real document is filled). Raises
    DataFileError naming the first file that is a link, outside the folder, unreadable, broken or
    past a limit.
    """
    if not folder.is_dir():
        raise DataFileError(str(folder), "模板文件夹不存在或不是文件夹")
    trial = TemplateSet(folder, trial=True)
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            template_file(folder, path)
        if path.suffix != SUFFIX or path.stem not in TEMPLATE_KINDS:
            continue
        context: dict[str, Any] = {"remedies": "〔救济途径〕"} if path.stem.startswith("reply_") else {}
        try:
            trial.fill(path.stem, context)
        except DataFileError as exc:
            if "未知的占位符" not in exc.message:
                raise
        found.append(path.stem)
    return found


def _plain(text: str) -> str:
    return text.replace(VALUE_START, "").replace(VALUE_END, "")


def _template_line(exc: BaseException, path: Path) -> int | None:
    """The template line a rendering error happened on, from Jinja's rewritten traceback."""
    tb = exc.__traceback__ or sys.exc_info()[2]
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_sets: dict[str, TemplateSet] = {}
_sets_lock = threading.Lock()


def template_set(override_dir: Path | None = None) -> TemplateSet:
    """The template set for an office folder (cached: compiled templates are reused)."""
    key = str(override_dir or "")
    with _sets_lock:
        found = _sets.get(key)
        if found is None:
            found = _sets[key] = TemplateSet(override_dir)
        return found
