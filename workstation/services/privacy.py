"""Personal data in listings of events: the ID number (证件号码) is shown masked unless the viewer
may reveal it (the same roles as the case view's "查看完整证件号码")."""

from __future__ import annotations

from typing import Any

from workstation.domain.identity import mask_id
from workstation.domain.status import Role
from workstation.services.base import Actor

REVEAL_ROLES = (Role.HEAD, Role.ADMIN, Role.REVIEWER)
ID_KEYS = ("id_number",)


def may_reveal_ids(viewer: Actor | None) -> bool:
    """A unit's users never do (personal data stays masked for units as it is for clerks)."""
    return viewer is not None and not viewer.in_unit and viewer.has(*REVEAL_ROLES)


def event_data_for(viewer: Actor | None, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """An event's before/after as the viewer may see it: ID numbers masked unless they may reveal them."""
    if not data or may_reveal_ids(viewer) or not any(k in data for k in ID_KEYS):
        return data
    return {k: (mask_id(v) if k in ID_KEYS and isinstance(v, str) else v) for k, v in data.items()}
