"""The county office's screens (issue 19), taken by `python -m workstation.gui.screenshots OUTDIR` (30-40).

A demo register with three units and their users; requests handed over in every state; then the admin's
承办单位, the office's case window with its 转办 section and dialogs, the unit's case window and draft,
both dashboards (督办 and the unit's list) and the tally by unit.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from workstation.domain.status import Role
from workstation.services import cases, handover, queries, units, users
from workstation.services.demo import DEMO_LOGINS, fill_demo
from workstation.store.database import Database

from .context import AppContext
from .main_window import MainWindow
from .screenshots import SIZE, open_case_view, save, settle
from .settings_dialog import SettingsDialog

PASSWORD = "demo123"
UNITS = (("县交通运输局", "县直部门", "roads", "交通局承办"), ("城关镇人民政府", "乡镇街道", "town", "城关镇承办"),
         ("县自然资源局", "县直部门", "land", "自然资源局承办"))


def county(db: Database, today: date) -> dict[str, AppContext]:
    """Units, a user in each, and open requests handed over: one signed for with a draft, one waiting."""
    admin = users.authenticate(db, "admin", PASSWORD).actor()
    made: dict[str, AppContext] = {}
    for name, kind, login, display in UNITS:
        unit = units.create_unit(db, admin, name, kind)
        info = users.create_user(db, admin, login, display, PASSWORD, {Role.CLERK, Role.HEAD})
        units.set_user_unit(db, admin, info.id, unit.id)
        made[login] = AppContext(db, users.authenticate(db, login, PASSWORD), today=lambda: today)
    for login, _password in DEMO_LOGINS:
        made[login] = AppContext(db, users.authenticate(db, login, PASSWORD), today=lambda: today)
    open_ids = queries.list_case_ids(db, queries.CaseFilter(view="in_progress"), today=today)
    listed = {u.name: u.id for u in units.list_units(db)}
    clerk = made["clerk"].actor
    ids = {}
    week_ago = today - timedelta(days=7)  # handed a week ago and not signed for: the office chases it
    older = [i for i in open_ids if cases.get_case(db, i).received <= week_ago - timedelta(days=1)]
    for i, (name, *_rest) in enumerate(UNITS):
        ids[name] = open_ids[i]
        handover.hand_over(db, clerk, open_ids[i], [listed[name]], today=today, note="请核实是否掌握该信息")
    handover.hand_over(db, clerk, open_ids[3], [listed[UNITS[0][0]], listed[UNITS[1][0]]], today=today)
    for case_id in older[:2]:
        if case_id not in open_ids[:4]:
            handover.hand_over(db, clerk, case_id, [listed[UNITS[1][0]]], today=week_ago)
    roads = made["roads"].actor
    handover.sign_for(db, roads, ids[UNITS[0][0]], today=today)
    handover.submit_draft(db, roads, ids[UNITS[0][0]], result_key="disclosed", text="经查,该信息由本局制作,拟予公开。",
                          opinion="经审查,不涉及国家秘密", today=today)
    handover.remind(db, clerk, listed[UNITS[0][0]], "请于内部办理期限前提交答复草稿", case_id=open_ids[3], today=today)
    made["ids"] = ids  # type: ignore[assignment]
    return made


def shoot_county(folder: Path, out: Path) -> None:
    """A county register of its own in ``folder`` (the demo's office stays single), then its screens."""
    db = Database.open_path(folder / "county.sqlite3")
    today = date.today()
    fill_demo(db, cases=60, today=today)
    shoot(db, county(db, today), out)
    db.close()


def shoot(db: Database, who: dict, out: Path) -> None:
    admin, clerk, reviewer, roads, town = (who[k] for k in ("admin", "clerk", "reviewer", "roads", "town"))
    settings = SettingsDialog(admin)
    settings.show()
    dialog = settings.open_units()
    dialog.resize(780, 600)
    save(dialog, out, "30-units", admin)
    dialog.close()
    settings.close()
    first, waiting = who["ids"][UNITS[0][0]], who["ids"][UNITS[1][0]]

    view = open_case_view(clerk, first)
    save(view, out, "31-case-office", clerk)
    view.handover_panel.start("hand_over")
    save(view.handover_panel.dialog, out, "32-hand-over", clerk)
    view.handover_panel.dialog.reject()
    view.close()
    view = open_case_view(reviewer, first)  # the unit's draft waits for the reviewer (采纳草稿 enabled)
    save(view, out, "33-case-reviewer", reviewer)
    view.close()

    view = open_case_view(town, waiting)
    save(view, out, "34-case-unit", town)
    view.handover_panel.start("sign_for")
    save(view.handover_panel.dialog, out, "35-sign-for", town)
    view.handover_panel.dialog.accept()
    settle(town)
    view.handover_panel.start("submit_draft")
    save(view.handover_panel.dialog, out, "36-draft", town)
    view.handover_panel.dialog.reject()
    view.close()

    for ctx, name in ((clerk, "37-dashboard-office"), (roads, "38-dashboard-unit")):
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        window.show_page("dashboard")
        save(window, out, name, ctx)
        if ctx is clerk:
            panel = window.pages["dashboard"].supervision
            panel.remind()
            save(panel.dialog, out, "39-remind", ctx)
            panel.dialog.reject()
            window.show_page("tally")
            tally = window.pages["tally"]
            settle(ctx)
            tally.tabs.setCurrentWidget(tally.units_page)
            save(window, out, "40-tally-units", ctx)
        window.close()

