"""Ledger import (台账导入): reading XLSX and CSV ledgers, checking every row, and the
all-or-nothing import into a real register."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from datetime import date, datetime

import pytest
from conftest import person
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from sqlalchemy import event, func, select

from workstation.domain import ledger as ledger_module
from workstation.domain import ledger_file
from workstation.domain.errors import DataFileError
from workstation.domain.identity import check_credit_code, check_id_number, id_check_digit
from workstation.domain.ledger import LedgerRejected, parse_ledger, read_ledger, sequence_of
from workstation.domain.status import Status
from workstation.services import audit, cases
from workstation.services.base import PermissionDenied
from workstation.services.ledger import import_ledger
from workstation.store.models import Event, PeriodLock, Request

TODAY = date(2026, 6, 1)
GOOD_ID = "11010519491231002" + id_check_digit("11010519491231002")
BAD_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")
CREDIT_CODE = "91110105MA01ABCD13"
# shuffled order, stray spaces, a full-width required mark, an unknown column (经办人)
HEADERS = ["申请人类型", " 收到日期", "＊受理编号", "申请人 ", "证件号码", "递交方式", "办理结果", "答复日期", "延期",
           "备注", "经办人"]
ROWS = [
    ["自然人", "2025-03-07", "台账〔2025〕1号", "王小明", GOOD_ID, "当面提交", "予以公开", "2025/3/20", "否",
     "电话咨询过", "张三"],
    ["商业企业", "2025年3月10日", "台账〔2025〕2号", "宏达建筑有限公司", CREDIT_CODE, "邮寄", "不予公开·属于国家秘密",
     "2025年4月1日", "是", "", ""],
    ["自然人", "2026/5/6", "台账〔2026〕3号", "李四", BAD_ID, "互联网", "", "", "", "", ""],
    ["法律服务机构", "2026-05-20", "台账〔2026〕4号", "正源律师事务所", "", "", "无法提供・本机关不掌握相关政府信息",
     "2026-05-28", "", "", ""],
    ["自然人", "2026-05-25", "台账〔2026〕5号", "赵六", "", "传真", "", "", "是", "", ""],
]


def csv_bytes(headers, rows, *, encoding="utf-8-sig", delimiter=","):
    def field(value):
        text = str(value)
        return f'"{text}"' if delimiter in text or '"' in text or "\n" in text else text

    lines = [delimiter.join(field(v) for v in row) for row in [headers, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write_csv(tmp_path, headers=HEADERS, rows=ROWS, *, name="台账.csv", **kw):
    path = tmp_path / name
    path.write_bytes(csv_bytes(headers, rows, **kw))
    return path


def write_xlsx(tmp_path, headers, rows, *, name="台账.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def problems_of(raw: bytes) -> list[tuple[int, str, str]]:
    parsed = parse_ledger(raw, "t.csv", today=TODAY)
    return [(p.line, p.column, p.reason) for p in parsed.problems]


def count(db, model) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


# --- reading ------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_good_csv_in_every_encoding(tmp_path, encoding):
    ledger = read_ledger(write_csv(tmp_path, encoding=encoding), today=TODAY)
    assert ledger.ok and ledger.data_rows == 5 and len(ledger.rows) == 5
    first, second, third, fourth, fifth = ledger.rows
    assert (first.line, first.number, first.received, first.channel, first.applicant_kind) == (
        2, "台账〔2025〕1号", date(2025, 3, 7), "in_person", "natural")
    assert (first.result_key, first.replied, first.extended) == ("disclosed", date(2025, 3, 20), False)
    assert first.notes == {"备注": "电话咨询过", "经办人": "张三"}
    assert ledger.unknown_columns == ("经办人",)
    assert (second.received, second.channel, second.applicant_kind, second.result_key) == (
        date(2025, 3, 10), "registered_post", "commercial", "withheld.state_secret")
    assert second.extended is True and second.replied == date(2025, 4, 1)
    assert second.id_type == "统一社会信用代码" and "证件号码校验" not in second.notes
    # a wrong check digit is kept as written, with a note that says what is wrong
    assert third.id_number == BAD_ID and third.result_key is None and third.replied is None
    assert third.notes["证件号码校验"].endswith(check_id_number(BAD_ID).problem)
    assert fourth.channel == "in_person" and fourth.result_key == "unavailable.not_held"
    assert fourth.id_type is None
    assert fifth.channel == "fax" and fifth.extended is True


def test_tab_separated_utf16_as_excel_saves_unicode_text(tmp_path):
    path = write_csv(tmp_path, encoding="utf-16", delimiter="\t", name="台账.txt")
    ledger = read_ledger(path, today=TODAY)
    assert ledger.ok and [r.number for r in ledger.rows] == [row[2] for row in ROWS]


def test_xlsx_with_date_cells_and_excel_serials(tmp_path):
    rows = [
        ["X-1", datetime(2024, 12, 20, 0, 0), "平常信函", "科研机构", "某大学", "部分公开", 45658, 1],
        ["X-2", 45658, "", "自然人", "王五", "", None, None],
        ["X-3", "45659", "", "其他", "某村合作社", "其他处理·其他", "2025/1/5", "否"],
        [20250106, "20250106", "EMS", "社会公益组织", "某基金会", "", "", ""],
    ]
    path = write_xlsx(tmp_path, ["受理编号", "收到日期", "递交方式", "申请人类型", "申请人", "办理结果", "答复日期", "延期"],
                      rows)
    ledger = read_ledger(path, today=TODAY)
    assert ledger.ok, ledger.problems
    x1, x2, x3, x4 = ledger.rows
    # Excel counts days from 1899-12-30: serial 45658 is 2025-01-01
    assert x1.received == date(2024, 12, 20) and x1.channel == "ordinary_post" and x1.applicant_kind == "research"
    assert x1.replied == date(2025, 1, 1) and x1.extended is True
    assert x2.received == date(2025, 1, 1) and x2.result_key is None
    assert x3.received == date(2025, 1, 2) and x3.result_key == "other.other"
    assert x4.number == "20250106" and x4.received == date(2025, 1, 6) and x4.channel == "registered_post"


def test_xlsx_in_the_1904_date_system(tmp_path):
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["受理编号", "收到日期", "申请人类型", "申请人"])
    book.active.append(["M-1", 44196, "自然人", "甲"])  # 2025-01-01 counted from 1904-01-01
    book.save(tmp_path / "mac.xlsx")
    [row] = read_ledger(tmp_path / "mac.xlsx", today=TODAY).rows
    assert row.received == date(2025, 1, 1)


def test_blank_rows_are_skipped_but_keep_the_spreadsheet_line_numbers(tmp_path):
    rows = [ROWS[0], [""] * len(HEADERS), ["自然人", "2025-02-30", "B-1", "甲", "", "", "", "", "", "", ""]]
    assert problems_of(csv_bytes(HEADERS, rows)) == [(4, "收到日期", "日期“2025-02-30”不存在,请核对")]


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ({"收到日期": "2026-02-30"}, "收到日期", "日期“2026-02-30”不存在"),
        ({"收到日期": "三月七日"}, "收到日期", "无法识别的日期“三月七日”"),
        ({"收到日期": ""}, "收到日期", "请填写收到日期"),
        ({"收到日期": "2026-07-01"}, "收到日期", "晚于今天"),
        ({"申请人类型": "外星人"}, "申请人类型", "无法识别的申请人类型“外星人”"),
        ({"申请人类型": ""}, "申请人类型", "请填写申请人类型"),
        ({"申请人": ""}, "申请人", "请填写申请人姓名或名称"),
        ({"受理编号": ""}, "受理编号", "受理编号不能为空"),
        ({"递交方式": "飞鸽传书"}, "递交方式", "无法识别的递交方式“飞鸽传书”"),
        ({"办理结果": "同意公开", "答复日期": "2025-03-20"}, "办理结果", "无法识别的办理结果“同意公开”"),
        ({"办理结果": "", "答复日期": "2025-03-20"}, "办理结果", "已填写答复日期,请填写办理结果"),
        ({"办理结果": "予以公开", "答复日期": ""}, "答复日期", "已填写办理结果,请填写答复日期"),
        ({"办理结果": "予以公开", "答复日期": "2025-03-06"}, "答复日期", "答复日期2025-03-06早于收到日期2025-03-07"),
        ({"延期": "也许"}, "延期", "延期应填“是”或“否”"),
        ({"申请人": "名" * 201}, "申请人", "最多 200 字,现有 201 字"),
    ],
)
def test_every_kind_of_bad_row_is_named_with_line_and_column(row, column, fragment):
    values = {"受理编号": "A-1", "收到日期": "2025-03-07", "递交方式": "", "申请人类型": "自然人", "申请人": "王小明",
              "办理结果": "", "答复日期": "", "延期": ""}
    values.update(row)
    good = ["A-0", "2025-03-07", "", "自然人", "甲", "", "", ""]
    problems = problems_of(csv_bytes(list(values), [good, list(values.values())]))
    assert [(line, col) for line, col, _ in problems] == [(3, column)]
    assert fragment in problems[0][2]


def test_every_bad_row_is_collected_not_just_the_first():
    rows = [["A-1", "2026-02-30", "外星人", "甲"], ["A-2", "2025-03-07", "自然人", "乙"],
            ["A-3", "2025-13-01", "自然人", ""], ["A-1", "2025-03-07", "自然人", "丙"]]
    problems = problems_of(csv_bytes(["受理编号", "收到日期", "申请人类型", "申请人"], rows))
    assert [(line, col) for line, col, _ in problems] == [
        (2, "收到日期"), (2, "申请人类型"), (4, "收到日期"), (4, "申请人"), (5, "受理编号")]
    assert problems[-1][2] == "受理编号“A-1”与第2行重复"


@pytest.mark.slow  # a wall-clock bound: the reading must not grow faster than the rows
def test_ten_thousand_bad_rows_are_all_reported_quickly(tmp_path):
    rows = [[f"N-{i}", "2026-02-30", "自然人", f"申请人{i}"] for i in range(10_000)]
    path = write_csv(tmp_path, ["受理编号", "收到日期", "申请人类型", "申请人"], rows)
    started = time.perf_counter()
    ledger = read_ledger(path, today=TODAY)
    error = LedgerRejected(ledger.name, ledger.problems)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, elapsed
    assert len(ledger.problems) == 10_000 and not ledger.rows
    assert {p.line for p in ledger.problems} == set(range(2, 10_002))
    shown = str(error).splitlines()
    assert "10000 行有问题" in shown[0] and len(shown) == 1 + 50 + 1
    assert shown[1] == "第2行 收到日期:日期“2026-02-30”不存在,请核对"
    assert shown[-1] == "……另有 9950 处问题未列出。"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "文件是空的"),
        (b"\xef\xbb\xbf\r\n \r\n", "文件是空的"),
        (bytes(range(256)) * 40, "不是台账文件"),
        (bytes(range(1, 256)) * 40, "不是台账文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "旧版 Excel(.xls)"),
        (b"PK\x03\x04" + b"\x01" * 200, "无法作为 Excel 工作簿(.xlsx)读取"),
        ("受理编号,收到日期,申请人\r\n".encode(), "缺少必需的列:申请人类型"),
        ("姓名,日期\r\n张三,2025-01-01\r\n".encode(), "应为列名"),
        ("某镇2025年依申请公开台账\r\n受理编号,收到日期,申请人类型,申请人\r\nA,2025-01-01,自然人,甲\r\n".encode(),
         "像是标题行"),
        (",\r\n受理编号,收到日期,申请人类型,申请人\r\n".encode(), "是空行"),
        ("受理编号,收到日期,申请人类型,申请人\r\n".encode(), "没有任何数据行"),
        ("受理编号,收到日期,申请人类型,申请人,受理编号\r\n".encode(), "有两列都是“受理编号”(第A列和第E列)"),
        (b"\xff\xfe\x00", "UTF-16"),
        ("caf\xe9 \xff\xfe".encode("latin-1"), "无法识别文件的编码"),
    ],
)
def test_unusable_files_get_one_clear_message(raw, fragment):
    with pytest.raises(DataFileError) as caught:
        parse_ledger(raw, "t.csv", today=TODAY)
    assert fragment in caught.value.message and caught.value.message.startswith("t.csv")


def _damaged_xlsx(part: str) -> bytes:
    book = Workbook()
    book.active.append(["受理编号", "收到日期", "申请人类型", "申请人"])
    book.active.append(["A-1", "2025-01-01", "自然人", "甲"])
    good = io.BytesIO()
    book.save(good)
    damaged = io.BytesIO()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[: len(data) // 2] if item.filename.endswith(part) else data)
    return damaged.getvalue()


@pytest.mark.parametrize("part", ["sheet1.xml", "workbook.xml", "styles.xml"])
def test_a_damaged_xlsx_gets_a_message_not_a_traceback(part):
    with pytest.raises(DataFileError, match="请在 Excel 中打开并重新保存后再试"):
        parse_ledger(_damaged_xlsx(part), "t.xlsx", today=TODAY)


def test_an_unmatched_quote_is_named():
    raw = ("受理编号,收到日期,申请人类型,申请人\r\nA-1,2025-01-01,自然人,\"甲\r\n" + "x" * 140_000).encode()
    with pytest.raises(DataFileError, match="引号不成对"):
        parse_ledger(raw, "t.csv", today=TODAY)


def test_a_file_over_20_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(DataFileError, match="文件过大.*不能超过 20 MB"):
        read_ledger(path, today=TODAY)


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(ledger_module, "MAX_ROWS", 100)
    rows = [[f"A-{i}", "2025-03-07", "自然人", "甲"] for i in range(101)]
    with pytest.raises(DataFileError, match="台账超过 100 行"):
        parse_ledger(csv_bytes(["受理编号", "收到日期", "申请人类型", "申请人"], rows), "t.csv", today=TODAY)
    assert parse_ledger(csv_bytes(["受理编号", "收到日期", "申请人类型", "申请人"], rows[:100]), "t.csv",
                        today=TODAY).data_rows == 100


def test_reading_a_file_gives_its_rows_as_written_and_checks_nothing():
    raw = "\ufeff受理编号,收到日期\nA-1,不是日期\n".encode()
    opened = ledger_file.open_ledger(raw, "t.csv")
    assert (opened.name, opened.sha256) == ("t.csv", hashlib.sha256(raw).hexdigest())
    assert list(opened.rows) == [("受理编号", "收到日期"), ("A-1", "不是日期")]
    assert opened.epoch == ledger_file.EXCEL_EPOCH
    with pytest.raises(DataFileError, match="没有任何内容"):
        ledger_file.open_ledger(b" \r\n", "t.csv")


def test_the_limits_are_the_ones_the_office_was_promised():
    assert ledger_module.MAX_ROWS == 100_000 and ledger_file.MAX_BYTES == 20 * 1024 * 1024


def test_sequence_of_reads_the_office_pattern():
    pattern = "{prefix}〔{year}〕第{seq:04d}号"
    assert sequence_of("政依申〔2025〕第0012号", pattern, "政依申") == (2025, 12)
    assert sequence_of("台账〔2025〕1号", pattern, "政依申") is None
    assert sequence_of("政依申〔2025〕第0012号", "{prefix}-{seq}", "政依申") is None


# --- importing ----------------------------------------------------------------------------------
def test_import_writes_every_request_with_its_event(db, users, tmp_path):
    assert check_credit_code(CREDIT_CODE).ok
    report = import_ledger(db, users["clerk"], write_csv(tmp_path), today=TODAY)
    assert (report.imported, report.skipped, report.still_open, report.rows) == (5, 0, 2, 5)
    assert report.text() == "已导入 5 件,跳过 0 件(已存在)"
    assert [(n.line, n.column) for n in report.notes] == [(4, "证件号码")]
    with db.read() as s:
        got = {r.number: r for r in s.execute(select(Request)).scalars()}
        events = s.execute(select(Event).order_by(Event.seq)).scalars().all()
    assert sorted(got) == sorted(row[2] for row in ROWS)
    first = got["台账〔2025〕1号"]
    assert (first.number_year, first.number_seq, first.source) == (None, None, "import")
    assert (first.received, first.handed_in_on, first.applicant_kind, first.applicant_name) == (
        date(2025, 3, 7), date(2025, 3, 7), "natural", "王小明")
    assert (first.status, first.result_key, first.closed_on, first.due) == (
        Status.CLOSED, "disclosed", date(2025, 3, 20), None)
    assert first.notes == {"备注": "电话咨询过", "经办人": "张三"} and first.id_number == GOOD_ID
    second = got["台账〔2025〕2号"]
    assert second.signed_on == date(2025, 3, 10) and second.extended is True
    assert second.id_type == "统一社会信用代码"
    third = got["台账〔2026〕3号"]
    assert third.status == Status.OPEN and third.closed_on is None and third.confirmed_on == date(2026, 5, 6)
    assert third.id_number == BAD_ID and "校验位不符" in third.notes["证件号码校验"]
    # open requests carry the due date the deadline engine gives, extension included
    for number in ("台账〔2026〕3号", "台账〔2026〕5号"):
        engine_due = cases.deadline(db, got[number].id, as_of=TODAY)
        assert got[number].due == engine_due.due
    extended = cases.deadline(db, got["台账〔2026〕5号"].id, as_of=TODAY)
    assert extended.due > extended.original_due
    imported = [e for e in events if e.action == "imported"]
    assert len(imported) == 5 and {e.request_id for e in imported} == {r.id for r in got.values()}
    shown = next(e for e in imported if e.request_id == first.id)
    assert shown.after["id_number"] == "110105********" + GOOD_ID[-4:] and GOOD_ID not in str(shown.after)
    assert shown.after["result"] == "予以公开" and "第2行" in shown.note
    summary = [e for e in events if e.action == "ledger_imported"]
    assert len(summary) == 1 and summary[0].after["file"] == "台账.csv"
    assert summary[0].after["sha256"] == report.sha256 and summary[0].after["imported"] == 5
    assert [e.action for e in events].count("extended") == 1  # only the open extended request needs a clock event
    assert audit.verify_chain(db).ok


def test_importing_the_same_ledger_twice_adds_nothing(db, users, tmp_path):
    path = write_csv(tmp_path)
    import_ledger(db, users["clerk"], path, today=TODAY)
    before = count(db, Request), count(db, Event)
    again = import_ledger(db, users["clerk"], path, today=TODAY)
    assert (again.imported, again.skipped) == (0, 5)
    assert again.text() == "已导入 0 件,跳过 5 件(已存在)"
    assert (count(db, Request), count(db, Event)) == before
    # a ledger that grew: only the new row goes in
    grown = write_csv(tmp_path, rows=[*ROWS, ["自然人", "2026-05-26", "台账〔2026〕6号", "孙七", "", "", "", "", "", "",
                                              ""]], name="grown.csv")
    third = import_ledger(db, users["head"], grown, today=TODAY)
    assert (third.imported, third.skipped) == (1, 5) and count(db, Request) == before[0] + 1


def test_a_bad_row_means_nothing_is_written(db, users, tmp_path):
    rows = [*ROWS, ["自然人", "2026-02-30", "台账〔2026〕9号", "错日期", "", "", "", "", "", "", ""]]
    before = count(db, Request), count(db, Event)
    with pytest.raises(LedgerRejected) as caught:
        import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows), today=TODAY)
    assert [(p.line, p.column) for p in caught.value.problems] == [(7, "收到日期")]
    assert "未导入任何数据" in caught.value.message
    assert (count(db, Request), count(db, Event)) == before


def test_a_number_the_register_holds_for_another_request_is_a_conflict(db, users, tmp_path):
    done = cases.register(db, users["clerk"], person(), today=TODAY)
    rows = [ROWS[0], ["自然人", "2025-03-08", done.case.number, "别人", "", "", "", "", "", "", ""]]
    before = count(db, Request), count(db, Event)
    with pytest.raises(LedgerRejected) as caught:
        import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows), today=TODAY)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (3, "受理编号")
    assert f"登记簿中已有受理编号为“{done.case.number}”的另一件申请" in problem.reason
    assert "王小明" in problem.reason
    assert (count(db, Request), count(db, Event)) == before


def test_locked_periods_refuse_rows_that_fall_in_them(db, users, tmp_path):
    with db.write() as s:
        s.add(PeriodLock(start=date(2025, 1, 1), end=date(2025, 12, 31), figures={}, locked_at=datetime(2026, 1, 20)))
    with pytest.raises(LedgerRejected) as caught:
        import_ledger(db, users["clerk"], write_csv(tmp_path), today=TODAY)
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (2, "收到日期"), (2, "答复日期"), (3, "收到日期"), (3, "答复日期")]
    assert "统计已锁定" in caught.value.problems[0].reason
    assert count(db, Request) == 0


def test_dry_run_checks_and_writes_nothing(db, users, tmp_path):
    before = count(db, Event)
    report = import_ledger(db, users["clerk"], write_csv(tmp_path), dry_run=True, today=TODAY)
    assert report.dry_run and report.imported == 5 and "未写入任何数据" in report.text()
    assert count(db, Request) == 0 and count(db, Event) == before


def test_progress_is_reported_and_a_cancel_writes_nothing(db, users, tmp_path):
    heard: list[tuple[int, int]] = []
    import_ledger(db, users["clerk"], write_csv(tmp_path), today=TODAY,
                  progress=lambda done, total: heard.append((done, total)))
    assert heard[0] == (0, 5) and heard[-1] == (5, 5)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done == total:  # the last report comes after every row was written inside the transaction
            raise Cancelled

    rows = [[f"C-{i}", "2025-03-07", "自然人", "甲"] for i in range(2500)]
    before = count(db, Request), count(db, Event)
    with pytest.raises(Cancelled):
        import_ledger(db, users["clerk"], write_csv(tmp_path, ["受理编号", "收到日期", "申请人类型", "申请人"], rows,
                                                    name="big.csv"), today=TODAY, progress=cancel)
    assert (count(db, Request), count(db, Event)) == before


def test_only_clerks_and_heads_import(db, users, tmp_path):
    with pytest.raises(PermissionDenied, match="导入台账"):
        import_ledger(db, users["reviewer"], write_csv(tmp_path), today=TODAY)
    assert count(db, Request) == 0


def test_imported_numbers_in_the_office_pattern_are_not_issued_again(db, users, tmp_path):
    rows = [["自然人", "2026-03-02", "政依申〔2026〕第0005号", "甲", "", "", "", "", "", "", ""]]
    import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows), today=TODAY)
    done = cases.register(db, users["clerk"], person(), today=TODAY)
    assert done.case.number == "政依申〔2026〕第0006号"


@pytest.mark.parametrize(("number", "fragment"), [
    ("政依申〔2026〕第9223372036854775807号", "序号9223372036854775807超出范围"),
    ("政依申〔2026〕第0000号", "序号0000超出范围"),
    ("政依申〔99999999999999999999〕第0001号", "年份"),
    ("政依申〔2019〕第0001号", "年份2019与收到日期"),
])
def test_an_unreasonable_number_in_the_office_pattern_is_a_bad_row(db, users, tmp_path, number, fragment):
    rows = [["自然人", "2026-03-02", "政依申〔2026〕第0005号", "甲", "", "", "", "", "", "", ""],
            ["自然人", "2026-03-02", number, "乙", "", "", "", "", "", "", ""]]
    with pytest.raises(LedgerRejected) as caught:
        import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows), today=TODAY)
    assert [(p.line, p.column) for p in caught.value.problems] == [(3, "受理编号")]
    assert fragment in caught.value.problems[0].reason
    assert count(db, Request) == 0
    with pytest.raises(LedgerRejected):  # the check runs before anything is written, also on a dry run
        import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows), today=TODAY, dry_run=True)
    import_ledger(db, users["clerk"], write_csv(tmp_path, rows=rows[:1]), today=TODAY)
    assert cases.register(db, users["clerk"], person(), today=TODAY).case.number == "政依申〔2026〕第0006号"


def test_ten_thousand_rows_import_in_a_few_hundred_statements(db, users, tmp_path):
    rows = []
    for i in range(10_000):
        closed = i % 2 == 0
        rows.append(["自然人" if i % 3 else "商业企业", f"2025/{i % 12 + 1}/{i % 28 + 1}", f"批量-{i:05d}", f"申请人{i}",
                     "", "邮寄", "予以公开" if closed else "", "2025-12-31" if closed else "", "", "", ""])
    path = write_csv(tmp_path, rows=rows)
    statements: list[int] = []  # rows written by each statement sent to the database

    def sent(conn, cursor, statement, parameters, context, executemany):
        statements.append(len(parameters) if executemany else 1)

    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        report = import_ledger(db, users["clerk"], path, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", sent)
    assert report.imported == 10_000 and count(db, Request) == 10_000
    # rows go in batches, not a statement (a round trip) per row: 139 statements on 2026-11-29
    assert len(statements) < 500 and sum(statements) > 10_000, (len(statements), sum(statements))
    assert audit.verify_chain(db).ok


def test_imported_closed_requests_feed_the_tally(db, users, tmp_path):
    pytest.importorskip("workstation.domain.tally",
                        reason="workstation/domain/tally.py (the tally arithmetic) is not written yet")
    from workstation.services.tally import tally

    import_ledger(db, users["clerk"], write_csv(tmp_path), today=TODAY)
    table = tally(db, date(2025, 1, 1), date(2025, 12, 31)).to_json()["table3"]
    # the two 2025 rows: 王小明 (自然人, 予以公开) and 宏达 (商业企业, 不予公开·属于国家秘密)
    assert table["new"]["natural"] == 1 and table["new"]["commercial"] == 1 and table["new"]["total"] == 2
    assert table["disclosed"]["natural"] == 1
    assert table["withheld.state_secret"]["commercial"] == 1 and table["withheld"]["commercial"] == 1
    assert table["carried_out"]["total"] == 0
    table_2026 = tally(db, date(2026, 1, 1), date(2026, 12, 31)).to_json()["table3"]
    assert table_2026["new"]["total"] == 3 and table_2026["unavailable.not_held"]["legal_service"] == 1
    assert table_2026["carried_out"]["natural"] == 2
