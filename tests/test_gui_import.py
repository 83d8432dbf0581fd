"""导入台账 on the screen: check, import, import again, bad rows (and saving them), a junk file, cancel, roles."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import pytest
from helpers.gui import QT_NOISE, click, type_text, wait_idle
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QTableView
from sqlalchemy import func, select

from workstation.domain.identity import id_check_digit
from workstation.gui import file_dialogs, import_dialog
from workstation.gui.import_dialog import ImportDialog
from workstation.gui.main_window import MainWindow
from workstation.services import audit, backup
from workstation.services.users import SYSTEM_ACTOR
from workstation.store.models import Event, Request

pytest_plugins = ["helpers.gui"]  # gui_db, staff, make_ctx
pytestmark = [QT_NOISE, pytest.mark.gui]

TODAY = date(2026, 6, 1)
GOOD_ID = "11010519491231002" + id_check_digit("11010519491231002")
HEADERS = ["受理编号", "收到日期", "递交方式", "申请人类型", "申请人", "证件号码", "办理结果", "答复日期", "延期", "经办人"]
ROWS = [
    ["台账〔2025〕1号", "2025-03-07", "当面提交", "自然人", "王小明", GOOD_ID, "予以公开", "2025/3/20", "否", "张三"],
    ["台账〔2025〕2号", "2025年3月10日", "邮寄", "商业企业", "宏达建筑有限公司", "", "不予公开·属于国家秘密", "2025年4月1日",
     "是", ""],
    ["台账〔2025〕3号", "2025/11/2", "传真", "科研机构", "某农业大学", "", "部分公开", "2025-11-20", "", "李四"],
    ["台账〔2026〕4号", "2026/5/6", "互联网", "自然人", "李四", "", "", "", "", ""],
    ["台账〔2026〕5号", "2026-05-25", "", "法律服务机构", "正源律师事务所", "", "", "", "是", ""],
]
MINIMAL = ["受理编号", "收到日期", "申请人类型", "申请人"]


def write_csv(path, headers=HEADERS, rows=ROWS, encoding="gb18030"):
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([headers, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def count(db, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    with db.read() as s:
        return s.execute(query).scalar_one()


def open_dialog(qtbot, ctx) -> ImportDialog:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown_problems(dialog: ImportDialog) -> list[tuple[str, str, str]]:
    model = dialog.table.model()
    return [tuple(model.data(model.index(r, c)) for c in range(3)) for r in range(model.rowCount())]


def shown_counts(dialog: ImportDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dialog.count_numbers.items()}


def test_a_gb18030_ledger_is_checked_then_imported_and_the_main_window_refreshes(qtbot, gui_db, staff, make_ctx,
                                                                                 tmp_path):
    path = write_csv(tmp_path / "2025年台账.csv")
    window = MainWindow(make_ctx(staff["clerk"], TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_page("register")
    wait_idle(qtbot, window.ctx)
    assert window.register.count_label.text() == "共 0 件"
    assert window.import_action.isVisible() and window.import_action.text() == "导入台账…"
    window.import_action.trigger()
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    events_before = count(gui_db, Event)

    type_text(qtbot, dialog.path_edit, str(path))
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, window.ctx)
    assert "检查通过" in dialog.headline.text() and "可以导入 5 件申请" in dialog.headline.text()
    assert "未写入任何数据" in dialog.headline.text()
    assert shown_counts(dialog) == {"new": "5", "skipped": "0", "open": "2", "rows": "5"}
    assert dialog.count_captions["new"].text() == "可以导入(件)"
    assert not dialog.table.isVisible() and not dialog.after_hint.isVisible()  # no bad rows, no remarks
    assert count(gui_db, Request) == 0 and count(gui_db, Event) == events_before

    click(qtbot, dialog.import_button)
    wait_idle(qtbot, window.ctx)
    assert dialog.headline.text().startswith("已导入 5 件申请。") and "2025年台账.csv" in dialog.headline.text()
    assert shown_counts(dialog) == {"new": "5", "skipped": "0", "open": "2", "rows": "5"}
    assert dialog.count_captions["new"].text() == "已导入(件)"
    assert dialog.after_hint.isVisible() and "备份与恢复" in dialog.after_hint.text()
    # the register as it was before the import was backed up (and verified) first
    [before] = backup.list_backups(gui_db.path.parent / "备份")
    assert before.name in dialog.after_hint.text() and backup.inspect_backup(before).rows["request"] == 0
    assert count(gui_db, Request) == 5 and count(gui_db, Request, source="import") == 5
    with gui_db.read() as s:
        first = s.execute(select(Request).where(Request.number == "台账〔2025〕1号")).scalar_one()
        assert first.notes == {"经办人": "张三"} and first.result_key == "disclosed"
    # the audit trail: one event per request and one for the import, by the clerk who imported
    assert count(gui_db, Event, action="imported") == 5
    [summary] = audit.list_events(gui_db, action="ledger_imported", viewer=SYSTEM_ACTOR)
    assert summary.actor == "张承办" and summary.after["file"] == "2025年台账.csv" and summary.after["imported"] == 5
    assert audit.verify_chain(gui_db).ok
    # the main window's pages read the register again
    wait_idle(qtbot, window.ctx)
    assert window.register.count_label.text() == "共 5 件" and window.register.model.rowCount() == 5
    window.show_page("dashboard")  # a hidden dashboard reads again when it is shown
    wait_idle(qtbot, window.ctx)
    assert "未办结 2 件" in window.dashboard.title.text()


def test_importing_the_same_ledger_again_adds_nothing_and_says_so(qtbot, gui_db, staff, make_ctx, tmp_path):
    path = write_csv(tmp_path / "台账.csv")
    ctx = make_ctx(staff["head"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    type_text(qtbot, dialog.path_edit, str(path))
    click(qtbot, dialog.import_button)
    wait_idle(qtbot, ctx)
    assert shown_counts(dialog)["new"] == "5"
    before = count(gui_db, Request), count(gui_db, Event)
    heard: list[object] = []
    dialog.imported.connect(heard.append)

    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    assert "5 件申请都已在登记簿中,没有需要导入的" in dialog.headline.text()
    click(qtbot, dialog.import_button)
    wait_idle(qtbot, ctx)
    assert dialog.headline.text().startswith("没有新增任何申请")
    assert "5 件申请都已在登记簿中" in dialog.headline.text() and "本次未写入任何数据" in dialog.headline.text()
    assert shown_counts(dialog) == {"new": "0", "skipped": "5", "open": "0", "rows": "5"}
    assert (count(gui_db, Request), count(gui_db, Event)) == before
    assert heard == []


def test_a_bad_ledger_lists_every_bad_row_and_writes_nothing(qtbot, gui_db, staff, make_ctx, tmp_path):
    rows = [*ROWS,
            ["台账〔2026〕6号", "2026-02-30", "", "外星人", "赵六", "", "", "", "", ""],
            ["台账〔2026〕7号", "2026-03-01", "飞鸽传书", "自然人", "", "", "", "", "", ""],
            ["台账〔2026〕1号", "2026-03-02", "", "自然人", "孙七", "", "予以公开", "", "也许", ""]]
    path = write_csv(tmp_path / "有错的台账.csv", rows=rows, encoding="utf-8-sig")
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    before = count(gui_db, Request), count(gui_db, Event)
    type_text(qtbot, dialog.path_edit, str(path))
    for button in (dialog.check_button, dialog.import_button):
        click(qtbot, button)
        wait_idle(qtbot, ctx)
        headline = dialog.headline.text()
        assert "有错的台账.csv 有 3 行有问题(共 6 处),未导入任何数据" in headline, headline
        assert not dialog.counts.isVisible() and dialog.table.isVisible()
        assert dialog.table_title.text() == "有问题的行(共 6 处):"
        problems = shown_problems(dialog)
        assert [(line, column) for line, column, _ in problems] == [
            ("7", "收到日期"), ("7", "申请人类型"), ("8", "递交方式"), ("8", "申请人"), ("9", "答复日期"), ("9", "延期")]
        reasons = {(line, column): reason for line, column, reason in problems}
        assert reasons[("7", "收到日期")] == "日期“2026-02-30”不存在,请核对"
        assert "无法识别的申请人类型“外星人”" in reasons[("7", "申请人类型")]
        assert "无法识别的递交方式“飞鸽传书”" in reasons[("8", "递交方式")]
        assert "请填写申请人姓名或名称" in reasons[("8", "申请人")]
        assert "延期应填“是”或“否”" in reasons[("9", "延期")]
        assert dialog.save_button.isVisible() and dialog.save_button.text() == "保存问题清单(CSV)…"
        assert (count(gui_db, Request), count(gui_db, Event)) == before
    # trying again after a refusal backs up no new copy: the older backups are not rotated away
    click(qtbot, dialog.import_button)
    wait_idle(qtbot, ctx)
    assert len(backup.list_backups(gui_db.path.parent / "备份")) == 1


def test_ten_thousand_bad_rows_display_and_are_saved_as_csv(qtbot, gui_db, staff, make_ctx, tmp_path, monkeypatch):
    rows = [[f"N-{i}", "2026-02-30", "自然人", f"申请人{i}"] for i in range(10_000)]
    path = write_csv(tmp_path / "大台账.csv", MINIMAL, rows)
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    type_text(qtbot, dialog.path_edit, str(path))
    # the GUI thread's own work on the result: showing 10,000 rows, scrolling to the end, painting; counted as the
    # rows the view asks the model for (a view that measured or painted every row would ask for all 10,000)
    model = dialog.table.model()
    asked: set[int] = set()
    shown_data = model.data

    def data(index, role=Qt.ItemDataRole.DisplayRole):
        asked.add(index.row())
        return shown_data(index, role)

    monkeypatch.setattr(model, "data", data)
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    dialog.table.scrollToBottom()
    dialog.grab()  # paints the visible rows
    assert "10000 行有问题(共 10000 处),未导入任何数据" in dialog.headline.text()
    assert dialog.table.model().rowCount() == 10_000
    # a model behind one view, no widget per row; the GUI thread never stalls to show them
    assert dialog.findChildren(QTableView) == [dialog.table] and len(dialog.findChildren(QPushButton)) < 10
    assert asked and max(asked) > 9_900 and len(asked) < 100, (len(asked), min(asked, default=None))
    assert model.data(model.index(9_999, 0)) == "10001"
    assert dialog.table.rowAt(dialog.table.viewport().height() - 5) > 9_900  # scrolled to the end
    assert count(gui_db, Request) == 0

    chosen: list[str] = []

    def choose(_parent, _title, suggested, _filter):
        chosen.append(suggested)
        return str(tmp_path / "out" / "问题清单")

    (tmp_path / "out").mkdir()
    monkeypatch.setattr(file_dialogs, "save_file_name", choose)
    click(qtbot, dialog.save_button)
    wait_idle(qtbot, ctx)
    assert chosen == [str(tmp_path / "大台账-问题清单.csv")]
    saved = tmp_path / "out" / "问题清单.csv"
    assert dialog.save_info.text() == f"已保存 10000 处问题到 {saved}"
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == ["行", "列", "原因"] and len(lines) == 10_001
    assert lines[1] == ["2", "收到日期", "日期“2026-02-30”不存在,请核对"]
    assert lines[-1][0] == "10001"


def test_a_bad_row_list_that_cannot_be_saved_says_why(qtbot, staff, make_ctx, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "台账.csv", MINIMAL, [["A-1", "2026-02-30", "自然人", "甲"]])
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    type_text(qtbot, dialog.path_edit, str(path))
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    monkeypatch.setattr(file_dialogs, "save_file_name",
                        lambda *_a: str(tmp_path / "没有这个文件夹" / "清单.csv"))
    click(qtbot, dialog.save_button)
    wait_idle(qtbot, ctx)
    assert dialog.save_error.isVisible() and "未能保存到" in dialog.save_error.text()
    assert "请换一个文件夹或文件名再试" in dialog.save_error.text()
    assert dialog.save_button.isEnabled() and len(shown_problems(dialog)) == 1


def test_an_unusable_file_gets_a_chinese_message_and_the_dialog_stays_usable(qtbot, gui_db, staff, make_ctx,
                                                                             tmp_path, monkeypatch):
    junk = tmp_path / "台账.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    click(qtbot, dialog.check_button)
    assert dialog.error.isVisible() and "请先选择台账文件" in dialog.error.text()

    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *_a: str(junk))
    click(qtbot, dialog.choose_button)
    assert dialog.path_edit.text() == str(junk)
    assert not dialog.error.isVisible()
    for button in (dialog.check_button, dialog.import_button):
        click(qtbot, button)
        wait_idle(qtbot, ctx)
        assert "未能导入,未写入任何数据" in dialog.headline.text()
        assert "台账.csv:不是台账文件:既不是 Excel 工作簿(.xlsx),也不是 CSV 文本" in dialog.headline.text()
        assert dialog.path_edit.text() == str(junk)
        assert dialog.check_button.isEnabled() and dialog.import_button.isEnabled() and dialog.path_edit.isEnabled()
    assert count(gui_db, Request) == 0

    missing = tmp_path / "不存在.xlsx"
    dialog.path_edit.clear()
    type_text(qtbot, dialog.path_edit, f'"{missing}"')  # as Windows copies a path
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    assert "不存在.xlsx:文件不存在" in dialog.headline.text()

    good = write_csv(tmp_path / "好台账.csv")
    dialog.path_edit.clear()
    type_text(qtbot, dialog.path_edit, str(good))
    click(qtbot, dialog.import_button)
    wait_idle(qtbot, ctx)
    assert dialog.headline.text().startswith("已导入 5 件申请") and count(gui_db, Request) == 5


def test_a_cancelled_import_writes_nothing(qtbot, gui_db, staff, make_ctx, tmp_path, monkeypatch):
    """Cancelled at the last moment: every row written inside the transaction, not yet committed."""
    path = write_csv(tmp_path / "台账.csv")
    reached, cancelled = threading.Event(), threading.Event()
    real = import_dialog.import_ledger

    def held_at_the_end(db, actor, ledger, *, progress, **kw):
        def heard(done: int, total: int) -> None:
            if total and done == total and not reached.is_set():
                reached.set()
                cancelled.wait(10)
            progress(done, total)

        return real(db, actor, ledger, progress=heard, **kw)

    monkeypatch.setattr(import_dialog, "import_ledger", held_at_the_end)
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    before = count(gui_db, Request), count(gui_db, Event)
    type_text(qtbot, dialog.path_edit, str(path))
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    assert not dialog.import_button.isEnabled() and not dialog.close_button.isEnabled()
    dialog.reject()  # closing while the import runs is refused: the progress dialog cancels
    assert dialog.isVisible()
    progress = next(d for d in dialog.findChildren(QProgressDialog))
    qtbot.waitUntil(progress.isVisible, timeout=5_000)
    assert progress.labelText() == "正在导入台账(全部无误才写入)……"
    [cancel] = progress.findChildren(QPushButton)
    assert cancel.text() == "取消"
    click(qtbot, cancel)
    cancelled.set()
    wait_idle(qtbot, ctx)
    assert dialog.headline.text() == "已取消导入,未写入任何数据。"
    assert (count(gui_db, Request), count(gui_db, Event)) == before
    assert audit.verify_chain(gui_db).ok
    assert dialog.import_button.isEnabled()

    click(qtbot, dialog.import_button)
    wait_idle(qtbot, ctx)
    assert dialog.headline.text().startswith("已导入 5 件申请") and count(gui_db, Request) == 5


@pytest.mark.parametrize(("login", "sees"), [("clerk", True), ("head", True), ("reviewer", False), ("admin", False)])
def test_only_the_roles_that_may_import_see_the_action(qtbot, staff, make_ctx, login, sees):
    window = MainWindow(make_ctx(staff[login], TODAY))
    qtbot.addWidget(window)
    work_menu = window.menuBar().actions()[0].menu()
    assert window.import_action in work_menu.actions()
    assert window.import_action.isVisible() is sees and window.import_action.isEnabled() is sees
    if not sees:
        dialog = open_dialog(qtbot, window.ctx)  # even if opened some other way, it cannot import
        assert not dialog.check_button.isEnabled() and not dialog.import_button.isEnabled()
        assert "只有承办人或负责人可以导入台账" in dialog.error.text()


def test_a_ledger_in_an_unclear_encoding_asks_which_and_reads_it(qtbot, gui_db, staff, make_ctx, tmp_path):
    from helpers.gui import Answers

    path = tmp_path / "台账.csv"
    good = io.StringIO()
    csv.writer(good, lineterminator="\r\n").writerows([HEADERS, *ROWS])
    path.write_bytes(good.getvalue().encode("utf-8").replace("某农业大学".encode(), b"\xff\xfe" + "某农业大学".encode()))
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    type_text(qtbot, dialog.path_edit, str(path))
    answers = Answers("GB18030")
    click(qtbot, dialog.check_button)
    qtbot.waitUntil(lambda: not answers.buttons, timeout=5000)
    wait_idle(qtbot, ctx)
    assert "无法确定文件的编码" in answers.texts[0] and "第4行" in answers.texts[0]
    qtbot.waitUntil(lambda: "按 GB18030 读取时" in dialog.headline.text(), timeout=5000)  # read as chosen
    answers = Answers("取消")
    dialog.encodings.clear()
    click(qtbot, dialog.check_button)
    qtbot.waitUntil(lambda: not answers.buttons, timeout=5000)
    wait_idle(qtbot, ctx)
    assert "无法确定文件的编码" in dialog.headline.text()


def test_the_ledger_file_is_read_on_the_worker(qtbot, gui_db, staff, make_ctx, tmp_path, monkeypatch):
    from workstation.services import ledger as ledger_service

    read_on: list[threading.Thread] = []
    real = ledger_service.read_ledger

    def spy(*args, **kwargs):
        read_on.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_service, "read_ledger", spy)
    ctx = make_ctx(staff["clerk"], TODAY)
    dialog = open_dialog(qtbot, ctx)
    type_text(qtbot, dialog.path_edit, str(write_csv(tmp_path / "台账.csv")))
    click(qtbot, dialog.check_button)
    wait_idle(qtbot, ctx)
    assert "检查通过" in dialog.headline.text()
    assert read_on and all(t is not threading.main_thread() for t in read_on)
