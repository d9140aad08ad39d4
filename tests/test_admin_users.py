"""Users administration in the back office: permissions, accounts, roles, the last admin."""

import logging
import threading

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts, sign_in_throttle
from tests.helpers import PASSWORD, POSTGRES_ONLY, enrol, login

USERS = "/staff/admin/users"


def user_row(app, email: str) -> User:
    with app.app_context():
        return db.session.scalars(sa.select(User).filter_by(email=email)).one()


def user_id(app, email: str) -> int:
    return user_row(app, email).id


def shown_password(html: str) -> str:
    return html.split('id="new-password" class="secret" type="text" value="', 1)[1].split('"')[0]


def field_error(html: str, field: str) -> str:
    marker = f'id="{field}-error">'
    assert marker in html, f"no error shown next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


# Permissions -------------------------------------------------------------------------------

USER_PAGES = [
    ("get", USERS),
    ("get", USERS + "/new"),
    ("post", USERS + "/new"),
    ("get", USERS + "/1"),
    ("post", USERS + "/1"),
    ("post", USERS + "/1/deactivate"),
    ("post", USERS + "/1/reactivate"),
    ("post", USERS + "/1/password"),
]


@pytest.mark.parametrize(("method", "url"), USER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    # A form's address only answers POST: sign-in leads back to the page that sent it, if known.
    expected = f"/staff/login?next={url}" if method == "get" else "/staff/login"
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(("method", "url"), USER_PAGES)
def test_staff_members_are_refused_and_nothing_changes(app, staff_client, method, url):
    before = user_row(app, "staff@agency.be")
    response = getattr(staff_client, method)(url, data={"name": "Hacker", "role": "admin"})
    assert response.status_code == 403
    after = user_row(app, "staff@agency.be")
    assert (after.role, after.name, after.active, after.password_hash) == (
        before.role, before.name, before.active, before.password_hash)  # fmt: skip


def test_the_list_shows_every_account_with_its_coverage(app, admin_client, make_user):
    make_user("ben@agency.be", name="Ben Staff", sectors=("energy",), countries=("JP",))
    make_user("old@agency.be", name="Old Timer", active=False)
    response = admin_client.get(USERS)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.text
    assert html.index("Ben Staff") < html.index("Old Timer"), "active accounts first"
    assert "ben@agency.be" in html and "Energy" in html and "Only leads from: Japan" in html
    ben = user_id(app, "ben@agency.be")
    assert f'href="/staff/admin/routing/{ben}"' in html, "coverage is edited on the routing page"
    assert "Deactivated" in html and "Administrator" in html


# Create ------------------------------------------------------------------------------------


def test_create_an_account_with_a_generated_password_shown_once(app, admin_client, caplog):
    caplog.set_level(logging.INFO)
    response = admin_client.post(
        USERS + "/new", data={"email": "Nina@Agency.be", "name": "Nina Peeters", "role": "staff"}
    )
    assert response.status_code == 200
    assert "Account created for Nina Peeters" in response.text
    password = shown_password(response.text)
    assert len(password) >= accounts.MIN_PASSWORD_LENGTH
    nina = user_row(app, "nina@agency.be")
    assert (nina.name, nina.role, nina.active) == ("Nina Peeters", "staff", True)
    assert password not in nina.password_hash
    with admin_client.session_transaction() as session:
        assert password not in str(dict(session)), "never kept in the session cookie"
    admin = user_id(app, "admin@agency.be")
    assert f"Users admin: user {admin} created staff account user {nina.id}" in caplog.text
    assert "@agency.be" not in caplog.text  # people are logged by id (issue 13, defect 8)
    assert password not in caplog.text
    assert password not in admin_client.get(USERS).text
    newcomer = app.test_client()
    assert login(newcomer, "nina@agency.be", password).headers["Location"] == "/staff/"


def test_generated_passwords_differ(app):
    with app.app_context():
        passwords = {accounts.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 24 and p.count("-") == 4 for p in passwords)


def test_create_shows_problems_next_to_the_fields(app, admin_client):
    html = admin_client.post(USERS + "/new", data={"email": "not-an-email", "name": ""}).text
    assert field_error(html, "email") == "Enter an email address like name@agency.be."
    assert field_error(html, "name") == "Enter the person's name."
    assert "There are 2 problems" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_create_refuses_an_existing_email(app, admin_client, make_user):
    make_user("ben@agency.be", name="Ben")
    html = admin_client.post(
        USERS + "/new", data={"email": "BEN@agency.be", "name": "Other Ben", "role": "admin"}
    ).text
    assert field_error(html, "email") == "An account for ben@agency.be already exists."
    assert user_row(app, "ben@agency.be").role == "staff"


def test_an_admin_can_create_another_admin(app, admin_client):
    admin_client.post(USERS + "/new", data={"email": "a2@agency.be", "name": "A2", "role": "admin"})
    assert user_row(app, "a2@agency.be").is_admin


# Name and role ------------------------------------------------------------------------------


def test_rename_and_promote(app, admin_client, make_user, caplog):
    make_user("ben@agency.be", name="Ben")
    ben = user_id(app, "ben@agency.be")
    caplog.set_level(logging.INFO)
    response = admin_client.post(f"{USERS}/{ben}", data={"name": "Ben Dupont", "role": "admin"})
    assert response.headers["Location"] == USERS
    row = user_row(app, "ben@agency.be")
    assert (row.name, row.role) == ("Ben Dupont", "admin")
    assert f"changed name, role of user {ben} (role admin)" in caplog.text
    promoted = app.test_client()
    assert login(promoted, "ben@agency.be").location == "/staff/account/two-factor/set-up"
    assert promoted.get(USERS).location == "/staff/account/two-factor/set-up"  # nothing else
    enrol(app, "ben@agency.be")
    login(promoted, "ben@agency.be")
    assert promoted.get(USERS).status_code == 200


def test_the_last_admin_cannot_demote_themselves(app, admin_client):
    me = user_id(app, "admin@agency.be")
    response = admin_client.post(f"{USERS}/{me}", data={"name": "Admin", "role": "staff"})
    assert response.status_code == 200
    assert "is the last active administrator" in field_error(response.text, "role")
    assert user_row(app, "admin@agency.be").role == "admin"
    assert admin_client.get(USERS).status_code == 200


def test_an_admin_can_step_down_when_another_admin_remains(app, admin_client, make_user):
    make_user("a2@agency.be", role="admin")
    me = user_id(app, "admin@agency.be")
    response = admin_client.post(f"{USERS}/{me}", data={"name": "Admin", "role": "staff"})
    assert response.headers["Location"] == "/staff/"
    assert user_row(app, "admin@agency.be").role == "staff"
    assert admin_client.get(USERS).status_code == 403


def test_an_unknown_role_is_refused(app, admin_client, make_user):
    make_user("ben@agency.be")
    ben = user_id(app, "ben@agency.be")
    html = admin_client.post(f"{USERS}/{ben}", data={"name": "Ben", "role": "root"}).text
    assert field_error(html, "role") == "Not a valid choice."
    assert user_row(app, "ben@agency.be").role == "staff"


# Deactivate, reactivate, new password --------------------------------------------------------


def test_deactivation_ends_the_users_sessions_at_once(app, admin_client, make_user):
    make_user("ben@agency.be", name="Ben")
    ben_browser = app.test_client()
    login(ben_browser, "ben@agency.be")
    assert ben_browser.get("/staff/").status_code == 200
    ben = user_id(app, "ben@agency.be")
    response = admin_client.post(f"{USERS}/{ben}/deactivate", follow_redirects=True)
    assert "Ben can no longer sign in; their sessions have ended." in response.text
    assert user_row(app, "ben@agency.be").active is False
    assert ben_browser.get("/staff/").status_code == 302
    assert login(ben_browser, "ben@agency.be").status_code == 200, "sign-in refused"

    admin_client.post(f"{USERS}/{ben}/reactivate")
    assert user_row(app, "ben@agency.be").active is True
    assert login(ben_browser, "ben@agency.be").headers["Location"] == "/staff/"


def test_reactivation_lifts_the_sign_in_delays(app, admin_client, make_user):
    make_user("ben@agency.be")
    for _ in range(sign_in_throttle.FREE_FAILURES + 3):
        login(app.test_client(), "ben@agency.be", "wrong password!")
    assert "wait" in login(app.test_client(), "ben@agency.be").text
    ben = user_id(app, "ben@agency.be")
    admin_client.post(f"{USERS}/{ben}/deactivate")
    admin_client.post(f"{USERS}/{ben}/reactivate")
    assert login(app.test_client(), "ben@agency.be").headers["Location"] == "/staff/"


def test_the_last_admin_cannot_deactivate_themselves(app, admin_client):
    me = user_id(app, "admin@agency.be")
    response = admin_client.post(f"{USERS}/{me}/deactivate", follow_redirects=True)
    assert "is the last active administrator" in response.text
    assert user_row(app, "admin@agency.be").active is True
    assert admin_client.get(USERS).status_code == 200


def test_a_deactivated_admin_does_not_count_as_the_remaining_admin(app, admin_client, make_user):
    make_user("gone@agency.be", role="admin", active=False)
    me = user_id(app, "admin@agency.be")
    admin_client.post(f"{USERS}/{me}/deactivate")
    assert user_row(app, "admin@agency.be").active is True


def test_an_admin_who_deactivates_themselves_is_signed_out(app, admin_client, make_user):
    make_user("a2@agency.be", role="admin")
    me = user_id(app, "admin@agency.be")
    response = admin_client.post(f"{USERS}/{me}/deactivate")
    assert response.headers["Location"] == "/staff/login"
    assert user_row(app, "admin@agency.be").active is False
    assert admin_client.get(USERS).status_code == 302


def test_a_new_password_replaces_the_old_one_and_ends_sessions(app, admin_client, make_user):
    make_user("ben@agency.be", name="Ben")
    ben_browser = app.test_client()
    login(ben_browser, "ben@agency.be")
    ben = user_id(app, "ben@agency.be")
    response = admin_client.post(f"{USERS}/{ben}/password")
    assert "New password for Ben" in response.text
    password = shown_password(response.text)
    assert ben_browser.get("/staff/").status_code == 302, "the old session has ended"
    assert login(app.test_client(), "ben@agency.be").status_code == 200, "old password refused"
    assert login(app.test_client(), "ben@agency.be", password).headers["Location"] == "/staff/"
    assert password != PASSWORD


def test_the_cli_refuses_to_deactivate_the_last_admin(app, runner, make_user):
    make_user("admin@agency.be", role="admin")
    result = runner.invoke(args=["users", "deactivate", "admin@agency.be"])
    assert result.exit_code != 0
    assert "is the last active administrator" in result.output
    assert user_row(app, "admin@agency.be").active is True


def test_the_users_page_is_translated(admin_client):
    admin_client.set_cookie("lang", "fr")
    html = admin_client.get(USERS).text
    assert "Ajouter un utilisateur" in html and "Administrateur" in html


@POSTGRES_ONLY
def test_two_admins_demoting_each_other_at_once_leave_one_admin(database_url, make_user):
    """Each transaction locks the active admins' rows: the second waits, then sees the first."""
    make_user("a1@agency.be", role="admin")
    make_user("a2@agency.be", role="admin")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    first_holds_lock, outcomes = threading.Event(), {}

    def demote(email: str, hold: bool) -> None:
        with app.app_context():
            try:
                accounts.update_user(accounts.find_user(email), email, "staff")
                if hold:
                    first_holds_lock.set()
                    threading.Event().wait(0.5)  # let the other transaction try meanwhile
                db.session.commit()
                outcomes[email] = "demoted"
            except accounts.AccountError:
                db.session.rollback()
                outcomes[email] = "refused"
            finally:
                db.session.remove()

    first = threading.Thread(target=demote, args=("a1@agency.be", True))
    first.start()
    first_holds_lock.wait(10)
    second = threading.Thread(target=demote, args=("a2@agency.be", False))
    second.start()
    first.join(10)
    second.join(10)
    with app.app_context():
        admins = db.session.scalars(sa.select(User.email).filter_by(role="admin")).all()
        db.session.remove()
        db.engine.dispose()
    assert outcomes == {"a1@agency.be": "demoted", "a2@agency.be": "refused"}
    assert admins == ["a2@agency.be"]
