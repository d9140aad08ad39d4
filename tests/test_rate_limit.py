"""The inquiry form's rate limit per client: in-process by default, shared through Redis."""

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from matchmaker import create_app
from matchmaker.extensions import db, limiter
from matchmaker.models import Inquiry
from tests.helpers import skip_unless_available, submit, text

pytestmark = pytest.mark.usefixtures("seeded")

REDIS_URL_VARIABLE = "MATCHMAKER_TEST_REDIS_URL"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The test app with a tight limit: two inquiries a minute from one address."""
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_app(database_url: str, **config) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "INQUIRY_RATE_LIMIT": "2 per minute",
            **config,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def inquiries(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Inquiry.id)))


def test_past_the_limit_the_form_answers_429_with_advice_and_writes_nothing(app, client):
    assert submit(client).status_code == 303
    assert submit(client).status_code == 303
    refused = submit(client)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = text(refused)
    assert "Your inquiry was not sent." in page
    assert "Wait a few minutes, then go back to the form" in page
    assert 'href="/inquiry"' in refused.get_data(as_text=True)
    assert inquiries(app) == 2
    assert client.get("/inquiry").status_code == 200  # reading the form is never limited


def test_the_429_page_speaks_the_visitors_language(client):
    for _ in range(2):
        submit(client, "fr", name="")  # invalid posts count too
    refused = submit(client, "fr")
    assert refused.status_code == 429
    assert "Votre demande n'a pas été envoyée." in text(refused)


def test_each_client_address_has_its_own_allowance(app, client):
    for _ in range(2):
        submit(client)
    assert submit(client).status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert submit(other).status_code == 303


def test_redis_storage_shares_the_count_between_workers(database_url):
    url = os.environ.get(REDIS_URL_VARIABLE, "")
    skip_unless_available(
        url.startswith("redis"), f"set {REDIS_URL_VARIABLE}=redis://... to test the Redis storage"
    )
    # Two app instances stand for two workers: with Redis the second sees the first's count.
    prefix = f"test-{uuid.uuid4().hex}"
    config = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix}
    first = make_app(database_url, **config)  # the database is the one `seeded` filled
    try:
        for _ in range(2):
            assert submit(first.test_client()).status_code == 303
        second = make_app(database_url, **config)
        assert submit(second.test_client()).status_code == 429
        assert inquiries(second) == 2
    finally:
        limiter.reset()
