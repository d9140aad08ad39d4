"""Staff sign-in: permission boundaries, throttling, sessions ended on the server."""

from datetime import UTC, datetime

import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts
from matchmaker.staff import LAST_SEEN
from tests.helpers import PASSWORD, login

WRONG = "The email or password is not right"


def user_row(app, email: str) -> User:
    with app.app_context():
        return db.session.scalars(sa.select(User).filter_by(email=email)).one()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/staff/"


def test_sign_in_goes_to_the_requested_page_only_if_it_is_ours(client, make_user):
    user = make_user()
    response = client.post(
        "/staff/login", data={"email": user.email, "password": PASSWORD, "next": "/staff/?x=1"}
    )
    assert response.headers["Location"] == "/staff/?x=1"
    client.post("/staff/logout")
    response = client.post(
        "/staff/login",
        data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/staff/"


def test_signed_in_staff_see_the_back_office_not_cached(staff_client):
    response = staff_client.get("/staff/")
    assert response.status_code == 200
    assert "Signed in as staff@agency.be (Staff)." in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_home_page_names_the_role_in_the_staff_members_language(client, make_user):
    login(client, make_user("ann@agency.be", role="admin").email)
    page = client.get("/staff/", headers={"Accept-Language": "fr"}).text
    assert "Connecté en tant que ann@agency.be (Administrateur)." in page


def test_unknown_user_and_wrong_password_get_the_same_message(client, make_user):
    make_user()
    unknown = client.post("/staff/login", data={"email": "nobody@x.be", "password": "whatever1234"})
    wrong = login(client, "staff@agency.be", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert WRONG in unknown.text and WRONG in wrong.text


# Throttling (growing delays per account and address, no lock-out): test_sign_in_throttle.py


def test_sign_out_ends_the_session_on_the_server(app, client, make_user):
    make_user()
    login(client, "staff@agency.be")
    stolen_cookie = client.get_cookie("session").value
    client.post("/staff/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/staff/").status_code == 302


def test_deactivated_users_old_cookie_is_refused(app, staff_client):
    with app.app_context():
        accounts.deactivate(accounts.find_user("staff@agency.be"))
        db.session.commit()
    assert staff_client.get("/staff/").status_code == 302
    assert login(staff_client, "staff@agency.be").status_code == 200


def test_idle_session_times_out(app, staff_client):
    with staff_client.session_transaction() as session:
        idle = app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60 + 5
        session[LAST_SEEN] = datetime.now(UTC).timestamp() - idle
    response = staff_client.get("/staff/", follow_redirects=True)
    assert "signed out after a period of inactivity" in response.text


def test_a_form_sent_after_the_timeout_comes_back_to_its_page_after_sign_in(app, staff_client):
    with staff_client.session_transaction() as session:
        idle = app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60 + 5
        session[LAST_SEEN] = datetime.now(UTC).timestamp() - idle
    response = staff_client.post(
        "/staff/leads/7/notes",
        data={"text": "Called them"},
        headers={"Referer": "http://localhost/staff/leads/7?org_q=bio"},
    )
    assert response.headers["Location"] == "/staff/login?next=/staff/leads/7?org_q%3Dbio"
    signed_in = staff_client.post(
        response.headers["Location"], data={"email": "staff@agency.be", "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == "/staff/leads/7?org_q=bio"


def test_a_form_sent_after_the_timeout_from_elsewhere_goes_home_after_sign_in(app, staff_client):
    with staff_client.session_transaction() as session:
        idle = app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60 + 5
        session[LAST_SEEN] = datetime.now(UTC).timestamp() - idle
    response = staff_client.post(
        "/staff/leads/7/notes",
        data={"text": "Called them"},
        headers={"Referer": "https://evil.example/staff/leads/7"},
    )
    assert response.headers["Location"] == "/staff/login"


def test_sign_in_starts_a_new_session(client, make_user):
    make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "staff@agency.be")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_passwords_are_stored_as_argon2id(app, make_user):
    make_user()
    assert user_row(app, "staff@agency.be").password_hash.startswith("$argon2id$")


def test_users_create_command(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Ann@Agency.be", "--role", "admin"],
        env={"MATCHMAKER_NEW_USER_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    assert user_row(app, "ann@agency.be").role == "admin"
    again = runner.invoke(
        args=["users", "create", "--email", "ann@agency.be"],
        env={"MATCHMAKER_NEW_USER_PASSWORD": "a long enough password"},
    )
    assert "already exists" in again.output


def test_users_create_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "bob@agency.be"],
        env={"MATCHMAKER_NEW_USER_PASSWORD": "short"},
    )
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    with app.app_context():
        assert accounts.find_user("bob@agency.be") is None


def test_users_deactivate_command(app, runner, make_user):
    make_user()
    result = runner.invoke(args=["users", "deactivate", "staff@agency.be"])
    assert "Deactivated staff@agency.be" in result.output
    assert user_row(app, "staff@agency.be").active is False


def test_session_cookie_flags_outside_debug(monkeypatch):
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "s" * 40)
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_control_characters_in_the_email_are_dropped_not_a_crash(client, make_user):
    make_user()
    response = client.post(
        "/staff/login", data={"email": "staff@agency.be\x00", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/staff/"
