"""An office's template is code the program runs: it runs in limits, outside any write transaction,
from regular files inside its folder, and is tried once when the office installs its folder."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import person

from workstation.documents import render_document, templates
from workstation.domain.errors import DataFileError
from workstation.paths import forms_path
from workstation.services import cases, documents, office
from workstation.services.base import ValidationError

TODAY = date(2026, 10, 29)
CONTEXT = {"office": {"name": "某镇"}, "title": "回执"}


@pytest.fixture
def setup(db, users):
    office.save_settings(db, users["admin"], {"office.name": "示范县城关镇人民政府"})
    return db, users


def write_template(folder: Path, body: str, kind: str = "receipt") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{kind}.j2"
    path.write_text("{# 版本:1 #}\n" + body + "\n", encoding="utf-8")
    return path


def install(db, users, folder: Path) -> None:
    """The office folder set as the administrator does it (a good folder first, then edited)."""
    folder.mkdir(exist_ok=True)
    office.save_settings(db, users["admin"], {"documents.template_dir": str(folder)})


# --- the hostile templates of the issue, and their kin ----------------------------------------------
HOSTILE = [
    ("{{ 'a'*100000000 }}", "文字超过上限"),
    ("{{ '{0.__class__}'.format_map({}) }}", "无法计算"),
    ("{{ range(100000000) }}", "循环次数超过上限"),
    ("{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "文字超过上限"),
    ("{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}"
     "{% endfor %}", "文字超过上限"),
    ("{{ '%0999999999d' % 1 }}", "宽度"),
    ("{{ '{:>1000000000}'.format(1) }}", "宽度"),
    ("{{ 'a'|center(1000000000) }}", "宽度"),
    ("{{ 'x'.ljust(1000000000) }}", "宽度"),
    ("{{ ('a' * 100000).replace('a', 'a' * 1000) }}", "文字超过上限"),
    ("{{ [1]|batch(1000000000, 'x')|list }}", "分组数"),
    ("{{ 2 ** (2 ** 100) }}", "数字过大"),
    ("{% for i in range(10001) %}{% endfor %}", "循环次数超过上限"),
]


@pytest.mark.slow  # a wall-clock bound: refused by a limit, not after the work
@pytest.mark.parametrize(("body", "said"), HOSTILE)
def test_a_hostile_template_is_refused_quickly_with_its_file_name(tmp_path, body, said):
    write_template(tmp_path / "forms", body)
    started = time.monotonic()
    with pytest.raises(DataFileError) as caught:
        render_document("receipt", CONTEXT, override_dir=tmp_path / "forms")
    assert time.monotonic() - started < 2
    assert "receipt.j2" in caught.value.message and said in caught.value.message
    assert caught.value.line == 2


def test_the_whole_output_is_capped(tmp_path):
    write_template(tmp_path / "forms", "{% for i in range(10000) %}{{ '好' * 30 }}{% endfor %}")
    with pytest.raises(DataFileError, match=r"receipt\.j2.*文字超过上限"):
        render_document("receipt", CONTEXT, override_dir=tmp_path / "forms")


@pytest.mark.slow  # the limit is a time: half a second, and the test waits for it
def test_a_template_that_loops_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(templates, "MAX_SECONDS", 0.5)
    write_template(tmp_path / "forms", "{% for i in range(10000) %}{% for j in range(10000) %}"
                                       "{% endfor %}{% endfor %}")
    started = time.monotonic()
    with pytest.raises(DataFileError, match=r"receipt\.j2.*超过0\.5秒"):
        render_document("receipt", CONTEXT, override_dir=tmp_path / "forms")
    assert time.monotonic() - started < 2.5
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name == "template-render"]  # the loop really stopped


def test_ordinary_template_features_still_work(tmp_path):
    write_template(tmp_path / "forms", "{{ office.name }}{% for i in range(3) %}{{ i }}{% endfor %}"
                                       "{{ '%03d'|format(7) }}{{ '{:>4}'.format('x') }}{{ ['a', 'b']|join('、') }}"
                                       "{{ 'ab' * 2 }}{{ office.name ~ '!' }}")
    text = templates.TemplateSet(tmp_path / "forms").fill("receipt", CONTEXT).text
    plain = text.replace(templates.VALUE_START, "").replace(templates.VALUE_END, "")
    assert plain.strip() == "某镇012007   xa、babab某镇!"


@pytest.mark.parametrize(("body", "said"), HOSTILE[:3])
def test_issuing_with_a_hostile_office_template_archives_nothing(setup, tmp_path, body, said):
    db, users = setup
    folder = tmp_path / "本机关模板"
    install(db, users, folder)
    write_template(folder, body)  # edited after it was installed
    case = cases.register(db, users["clerk"], person(handed_in_on=TODAY), today=TODAY).case
    with pytest.raises(DataFileError, match=rf"receipt\.j2.*{said}"):
        documents.issue(db, users["clerk"], case.id, "receipt", today=TODAY)
    assert documents.documents_of(db, case.id) == []
    assert cases.timeline(db, case.id)[-1].action != "document_issued"


# --- no write transaction while a template renders ----------------------------------------------
def test_another_window_can_write_while_a_document_renders(setup, monkeypatch):
    db, users = setup
    case = cases.register(db, users["clerk"], person(handed_in_on=TODAY), today=TODAY).case
    import workstation.documents as rendering

    real = rendering.render_document
    other: dict[str, object] = {}

    def slow_render(*args, **kwargs):
        def write_elsewhere():
            other["changed"] = office.save_settings(db, users["admin"], {"office.phone": "0571-1"})

        writer = threading.Thread(target=write_elsewhere)
        writer.start()
        writer.join(5)
        other["finished_while_rendering"] = not writer.is_alive()
        writer.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_document", slow_render)
    doc = documents.issue(db, users["clerk"], case.id, "receipt", today=TODAY)
    assert other["finished_while_rendering"] and other["changed"] == {"office.phone": "0571-1"}
    assert [d.id for d in documents.documents_of(db, case.id)] == [doc.id]


def test_a_number_taken_by_another_window_while_rendering_is_not_issued_twice(setup, monkeypatch):
    db, users = setup
    first, second = (cases.register(db, users["clerk"], person(handed_in_on=TODAY, applicant_name=name),
                                    today=TODAY).case for name in ("王一", "王二"))
    import workstation.documents as rendering

    real = rendering.render_document
    printed: list[str] = []

    def render_while_another_issues(kind, context, **kwargs):
        printed.append(context["doc_number"])
        if len(printed) == 1:  # another window issues a numbered document while this one renders
            monkeypatch.setattr(rendering, "render_document", real)
            documents.issue(db, users["clerk"], second.id, "reasons", today=TODAY)
            monkeypatch.setattr(rendering, "render_document", render_while_another_issues)
        return real(kind, context, **kwargs)

    monkeypatch.setattr(rendering, "render_document", render_while_another_issues)
    doc = documents.issue(db, users["clerk"], first.id, "reasons", today=TODAY)
    other = documents.documents_of(db, second.id)[0]
    assert other.number == printed[0]  # the other window got the number this one had in mind
    assert doc.number == printed[-1] != other.number  # so this one was rendered again with the next
    assert len(printed) == 2


# --- template files are regular files inside their folder ----------------------------------------------
def test_a_symlinked_template_is_refused_and_not_read(setup, tmp_path):
    db, users = setup
    secret = tmp_path / "secret.txt"
    secret.write_text("{# 版本:1 #}\n绝密内容\n", encoding="utf-8")
    folder = tmp_path / "本机关模板"
    install(db, users, folder)
    (folder / "receipt.j2").symlink_to(secret)
    case = cases.register(db, users["clerk"], person(handed_in_on=TODAY), today=TODAY).case
    with pytest.raises(DataFileError, match=r"receipt\.j2.*符号链接"):
        documents.issue(db, users["clerk"], case.id, "receipt", today=TODAY)
    assert documents.documents_of(db, case.id) == []


def test_an_included_symlink_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密内容\n", encoding="utf-8")
    folder = tmp_path / "forms"
    write_template(folder, '{% include "leak.j2" %}')
    (folder / "leak.j2").symlink_to(secret)
    with pytest.raises(DataFileError, match=r"leak\.j2.*符号链接"):
        render_document("receipt", CONTEXT, override_dir=folder)


def test_a_symlinked_folder_inside_the_template_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    write_template(outside, "绝密内容")
    folder = tmp_path / "forms"
    write_template(folder, '{% include "sub/receipt.j2" %}')
    (folder / "sub").symlink_to(outside)
    with pytest.raises(DataFileError, match="符号链接"):
        render_document("receipt", CONTEXT, override_dir=folder)


# --- a trial render when the office installs its folder ------------------------------------------------
def test_the_shipped_templates_pass_the_trial(tmp_path):
    shutil.copytree(forms_path(), tmp_path / "forms")
    assert len(templates.check_folder(tmp_path / "forms")) == len(templates.TEMPLATE_KINDS)


@pytest.mark.parametrize(("body", "said"), [
    *HOSTILE[:3],
    ("{% if office.name %}{{ 1 / 0 }}{% endif %}", "无法计算"),
    ("正文{{ case.number }\n", "模板语法错误"),
])
def test_installing_a_folder_with_a_bad_template_is_refused_naming_it(setup, tmp_path, body, said):
    db, users = setup
    folder = tmp_path / "本机关模板"
    write_template(folder, body, kind="correction")
    with pytest.raises(ValidationError) as caught:
        office.save_settings(db, users["admin"], {"documents.template_dir": str(folder)})
    message = caught.value.errors["documents.template_dir"]
    assert "correction.j2" in message and said in message
    assert office.save_settings(db, users["admin"], {"office.phone": "1"})  # nothing else was blocked
    from workstation.services.base import get_settings

    assert get_settings(db)["documents.template_dir"] == ""


def test_installing_a_folder_with_a_symlink_or_a_missing_folder_is_refused(setup, tmp_path):
    db, users = setup
    folder = tmp_path / "本机关模板"
    folder.mkdir()
    (folder / "receipt.j2").symlink_to("/etc/passwd")
    with pytest.raises(ValidationError, match=r"receipt\.j2.*符号链接"):
        office.save_settings(db, users["admin"], {"documents.template_dir": str(folder)})
    with pytest.raises(ValidationError, match="模板文件夹不存在"):
        office.save_settings(db, users["admin"], {"documents.template_dir": str(tmp_path / "无此文件夹")})


def test_installing_a_good_office_folder_works(setup, tmp_path):
    db, users = setup
    folder = tmp_path / "本机关模板"
    folder.mkdir()
    shutil.copy(forms_path("receipt.j2"), folder / "receipt.j2")
    shutil.copy(forms_path("reply_disclosed.j2"), folder / "reply_disclosed.j2")
    assert office.save_settings(db, users["admin"], {"documents.template_dir": str(folder)})
