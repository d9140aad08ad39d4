"""Hostile or broken input gets a 4xx with a reason and changes nothing (issue 13, defects 6
and 7): ids past the database's integer range, contact addresses that are lists, NUL and lone
surrogates, bodies over the cap (chunked ones too)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, User
from matchmaker.services import api_tokens
from tests import factories
from tests.helpers import BOTH_DATABASES, login

# Past SQLite's 64-bit INTEGER (an OverflowError in the driver) and PostgreSQL's int4.
HUGE_IDS = ("99999999999999999999", str(2**63), str(2**31))


def id_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route with an integer in its path, each integer a placeholder."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            method = min(rule.methods - {"HEAD", "OPTIONS"})
            routes.append((method, re.sub(r"<int:\w+>", "{id}", rule.rule)))
    return routes


@pytest.fixture
def admin_and_token(app, client, make_user):
    """A client signed in as an admin, and an API token (write scope) of that admin."""
    make_user("admin@agency.be", role="admin")
    login(client, "admin@agency.be")
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@agency.be"))
        secret = api_tokens.issue(admin, "test", "write", by=admin).secret
        db.session.commit()
    return client, {"Authorization": f"Bearer {secret}"}


@BOTH_DATABASES
@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_past_the_databases_integer_range_are_not_found(app, admin_and_token, huge):
    client, token = admin_and_token
    routes = id_routes(app)
    paths = {path for _method, path in routes}
    assert {"/staff/leads/{id}", "/staff/outbox/{id}", "/staff/admin/users/{id}",
            "/staff/admin/routing/{id}", "/staff/outbox/{id}/retry",
            "/staff/admin/api-tokens/{id}/revoke", "/api/v1/leads/{id}"} <= paths  # fmt: skip
    for method, path in routes:
        url = path.replace("{id}", huge)
        response = client.open(url, method=method, headers=token)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        if url.startswith("/api/"):
            assert response.json["status"] == 404
        else:
            assert "We could not find that page" in response.get_data(as_text=True)


@BOTH_DATABASES
def test_ids_past_the_range_in_forms_are_refused_and_change_nothing(seeded, admin_client):
    """Ids posted in forms (bulk changes, assignment, adding a match) are checked the same way."""
    with seeded.app_context():
        lead = factories.add_inquiry(scores=(0.5,), match_orgs=factories.organizations(1))
        db.session.commit()
        lead_id = lead.id
    huge = HUGE_IDS[0]
    posts = [
        ("/staff/leads/bulk", {"ids": [huge], "action": "status", "status": "qualified"}),
        ("/staff/leads/bulk", {"ids": [str(lead_id)], "action": "assign", "assignee": huge}),
        (f"/staff/leads/{lead_id}/assignee", {"version": "1", "assignee": huge}),
        (f"/staff/leads/{lead_id}/matches", {"version": "1", "organization_id": huge}),
    ]
    for url, data in posts:
        assert admin_client.post(url, data=data).status_code == 400, (url, data)
    with seeded.app_context():
        lead = db.session.get(Inquiry, lead_id)
        assert (lead.version, lead.status, lead.assignee_id) == (1, "new", None)
        assert len(lead.matches) == 1
