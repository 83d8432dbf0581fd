"""The demo register: a living register a newcomer can work in, consistent with the services' rules."""

from __future__ import annotations

from datetime import date

from helpers.reply import REASONS

from workstation.domain.status import Status
from workstation.services import audit, documents, queries, review
from workstation.services.demo import fill_demo
from workstation.services.users import authenticate

TODAY = date(2026, 11, 23)


def test_every_step_of_the_demo_can_be_taken_further(db):
    fill_demo(db, cases=300, today=TODAY)
    ids = queries.list_case_ids(db, queries.CaseFilter(), today=TODAY)
    summaries = queries.fetch_cases(db, ids)
    by_status = {s: [c for c in summaries if c.status is s] for s in Status}
    assert by_status[Status.REVIEW] and by_status[Status.REPLY] and by_status[Status.REPLIED]
    for c in by_status[Status.REVIEW]:
        assert review.latest_review(db, c.id).status == "submitted"
    for c in by_status[Status.REPLY]:
        assert review.latest_review(db, c.id).status == "signed"

    clerk = authenticate(db, "clerk", "demo123").actor()
    reviewer = authenticate(db, "reviewer", "demo123").actor()
    review.sign_off(db, reviewer, by_status[Status.REVIEW][0].id, today=TODAY)
    waiting = by_status[Status.REPLY][0].id
    review.reply(db, clerk, waiting, review.ReplyData("disclosed", TODAY, **REASONS["disclosed"]), today=TODAY)
    assert documents.issue(db, clerk, waiting, "reply", today=TODAY).number
    for c in by_status[Status.REPLIED]:  # every replied demo request can print its notice
        documents.issue(db, clerk, c.id, "reply", today=TODAY)
    assert audit.verify_chain(db).ok
