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
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
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
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", LINE_BREAK)
    text = text.replace(VALUE_START, "").replace(VALUE_END, "")
    return f"{VALUE_START}{text}{VALUE_END}"


def _cn_date(value: Any) -> str:
    return cn_date(value) if isinstance(value, date) else str(value or "")


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


class TemplateSet:
    """The shipped forms/ folder, overlaid by an office folder; compiled templates are cached."""

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = override_dir if override_dir and override_dir.is_dir() else None
        folders = [str(self.override_dir)] if self.override_dir else []
        folders.append(str(forms_path()))
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(folders, encoding="utf-8"), undefined=StrictUndefined,
            finalize=_finalize, autoescape=False, keep_trailing_newline=True, auto_reload=True,
        )
        self.env.filters["cn_date"] = _cn_date
        self._lock = threading.Lock()

    def _path_of(self, kind: str) -> Path:
        if self.override_dir and (self.override_dir / f"{kind}{SUFFIX}").is_file():
            return self.override_dir / f"{kind}{SUFFIX}"
        return forms_path(f"{kind}{SUFFIX}")

    def load(self, kind: str) -> LoadedTemplate:
        path = self._path_of(kind)
        shown = f"本机关模板/{path.name}" if self.override_dir and path.parent == self.override_dir else (
            f"forms/{path.name}")
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(str(path), "找不到文书模板") from None
        except UnicodeDecodeError:
            raise DataFileError(str(path), "模板文件不是 UTF-8 编码的文本") from None
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
            text = loaded.template.render(context)
        except TemplateError as exc:
            line = _template_line(exc, loaded.path)
            message = str(exc.message or exc)
            if isinstance(exc, UndefinedError):
                message = f"模板使用了未知的占位符({message}),可用的占位符见 forms/README.md"
            raise DataFileError(str(loaded.path), f"模板无法填写:{message}", line=line) from None
        if "remedies" in context and kind.startswith("reply_"):
            if _plain(context["remedies"]) not in _plain(text):
                raise DataFileError(str(loaded.path), "答复告知书模板没有完整印出救济途径段落 {{ remedies }}")
        return FilledTemplate(loaded.name, loaded.version, text)


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
