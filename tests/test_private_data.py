"""Personal data on disk and on screen (issue 16 item 8): owner-only files, a register readable by
others tightened with a message, and the ID number masked in every listing of events."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from conftest import person
from helpers.cli import login, sign_in

from workstation.cli import main
from workstation.files import write_private_bytes
from workstation.services import audit, cases, office
from workstation.services.base import PermissionDenied
from workstation.store.database import Database

TODAY = date(2026, 3, 5)
OLD_ID, NEW_ID = "11010519491231002X", "11010119900307803X"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def sqlite_only(db):
    if db.path is None:
        pytest.skip("files on disk: SQLite only")
    return db


def test_the_notice_command_writes_an_owner_only_pdf(sqlite_only, users, tmp_path, capsys, monkeypatch):
    db = sqlite_only
    office.save_settings(db, users["admin"], {"office.name": "示范县城关镇人民政府"})
    case = cases.register(db, users["clerk"], person(handed_in_on=TODAY), today=TODAY).case
    out = tmp_path / "回执.pdf"
    out.write_bytes(b"old")
    out.chmod(0o644)  # a file that was there before is not left readable by others
    sign_in(monkeypatch)
    assert main(["notice", "receipt", "--case", case.number, "--db", str(db.path), "--out", str(out),
                 *login("clerk")]) == 0
    assert out.read_bytes().startswith(b"%PDF") and mode(out) == 0o600


def test_write_private_bytes_replaces_whole(tmp_path):
    path = tmp_path / "a.pdf"
    write_private_bytes(path, b"%PDF-1")
    assert path.read_bytes() == b"%PDF-1" and mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_a_register_readable_by_others_is_tightened_with_a_message(tmp_path, capsys):
    path = tmp_path / "r.sqlite3"
    Database.open_path(path).close()
    path.chmod(0o644)
    assert main(["audit", "verify", "--db", str(path)]) == 0
    err = capsys.readouterr().err
    assert "其他用户也能读取" in err and "仅本人可读写" in err and str(path) in err
    assert mode(path) == 0o600
    db = Database.open_path(path)
    with db.write() as s:
        from sqlalchemy import text

        s.execute(text("SELECT 1"))
    for side in ("-wal", "-shm"):
        if os.path.exists(f"{path}{side}"):
            assert mode(f"{path}{side}") == 0o600, side
    db.close()
    assert main(["audit", "verify", "--db", str(path)]) == 0
    assert "其他用户" not in capsys.readouterr().err  # said once, when it was changed


def test_existing_side_files_are_tightened_too(tmp_path):
    path = tmp_path / "r.sqlite3"
    Database.open_path(path).close()
    path.chmod(0o644)
    wal = tmp_path / "r.sqlite3-wal"
    wal.write_bytes(b"")
    wal.chmod(0o644)
    db = Database.open_path(path)
    assert mode(path) == 0o600 and mode(wal) == 0o600 and db.notices
    db.close()


def corrected(db, users):
    case = cases.register(db, users["clerk"], person(handed_in_on=TODAY, id_number=OLD_ID), today=TODAY).case
    data = person(handed_in_on=TODAY, id_number=NEW_ID)
    cases.correct_registration(db, users["clerk"], case.id, data, "证件号码登记错误", today=TODAY)
    return case


def test_the_timeline_shows_a_clerk_the_id_number_masked(db, users):
    case = corrected(db, users)
    text = repr(cases.timeline(db, case.id, viewer=users["clerk"])) + repr(cases.timeline(db, case.id))
    assert OLD_ID not in text and NEW_ID not in text
    assert "110105********002X" in text and "110101********803X" in text


def test_the_audit_listing_is_refused_to_a_clerk(db, users):
    """A clerk may not list the audit trail at all (the 审计 page is the head's and the admin's)."""
    corrected(db, users)
    for viewer in (users["clerk"], users["reviewer"]):
        with pytest.raises(PermissionDenied):
            audit.list_events(db, limit=100, viewer=viewer)


def test_who_may_reveal_sees_the_whole_number(db, users):
    case = corrected(db, users)
    text = repr(cases.timeline(db, case.id, viewer=users["head"]))
    assert OLD_ID in text and NEW_ID in text
    assert NEW_ID in repr(audit.list_events(db, limit=100, viewer=users["admin"]))
