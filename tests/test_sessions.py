"""Staff sessions: idle timeout from the sign-in response on, an absolute lifetime, cookie names
and flags (issue 13, defects 1 and 10)."""

from datetime import UTC, datetime, timedelta

import pytest

from matchmaker import create_app
from matchmaker.staff import session_policy
from tests.helpers import login


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves forward: clock.advance(seconds)."""

    class Clock:
        now = datetime.now(UTC)

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    fake = Clock()
    monkeypatch.setattr(session_policy, "now", lambda: fake.now.timestamp())
    return fake


def test_the_sign_in_response_starts_the_idle_clock(app, client, make_user, clock):
    """Defect 1: a saved sign-in cookie idle for 75 s with a one-minute timeout is refused."""
    app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = 1
    assert login(client, make_user().email).status_code == 302
    clock.advance(75)
    response = client.get("/staff/leads")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_session_in_use_lives_while_under_the_idle_timeout(app, client, make_user, clock):
    app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = 1
    login(client, make_user().email)
    for _ in range(5):
        clock.advance(50)
        assert client.get("/staff/leads").status_code == 200


def test_a_session_used_hourly_still_ends_after_its_absolute_lifetime(app, client, make_user,
                                                                      clock):  # fmt: skip
    assert app.config["STAFF_SESSION_MAX_HOURS"] == 12
    login(client, make_user().email)
    for _ in range(12):  # the last one 11 h 40 min after sign-in
        clock.advance(3500)
        assert client.get("/staff/").status_code == 200
    clock.advance(3000)  # 12 h 30 min after sign-in, 50 min after the last request
    response = client.get("/staff/", follow_redirects=True)
    assert "Please sign in again" in response.text


def test_the_absolute_lifetime_is_configurable(app, client, make_user, clock):
    app.config["STAFF_SESSION_MAX_HOURS"] = 1
    login(client, make_user().email)
    clock.advance(1800)
    assert client.get("/staff/").status_code == 200
    clock.advance(1900)
    assert client.get("/staff/").status_code == 302


def test_a_session_cookie_without_times_is_refused(app, client, make_user):
    login(client, make_user().email)
    with client.session_transaction() as session:
        session.pop(session_policy.LAST_SEEN)
        session.pop(session_policy.SIGNED_IN_AT)
    assert client.get("/staff/").status_code == 302


def test_secure_session_cookies_are_named_with_the_host_prefix(monkeypatch):
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "s" * 40)
    assert create_app({"DATABASE_URL": "sqlite://"}).config["SESSION_COOKIE_NAME"] == (
        "__Host-session"
    )
    plain = create_app({"DATABASE_URL": "sqlite://", "SESSION_COOKIE_SECURE": False})
    assert plain.config["SESSION_COOKIE_NAME"] == "session"


def test_the_host_prefixed_cookie_is_sent_with_its_required_attributes(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": True})  # fmt: skip
    from matchmaker.extensions import db

    with app.app_context():
        db.create_all()
        from matchmaker.services import accounts

        accounts.create_user("ann@agency.be", "Ann", "correct horse battery staple")
        db.session.commit()
    client = app.test_client()
    response = client.post(
        "/staff/login",
        data={"email": "ann@agency.be", "password": "correct horse battery staple"},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_the_language_cookie_is_secure_over_https(client):
    over_https = client.get("/language/fr", base_url="https://localhost")
    assert "Secure" in over_https.headers["Set-Cookie"]
    over_http = client.get("/language/fr")
    assert "Secure" not in over_http.headers["Set-Cookie"]
