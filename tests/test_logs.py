"""The app's own log names people by id, never by e-mail address (issue 13, defect 8). The
relay's failures are in test_outbox.py, the access log in test_audit.py."""

import logging

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from tests import factories
from tests.helpers import app_log

INVESTOR = "aiko.tanaka@sakura-bio.example"


def test_a_database_error_carries_the_statement_but_not_its_values(app):
    """What the error page's "Unhandled error" line would log (its traceback) has no address."""
    with app.app_context(), pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE email = :email"),
                           {"email": INVESTOR})  # fmt: skip
    assert "no_such_table" in str(raised.value)
    assert INVESTOR not in str(raised.value)


def test_user_administration_is_logged_with_ids(admin_client, make_user, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker")
    user = make_user("bob@agency.be")
    admin_client.post(f"/staff/admin/users/{user.id}/password")
    admin_client.post(f"/staff/admin/users/{user.id}/deactivate")
    admin_client.post("/staff/admin/users/new",
                      data={"email": "carol@agency.be", "name": "Carol", "role": "staff"})
    logged = app_log(caplog)
    assert f"deactivated user {user.id}" in logged
    assert "@agency.be" not in logged, logged


def test_directory_administration_is_logged_with_ids(seeded, admin_client, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker")
    with seeded.app_context():
        slug = factories.organizations(1)[0].slug
    admin_client.post(f"/staff/admin/organizations/{slug}/deactivate")
    logged = app_log(caplog)
    assert f"deactivated organization {slug}" in logged
    assert "@agency.be" not in logged, logged
