"""The case timeline in words a clerk reads."""

from __future__ import annotations

from workstation.gui.timeline_text import describe
from workstation.services.cases import TimelineEntry


def entry(action: str, before: dict | None, after: dict | None, note: str | None = None) -> TimelineEntry:
    return TimelineEntry(1, "2026-10-29 09:00", "张承办", action, action, None, before, after, note)


def test_status_changes_read_as_labels():
    text = describe(entry("correction_requested", {"status": "open"},
                          {"status": "correction", "items": "请写明年份", "on": "2026-10-29"}))
    assert "状态:办理中 → 待补正" in text and "补正事项:请写明年份" in text


def test_an_issued_document_names_itself_not_a_pause():
    text = describe(entry("document_issued", None, {
        "document_id": 3, "kind": "reply", "label": "答复告知书", "number": "政信复〔2026〕7号",
        "template": "forms/reply_disclosed.j2", "template_version": "2026.1", "fonts_embedded": True,
        "replaces": None, "bytes": 30211}))
    assert text == ("文书:答复告知书;文号:政信复〔2026〕7号;模板:forms/reply_disclosed.j2;模板版本:2026.1;"
                    "字体已嵌入:是")
    assert "暂停原因" not in text
