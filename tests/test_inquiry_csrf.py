"""The inquiry form with CSRF protection switched on, as in production."""

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Inquiry, OutboxMessage
from tests.helpers import answers


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The usual test app, but with CSRF checks on."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


pytestmark = pytest.mark.usefixtures("seeded")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)


def rows(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Inquiry.id))),
            db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
        )


def test_post_without_csrf_token_is_refused_and_writes_nothing(app, client):
    page = client.get("/inquiry").get_data(as_text=True)
    response = client.post("/inquiry", data=answers(submission_key=hidden(page, "submission_key")))
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
    assert rows(app) == (0, 0)


def test_post_with_a_forged_csrf_token_is_refused(app, client):
    page = client.get("/inquiry").get_data(as_text=True)
    data = answers(submission_key=hidden(page, "submission_key"), csrf_token="forged")
    assert client.post("/inquiry", data=data).status_code == 400
    assert rows(app) == (0, 0)


def test_post_with_the_pages_csrf_token_is_saved(app, client):
    page = client.get("/inquiry").get_data(as_text=True)
    data = answers(
        submission_key=hidden(page, "submission_key"), csrf_token=hidden(page, "csrf_token")
    )
    response = client.post("/inquiry", data=data)
    assert response.status_code == 303
    assert rows(app) == (1, 2)
