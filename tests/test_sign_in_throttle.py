"""Sign-in throttling per address and per account (growing delays, never a lock an attacker can
put on someone else), the common-password check and one maximum length (issue 13, defects 4
and 9)."""

import time
from datetime import timedelta

import pytest

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import utcnow
from matchmaker.services import accounts, sign_in_throttle
from tests.helpers import BOTH_DATABASES, PASSWORD, login
from tests.live import Visitor, gunicorn, hidden_value, prepare_database

WRONG = "The email or password is not right"
ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = utcnow()

        def advance(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    fake = Clock()
    monkeypatch.setattr(sign_in_throttle, "now", lambda: fake.now)
    return fake


def attempt(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.post("/staff/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def test_thirty_failures_over_different_accounts_from_one_address_get_a_429(client):
    codes = [attempt(client, f"user{n}@agency.be", "wrong password!").status_code
             for n in range(30)]  # fmt: skip
    assert 429 in codes
    assert codes[0] == 200
    assert attempt(client, "x@agency.be", "wrong", address="198.51.100.7").status_code == 200


def test_a_successful_sign_in_does_not_use_up_the_allowance(client, make_user):
    make_user()
    for _ in range(15):
        assert login(client, "staff@agency.be").status_code == 302
        client.post("/staff/logout")


def test_delays_grow_with_each_failure_and_stop_growing(app):
    delays = [sign_in_throttle.delay_after(failures) for failures in range(1, 30)]
    assert delays[: sign_in_throttle.FREE_FAILURES] == [0] * sign_in_throttle.FREE_FAILURES
    growing = delays[sign_in_throttle.FREE_FAILURES :]
    assert growing == sorted(growing) and growing[0] >= 1 and growing[1] == 2 * growing[0]
    assert max(delays) == sign_in_throttle.MAX_DELAY_SECONDS


def test_failures_make_that_address_wait_even_with_the_right_password(app, client, make_user,
                                                                      clock):  # fmt: skip
    app.config["RATELIMIT_ENABLED"] = False
    make_user()
    for _ in range(sign_in_throttle.FREE_FAILURES + 1):
        assert WRONG in attempt(client, "staff@agency.be", "not the password").text
    refused = attempt(client, "staff@agency.be", PASSWORD)
    assert refused.status_code == 200 and "wait" in refused.text
    clock.advance(sign_in_throttle.delay_after(sign_in_throttle.FREE_FAILURES + 1) + 1)
    assert attempt(client, "staff@agency.be", PASSWORD).status_code == 302


def test_an_attacker_cannot_lock_an_admin_out(app, make_user, clock):
    """Defect 4: five wrong passwords locked any account, admins included, for anyone."""
    make_user("admin@agency.be", role="admin")
    attacker, admin = app.test_client(), app.test_client()
    app.config["RATELIMIT_ENABLED"] = False  # the per-address limit aside: many addresses
    for number in range(40):
        attempt(attacker, "admin@agency.be", f"guess {number}", address=f"203.0.113.{number}")
    for _ in range(10):
        attempt(attacker, "admin@agency.be", "guessing again", address=ATTACKER["REMOTE_ADDR"])
    assert attempt(admin, "admin@agency.be", PASSWORD).status_code == 302


@BOTH_DATABASES
def test_the_count_is_shared_by_separate_workers(database_url):
    """Two gunicorn servers of one worker each, on one database, take turns answering wrong
    passwords from one address: each sees only the free failures itself, so a count kept in a
    process would never make that address wait; the count in the database does."""
    prepare_database(database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        accounts.create_user("staff@agency.be", "", PASSWORD)
        db.session.commit()
        db.engine.dispose()
    with gunicorn(database_url, workers=1) as first, gunicorn(database_url, workers=1) as second:
        servers = (Visitor(first), Visitor(second))
        for failure in range(1, 2 * sign_in_throttle.FREE_FAILURES + 1):
            status, answer = sign_in_over_http(servers[failure % 2], "wrong password!")
            assert status == 200 and WRONG in answer  # counted, not refused during a wait
            if failure < 2 * sign_in_throttle.FREE_FAILURES:
                time.sleep(sign_in_throttle.delay_after(failure) + 0.2)  # so the next counts
        status, answer = sign_in_over_http(servers[0], PASSWORD)
    assert status == 200 and "Please wait" in answer  # the right password, refused unchecked


def sign_in_over_http(visitor: Visitor, password: str) -> tuple[int, str]:
    """Sign in as staff@agency.be through the real form; (status, page after redirects)."""
    token = hidden_value(visitor.get("/staff/login")[2], "csrf_token")
    status, _url, page = visitor.post("/staff/login", {"csrf_token": token,
                                                       "email": "staff@agency.be",
                                                       "password": password})  # fmt: skip
    return status, page


def test_a_password_reset_lifts_the_delays(app, client, make_user, clock):
    app.config["RATELIMIT_ENABLED"] = False
    user = make_user()
    for _ in range(sign_in_throttle.FREE_FAILURES + 3):
        attempt(client, "staff@agency.be", "not the password")
    with app.app_context():
        new_password = accounts.reset_password(db.session.get(accounts.User, user.id))
        db.session.commit()
    assert attempt(client, "staff@agency.be", new_password).status_code == 302


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop12", "azertyuiop123",
                                      "staff@agency.be1"])  # fmt: skip
def test_common_passwords_are_refused(app, runner, password):
    result = runner.invoke(args=["users", "create", "--email", "staff@agency.be"],
                           env={"MATCHMAKER_NEW_USER_PASSWORD": password})  # fmt: skip
    assert result.exit_code != 0 and "too easy to guess" in result.output
    with app.app_context():
        assert accounts.find_user("staff@agency.be") is None


def test_generated_passwords_pass_the_check(app):
    with app.app_context():
        for _ in range(20):
            accounts.hash_password(accounts.generate_password())


def test_one_maximum_password_length_for_the_cli_and_the_form(app, runner, client):
    """Defect 9: the CLI took 100,000 characters that the form (capped at 1,000) refused."""
    too_long = "Zq8#" * 25_000
    result = runner.invoke(args=["users", "create", "--email", "bob@agency.be"],
                           env={"MATCHMAKER_NEW_USER_PASSWORD": too_long})  # fmt: skip
    assert result.exit_code != 0 and f"at most {accounts.MAX_PASSWORD_LENGTH}" in result.output
    longest = ("Zq8#vB2!" * 100)[: accounts.MAX_PASSWORD_LENGTH]
    result = runner.invoke(args=["users", "create", "--email", "bob@agency.be"],
                           env={"MATCHMAKER_NEW_USER_PASSWORD": longest})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert login(client, "bob@agency.be", longest).status_code == 302
    client.post("/staff/logout")
    response = login(client, "bob@agency.be", longest + "x")
    assert response.status_code == 200
    assert f"{accounts.MAX_PASSWORD_LENGTH}" in response.text
