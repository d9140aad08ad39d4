"""Two-factor sign-in (issue 13, item 4): enrolment, the code after the password, recovery codes,
no code twice, wrong codes throttled, the half-signed-in state, and who must have one."""

import re

import pyotp
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Authenticator, RecoveryCode, SignInThrottle
from matchmaker.services import accounts, sign_in_throttle, two_factor
from matchmaker.staff import session_policy
from tests.helpers import (
    BOTH_DATABASES,
    CODE_STEP,
    PASSWORD,
    authenticator_code,
    events,
    login,
    text,
)

SET_UP = "/staff/account/two-factor/set-up"
SETTINGS = "/staff/account/two-factor"


def password_step(client, email: str):
    return client.post("/staff/login", data={"email": email, "password": PASSWORD})


def key_on(page: str) -> str:
    """The typed key as the set-up page shows it, spaces removed."""
    return re.search(r'id="authenticator-key"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r'<code class="secret">([a-z0-9]{5}-[a-z0-9]{5})</code>', page)


def next_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an app shows now (or steps_ahead time steps later)."""
    return pyotp.TOTP(secret).at(two_factor.now() + 30 * steps_ahead)


def stored(app, email: str) -> tuple[Authenticator | None, list[RecoveryCode]]:
    with app.app_context():
        user = accounts.find_user(email)
        codes = db.session.scalars(sa.select(RecoveryCode).filter_by(user_id=user.id)).all()
        return db.session.get(Authenticator, user.id), codes


def enrol_through_the_page(client, email: str) -> tuple[str, list[str]]:
    """Sign in with the password, set up the authenticator on the page; (secret, codes)."""
    login(client, email)
    secret = key_on(client.get(SET_UP).text)
    page = client.post(SET_UP, data={"code": next_code(secret)}).text
    return secret, recovery_codes_on(page)


@BOTH_DATABASES
def test_an_admin_without_a_second_factor_sets_one_up_before_anything_else(
    app, client, make_user, audit
):
    make_user("ada@agency.be", role="admin", authenticator=False)
    assert login(client, "ada@agency.be").location == SET_UP
    for page in ("/staff/", "/staff/leads", "/staff/admin/users", "/staff/my-day"):
        assert client.get(page).location == SET_UP, page
    page = client.get(SET_UP).text
    assert "Your account must sign in with a second factor" in page
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;', page)
    secret = key_on(page)

    refused = client.post(SET_UP, data={"code": "123456"})
    assert "That code is not right" in refused.text
    assert stored(app, "ada@agency.be")[0].confirmed_at is None
    assert key_on(refused.text) == secret  # the app already set up keeps working

    shown = client.post(SET_UP, data={"code": next_code(secret)}).text
    codes = recovery_codes_on(shown)
    assert len(codes) == 10 == len(set(codes)) and "will not be shown again" in shown
    authenticator, rows = stored(app, "ada@agency.be")
    assert authenticator.confirmed_at is not None and len(rows) == 10
    assert secret not in authenticator.secret  # encrypted at rest
    assert not any(code in row.code_hash or code.replace("-", "") in row.code_hash
                   for code in codes for row in rows)  # fmt: skip
    assert client.get("/staff/leads").status_code == 200
    assert events(audit(), "two_factor.enrolled")[0]["user"] is not None
    assert secret not in audit.path.read_text()
    assert not any(code in audit.path.read_text() for code in codes)


@BOTH_DATABASES
def test_sign_in_asks_for_the_code_after_the_password(app, client, make_user, audit):
    make_user("ada@agency.be", role="admin")
    response = password_step(client, "ada@agency.be")
    assert response.location == CODE_STEP
    for page in ("/staff/", "/staff/leads", "/staff/admin/users", SETTINGS):
        assert client.get(page).location.startswith("/staff/login"), page  # half-signed-in
    assert 'autocomplete="one-time-code"' in client.get(CODE_STEP).text
    code = authenticator_code(app, "ada@agency.be")
    assert client.post(CODE_STEP, data={"code": code}).location == "/staff/"
    assert client.get("/staff/leads").status_code == 200
    success, = events(audit(), "two_factor.success")
    assert success["method"] == "totp" and success["user"] is not None
    assert events(audit(), "sign_in.success")[0]["second_factor"] == "totp"
    assert code not in audit.path.read_text()


def test_the_code_step_keeps_where_the_visitor_was_going(app, client, make_user):
    make_user("ada@agency.be", role="admin")
    client.post("/staff/login", data={"email": "ada@agency.be", "password": PASSWORD,
                                      "next": "/staff/leads?status=new"})  # fmt: skip
    response = client.post(CODE_STEP, data={"code": authenticator_code(app, "ada@agency.be")})
    assert response.location == "/staff/leads?status=new"


def test_a_code_works_once(app, client, make_user):
    make_user("ada@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    code = authenticator_code(app, "ada@agency.be")
    assert client.post(CODE_STEP, data={"code": code}).status_code == 302
    client.post("/staff/logout")
    password_step(client, "ada@agency.be")
    again = client.post(CODE_STEP, data={"code": code})
    assert again.status_code == 200 and "That code is not right" in again.text
    assert client.get("/staff/leads").location.startswith("/staff/login")


def test_a_code_from_another_time_is_refused(app, client, make_user):
    make_user("ada@agency.be", role="admin")
    with app.app_context():
        secret = two_factor.secret_of(accounts.find_user("ada@agency.be"))
    password_step(client, "ada@agency.be")
    for old in (next_code(secret, -2), next_code(secret, 2)):
        assert "That code is not right" in client.post(CODE_STEP, data={"code": old}).text


def test_the_code_must_follow_the_password_within_five_minutes(app, client, make_user,
                                                                monkeypatch):  # fmt: skip
    make_user("ada@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    later = session_policy.now() + session_policy.CODE_WAIT_SECONDS + 1
    monkeypatch.setattr(session_policy, "now", lambda: later)
    response = client.post(CODE_STEP, data={"code": authenticator_code(app, "ada@agency.be")})
    assert response.location == "/staff/login"
    assert "within five minutes" in client.get("/staff/login").text
    assert client.get("/staff/leads").location.startswith("/staff/login")


def test_the_code_step_without_a_password_first_leads_to_sign_in(client):
    assert client.get(CODE_STEP).location == "/staff/login"
    assert client.post(CODE_STEP, data={"code": "123456"}).location == "/staff/login"


def test_a_recovery_code_signs_in_once(app, client, make_user, audit):
    make_user("bob@agency.be")
    _, codes = enrol_through_the_page(client, "bob@agency.be")
    client.post("/staff/logout")

    password_step(client, "bob@agency.be")
    response = client.post(CODE_STEP, data={"code": codes[3].upper().replace("-", " ")})
    assert response.location == "/staff/"
    assert "9 codes are left" in text(client.get("/staff/"))
    used, = events(audit(), "two_factor.recovery_code_used")
    assert used["remaining"] == 9 and codes[3] not in audit.path.read_text()
    assert events(audit(), "two_factor.success")[-1]["method"] == "recovery_code"
    client.post("/staff/logout")

    password_step(client, "bob@agency.be")
    assert "That code is not right" in client.post(CODE_STEP, data={"code": codes[3]}).text
    assert client.get("/staff/leads").location.startswith("/staff/login")


def test_wrong_codes_are_throttled_like_wrong_passwords(app, client, make_user, audit,
                                                        monkeypatch):  # fmt: skip
    frozen = sign_in_throttle.now()
    monkeypatch.setattr(sign_in_throttle, "now", lambda: frozen)
    make_user("ada@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    for _ in range(3):  # the free failures
        assert "That code is not right" in client.post(CODE_STEP, data={"code": "000000"}).text
    client.post(CODE_STEP, data={"code": "000000"})  # the fourth: a wait starts
    right = authenticator_code(app, "ada@agency.be")
    waiting = client.post(CODE_STEP, data={"code": right})
    assert "Please wait" in waiting.text and client.get("/staff/leads").status_code == 302
    failures = events(audit(), "two_factor.failure")
    assert len(failures) == 5 and failures[-1]["throttled"] is True
    assert "Please wait" in password_step(client, "ada@agency.be").text  # at both steps


def test_a_right_password_does_not_wipe_the_wrong_codes(app, client, make_user, monkeypatch):
    """Else three free guesses at the code after each right password, without end."""
    frozen = sign_in_throttle.now()
    monkeypatch.setattr(sign_in_throttle, "now", lambda: frozen)
    make_user("ada@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    for _ in range(3):
        client.post(CODE_STEP, data={"code": "000000"})
    assert password_step(client, "ada@agency.be").location == CODE_STEP
    client.post(CODE_STEP, data={"code": "000000"})  # the fourth failure in a row
    right = authenticator_code(app, "ada@agency.be")
    assert "Please wait" in client.post(CODE_STEP, data={"code": right}).text


def test_code_failures_share_the_per_address_limit_with_passwords(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "4 per minute"
    make_user("ada@agency.be", role="admin")
    make_user("bob@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    client.post(CODE_STEP, data={"code": "000000"})
    client.post(CODE_STEP, data={"code": "111111"})
    client.post("/staff/login", data={"email": "bob@agency.be", "password": "wrong password"})
    password_step(client, "bob@agency.be")  # a right password does not count
    client.post(CODE_STEP, data={"code": "222222"})
    assert client.post(CODE_STEP, data={"code": "333333"}).status_code == 429


def test_a_code_once_signed_in_resets_the_failures(app, client, make_user):
    make_user("ada@agency.be", role="admin")
    password_step(client, "ada@agency.be")
    for _ in range(3):
        client.post(CODE_STEP, data={"code": "000000"})
    client.post(CODE_STEP, data={"code": authenticator_code(app, "ada@agency.be")})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInThrottle)) == 0
