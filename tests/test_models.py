"""The data model: timestamps, tag sets, references, optimistic locking."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization, has_tag
from tests.helpers import BOTH_DATABASES


def make_inquiry(**fields) -> Inquiry:
    values = {
        "name": "Ada Investor",
        "email": "ada@example.com",
        "organization": "Fund One",
        "country": "US",
        "investor_type": "vc-fund",
        "interests": "Cell therapy manufacturing in Europe",
        "consent_at": datetime.now(UTC),
        "consent_version": "2026-11",
    }
    return Inquiry(**values | fields)


@BOTH_DATABASES
def test_timestamps_are_read_back_aware_in_utc(app):
    with app.app_context():
        db.session.add(make_inquiry())
        db.session.commit()
        db.session.expire_all()
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        assert inquiry.created_at.tzinfo is not None
        assert inquiry.created_at.utcoffset().total_seconds() == 0
        assert inquiry.consent_at.tzinfo is not None


@BOTH_DATABASES
def test_tag_sets_round_trip_and_filter_exactly(app):
    with app.app_context():
        db.session.add_all(
            [
                Organization(slug="a", name="A", kind="company", province="Namur",
                             sectors=("energy", "cleantech")),
                Organization(slug="b", name="B", kind="company", province="Namur",
                             sectors=("life-sciences",)),
            ]
        )  # fmt: skip
        db.session.commit()
        db.session.expire_all()
        org = db.session.scalars(sa.select(Organization).filter_by(slug="a")).one()
        assert org.sectors == ("cleantech", "energy")
        found = db.session.scalars(
            sa.select(Organization.slug).where(has_tag(Organization.sectors, "energy"))
        ).all()
        assert found == ["a"]


def test_inquiry_gets_an_unguessable_reference_and_a_short_code(app):
    with app.app_context():
        first, second = make_inquiry(), make_inquiry(email="b@example.com")
        db.session.add_all([first, second])
        db.session.commit()
        assert len(first.reference) >= 32 and first.reference != second.reference
        assert first.code.startswith("WM-") and len(first.code) == 9


def test_naive_datetimes_are_refused(app):
    with app.app_context():
        db.session.add(make_inquiry(consent_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.commit()


def test_concurrent_edit_of_an_inquiry_is_detected(app):
    with app.app_context():
        db.session.add(make_inquiry())
        db.session.commit()
        inquiry = db.session.scalars(sa.select(Inquiry)).one()
        someone_else = sa.update(Inquiry).values(status="qualified", version=Inquiry.version + 1)
        db.session.execute(someone_else.execution_options(synchronize_session=False))
        inquiry.status = "spam"
        with pytest.raises(StaleDataError):
            db.session.commit()
