"""Who must have a second factor, and changing it: staff optional or required by configuration,
turning it off, new recovery codes, an admin's reset (audited), the break-glass command, and the
secrets' encryption under SECRET_KEY."""

import pyotp
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Authenticator
from matchmaker.services import accounts, two_factor
from tests.helpers import CODE_STEP, PASSWORD, authenticator_code, enrol, events, login
from tests.test_two_factor import SET_UP, SETTINGS, enrol_through_the_page, password_step

REGENERATE = "/staff/account/two-factor/recovery-codes"
TURN_OFF = "/staff/account/two-factor/off"


def has_authenticator(app, email: str) -> bool:
    with app.app_context():
        return two_factor.enabled(accounts.find_user(email))


def test_staff_sign_in_with_a_password_alone_by_default(client, make_user):
    make_user("bob@agency.be")
    assert login(client, "bob@agency.be").location == "/staff/"
    assert client.get("/staff/leads").status_code == 200
    assert "Set up two-factor sign-in" in client.get(SETTINGS).text


def test_staff_must_set_one_up_when_the_configuration_says_so(app, client, make_user):
    app.config["STAFF_REQUIRE_TWO_FACTOR"] = True
    make_user("bob@agency.be")
    assert login(client, "bob@agency.be").location == SET_UP
    assert client.get("/staff/leads").location == SET_UP
    enrol_through_the_page(client, "bob@agency.be")
    assert client.get("/staff/leads").status_code == 200


def test_a_session_from_before_the_requirement_sets_one_up_first(app, client, make_user):
    make_user("bob@agency.be")
    login(client, "bob@agency.be")
    app.config["STAFF_REQUIRE_TWO_FACTOR"] = True
    assert client.get("/staff/leads").location == SET_UP


def test_a_staff_member_sets_one_up_then_signs_in_with_it(app, client, make_user):
    make_user("bob@agency.be")
    enrol_through_the_page(client, "bob@agency.be")
    client.post("/staff/logout")
    assert password_step(client, "bob@agency.be").location == CODE_STEP


def test_a_staff_member_turns_it_off_with_a_code(app, client, make_user, audit):
    make_user("bob@agency.be", authenticator=True)
    login(client, "bob@agency.be")
    refused = client.post(TURN_OFF, data={"off-code": "000000"})
    assert refused.status_code == 422 and "That code is not right" in refused.text
    assert has_authenticator(app, "bob@agency.be")
    code = authenticator_code(app, "bob@agency.be")
    response = client.post(TURN_OFF, data={"off-code": code}, follow_redirects=True)
    assert "Two-factor sign-in is off" in response.text
    assert not has_authenticator(app, "bob@agency.be")
    assert events(audit(), "two_factor.disabled")
    client.post("/staff/logout")
    assert password_step(client, "bob@agency.be").location == "/staff/"


def test_an_admin_cannot_turn_it_off(app, admin_client):
    assert "it cannot be turned off" in admin_client.get(SETTINGS).text
    assert 'action="/staff/account/two-factor/off"' not in admin_client.get(SETTINGS).text
    code = authenticator_code(app, "admin@agency.be")
    response = admin_client.post(TURN_OFF, data={"off-code": code}, follow_redirects=True)
    assert "it cannot be turned off" in response.text
    assert has_authenticator(app, "admin@agency.be")


def test_new_recovery_codes_replace_the_old_ones(app, client, make_user, audit):
    make_user("bob@agency.be")
    secret, old_codes = enrol_through_the_page(client, "bob@agency.be")
    assert "10 recovery codes left" in client.get(SETTINGS).text
    assert client.post(REGENERATE, data={"regenerate-code": "000000"}).status_code == 422
    code = authenticator_code(app, "bob@agency.be")
    page = client.post(REGENERATE, data={"regenerate-code": code}).text
    assert "Your old recovery codes no longer work" in page
    assert events(audit(), "two_factor.recovery_codes_regenerated")
    client.post("/staff/logout")
    password_step(client, "bob@agency.be")
    assert "That code is not right" in client.post(CODE_STEP, data={"code": old_codes[0]}).text


def test_an_admin_resets_a_members_second_factor_and_it_is_audited(app, admin_client, make_user,
                                                                   audit):  # fmt: skip
    ben = make_user("ben@agency.be", role="admin")
    bens_browser = app.test_client()
    login(bens_browser, "ben@agency.be")
    page = admin_client.get(f"/staff/admin/users/{ben.id}").text
    assert "Reset two-factor sign-in" in page
    response = admin_client.post(f"/staff/admin/users/{ben.id}/two-factor/reset",
                                 follow_redirects=True)  # fmt: skip
    assert "They set up a new one at their next sign-in" in response.text
    assert not has_authenticator(app, "ben@agency.be")
    reset, = events(audit(), "two_factor.reset")
    assert reset["for_user"] == ben.id and reset["user"] is not None
    assert bens_browser.get("/staff/").location.startswith("/staff/login")  # sessions ended
    assert login(bens_browser, "ben@agency.be").location == SET_UP


def test_staff_cannot_reset_anyones_second_factor(app, staff_client, make_user):
    ben = make_user("ben@agency.be", role="admin")
    assert staff_client.post(f"/staff/admin/users/{ben.id}/two-factor/reset").status_code == 403
    assert has_authenticator(app, "ben@agency.be")


def test_the_command_line_resets_a_lone_admins_second_factor(app, runner, make_user):
    make_user("ada@agency.be", role="admin")
    result = runner.invoke(args=["users", "reset-two-factor", "ada@agency.be"])
    assert result.exit_code == 0 and "Reset the second factor of ada@agency.be" in result.output
    assert not has_authenticator(app, "ada@agency.be")


def test_creating_an_admin_says_they_set_up_a_second_factor_at_first_sign_in(runner):
    result = runner.invoke(args=["users", "create", "--email", "ada@agency.be", "--role",
                                 "admin", "--password", PASSWORD])  # fmt: skip
    assert result.exit_code == 0 and "At the first sign-in" in result.output
    staff = runner.invoke(args=["users", "create", "--email", "bob@agency.be", "--password",
                                PASSWORD])  # fmt: skip
    assert "two-factor" not in staff.output


def test_the_page_of_a_new_admin_account_says_they_set_up_a_second_factor(app, admin_client):
    admin = admin_client.post("/staff/admin/users/new", data={"email": "ada@agency.be",
                                                              "name": "Ada", "role": "admin"})
    staff = admin_client.post("/staff/admin/users/new", data={"email": "bob@agency.be",
                                                              "name": "Bob", "role": "staff"})
    assert "they set up two-factor sign-in" in admin.text
    assert "they set up two-factor sign-in" not in staff.text
    assert "set it up at their first sign-in" in app.test_client().get("/staff/login").text


def test_the_secret_is_encrypted_under_the_secret_key(app, database_url, make_user):
    make_user("ada@agency.be", role="admin")
    with app.app_context():
        user = accounts.find_user("ada@agency.be")
        secret, token = two_factor.secret_of(user), db.session.get(Authenticator, user.id).secret
    assert pyotp.TOTP(secret).now().isdigit() and secret not in token
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x" * 40})
    with other.app_context():
        assert two_factor.secret_of(accounts.find_user("ada@agency.be")) is None
    other.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    with other.app_context():
        assert two_factor.secret_of(accounts.find_user("ada@agency.be")) == secret
        db.session.remove()
        db.engine.dispose()


def test_a_session_of_an_account_that_since_set_one_up_signs_in_again(app, make_user):
    make_user("bob@agency.be")
    app.config["STAFF_REQUIRE_TWO_FACTOR"] = True
    first, second = app.test_client(), app.test_client()
    login(first, "bob@agency.be")
    login(second, "bob@agency.be")
    enrol(app, "bob@agency.be")  # set up in the first browser, say
    response = second.get("/staff/leads")
    assert response.location.startswith("/staff/login")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Authenticator)) == 1
