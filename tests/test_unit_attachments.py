"""A unit's user adds a file to its own request only (issue 19: writes refused across units)."""

from __future__ import annotations

import pytest
from test_units import MON, _register, county  # noqa: F401 (the fixture)

from workstation.services import handover, office
from workstation.services.base import PermissionDenied


def test_a_unit_user_cannot_attach_a_file_to_another_units_request(db, county, tmp_path):  # noqa: F811
    mine, theirs = _register(db, county), _register(db, county, applicant_name="李四")
    handover.hand_over(db, county["clerk"], mine.id, [county["units"]["roads"].id], today=MON)
    handover.hand_over(db, county["clerk"], theirs.id, [county["units"]["town"].id], today=MON)
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    with pytest.raises(PermissionDenied, match="未交由本单位"):
        office.add_attachment(db, county["roads"], theirs.id, scan)
    assert office.list_attachments(db, theirs.id) == []
    office.add_attachment(db, county["roads"], mine.id, scan)
    assert [a.filename for a in office.list_attachments(db, mine.id)] == ["扫描件.pdf"]
