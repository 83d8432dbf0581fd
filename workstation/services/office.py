"""The office itself: its settings, the first run, and the files attached to a case.

settings — 机关设置; attachments — 附件 (scans of the request form, ID copies).
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workstation.domain.errors import UserError
from workstation.domain.status import Role
from workstation.services.access import check_reach
from workstation.services.base import Actor, ValidationError, invalidate, require, utcnow, writing
from workstation.services.users import UserInfo, create_first_admin
from workstation.settings import SETTINGS, validate
from workstation.store.database import Database
from workstation.store.models import Attachment, Request, Setting

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _validated(values: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every value converted to its setting's type; all problems at once, keyed by setting."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in required:
        if not str(values.get(key) or "").strip():
            errors[key] = f"请填写{SETTINGS[key].label}"
    for key, value in values.items():
        try:
            clean[key] = validate(key, value)
        except UserError as exc:
            errors.setdefault(exc.field or key, exc.message)
    folder = clean.get("documents.template_dir")
    if folder and "documents.template_dir" not in errors:
        errors.update(_template_folder_errors(Path(folder)))
    if errors:
        raise ValidationError(errors)
    return clean


def _template_folder_errors(folder: Path) -> dict[str, str]:
    """An office's template folder is tried (each template rendered once, within its limits) before it is set."""
    from workstation.documents.templates import check_folder

    try:
        check_folder(folder)
    except UserError as exc:
        return {"documents.template_dir": f"模板未能启用:{exc.message}"}
    return {}


def save_settings(db: Database, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Write office settings (admin only) with one "settings_changed" event; returns the changed values."""
    require(actor, Role.ADMIN, action="修改设置")
    clean = _validated(values)
    with writing(db, actor) as tx:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, value in clean.items():
            row = tx.session.get(Setting, key)
            old = row.value if row is not None else SETTINGS[key].default
            if old == value:
                continue
            before[key], after[key] = old, value
            if row is None:
                tx.session.add(Setting(key=key, value=value))
            else:
                row.value = value
        if after:
            tx.event("settings_changed", before=before, after=after)
    invalidate(db, "settings")
    return after


def setup_office(db: Database, office_values: dict[str, Any], admin_login: str, admin_name: str,
                 password: str) -> UserInfo:
    """The first run: the office's settings and its first administrator.

    The settings are checked before the administrator is created, so a typing
    error never leaves a register with an administrator and no office.
    """
    _validated(office_values, required=("office.name",))
    admin = create_first_admin(db, admin_login, admin_name, password)
    save_settings(db, admin.actor(), office_values)
    return admin


def add_attachment(db: Database, actor: Actor, case_id: int, path: Path | str, *,
                   purpose: str = "intake") -> int:
    """Store a file (at most 20 MB) with a case; returns the attachment's id."""
    require(actor, Role.CLERK, Role.HEAD, action="添加附件")
    path = Path(path)
    if not path.is_file():
        raise UserError(f"文件不存在或不是文件:{path}", field="path")
    size = path.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise UserError(f"文件“{path.name}”有 {size / 1024 / 1024:.1f} MB,超过 20 MB 的上限;"
                        "请降低扫描分辨率或分成几个文件。", field="path")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"无法读取文件“{path.name}”:{exc.strerror}", field="path") from None
    digest = hashlib.sha256(data).hexdigest()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    with writing(db, actor) as tx:
        if tx.session.get(Request, case_id) is None:
            raise UserError(f"找不到编号为 {case_id} 的申请")
        check_reach(tx.session, actor, case_id)  # a unit's user: only the requests handed to its unit
        row = Attachment(request_id=case_id, purpose=purpose, filename=path.name[:255], mime=mime,
                         sha256=digest, data=data, added_at=utcnow(), added_by=actor.id)
        tx.session.add(row)
        tx.session.flush()
        tx.event("attachment_added", request_id=case_id,
                 after={"filename": row.filename, "size": size, "sha256": digest, "mime": mime,
                        "purpose": purpose})
        return row.id


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    mime: str
    size: int


def list_attachments(db: Database, case_id: int) -> list[AttachmentInfo]:
    """A case's attachments (without their bytes), oldest first."""
    with db.read() as s:
        rows = s.execute(
            select(Attachment.id, Attachment.filename, Attachment.mime, func.length(Attachment.data))
            .where(Attachment.request_id == case_id).order_by(Attachment.id)
        ).all()
    return [AttachmentInfo(r[0], r[1], r[2], int(r[3] or 0)) for r in rows]
