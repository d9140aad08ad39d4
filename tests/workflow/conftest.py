"""The lead the workflow tests work on, and Ann, who it is assigned to."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from tests import factories
from tests.helpers import login
from tests.workflow.shared import Lead


@pytest.fixture
def lead(seeded, make_user) -> Lead:
    """A new lead assigned to Ann (signed in as staff_client's user is someone else), with three
    engine matches; the first organization has a French-speaking contact address."""
    ann = make_user("ann@agency.be", name="Ann Peeters")
    make_user("bob@agency.be", name="Bob Martin")
    with seeded.app_context():
        orgs = factories.organizations(3)
        orgs[0].contact_email = "bd@first.example"
        orgs[0].description_fr, orgs[0].description = orgs[0].description, ""  # French only
        orgs[1].contact_email = orgs[2].contact_email = ""
        inquiry = factories.add_inquiry(share_consent=True, assignee_id=ann.id,
                                        scores=(0.8, 0.6, 0.4), match_orgs=orgs)  # fmt: skip
        db.session.commit()
        return Lead(inquiry.id, [m.id for m in inquiry.matches], [o.name for o in orgs])


@pytest.fixture
def ann(client, lead):
    """A client signed in as Ann, who the lead is assigned to."""
    login(client, "ann@agency.be")
    return client
