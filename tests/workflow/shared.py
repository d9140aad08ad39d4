"""What the tests of working a lead share: the lead they work on, reading it back, posting a
change as the lead page does."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, OutboxMessage

CONFLICT = "This lead was changed by someone else while you were editing."


@dataclass
class Lead:
    id: int
    matches: list[int]  # match ids, best first
    orgs: list[str]  # their organizations' names


def state(app, lead: Lead) -> Inquiry:
    """The lead as stored, with its matches (detached, read-only)."""
    with app.app_context():
        inquiry = db.session.get(Inquiry, lead.id)
        _ = inquiry.matches, inquiry.assignee, [m.organization for m in inquiry.matches]
        db.session.expunge_all()
        return inquiry


def activities(app, lead: Lead, kind: str | None = None) -> list[Activity]:
    with app.app_context():
        query = sa.select(Activity).where(Activity.inquiry_id == lead.id).order_by(Activity.id)
        if kind:
            query = query.where(Activity.kind == kind)
        rows = db.session.scalars(query).all()
        _ = [row.user for row in rows]
        db.session.expunge_all()
        return list(rows)


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def post(client, app, lead: Lead, path: str, version: int | None = None, **data):
    """POST a change to the lead with the version it has now (or the one given)."""
    if version is None:
        version = state(app, lead).version
    return client.post(f"/staff/leads/{lead.id}/{path}", data={"version": version, **data})


def follow(client, response) -> str:
    """The lead page a change redirected to (post/redirect/get), with its flash message."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).text
