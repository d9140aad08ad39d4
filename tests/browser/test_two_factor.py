"""Two-factor sign-in in a real headless Chromium: a new admin sets up an authenticator from the
typed key on the page, then signs in with a code, with a recovery code (once), and is refused a
wrong one. Screenshots in test-artifacts/."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.services import accounts
from tests.helpers import (
    DESKTOP,
    PASSWORD,
    PHONE,
    assert_accessible,
    no_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.browser

ADMIN, PHONE_ADMIN = "tess@agency.be", "theo@agency.be"


@pytest.fixture(scope="module")
def new_admin(live_server):
    """Admins as `flask users create --role admin` leaves them: no second factor yet."""
    app, base = live_server
    with app.app_context():
        accounts.create_user(ADMIN, "Tess Admin", PASSWORD, "admin")
        accounts.create_user(PHONE_ADMIN, "Theo Admin", PASSWORD, "admin")
        db.session.commit()
    return base


def password_step(page, base: str) -> None:
    page.goto(base + "/staff/")
    page.get_by_label("Email", exact=True).fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def code_step(page, code: str) -> None:
    page.wait_for_url("**/staff/login/code")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/login")


def wrong_code(totp: pyotp.TOTP) -> str:
    """A 6-digit code no step within the server's drift has."""
    now = time.time()
    taken = {totp.at(now + 30 * steps) for steps in (-2, -1, 0, 1, 2)}
    return next(code for code in (f"{n:06d}" for n in range(0, 10**6, 7919)) if code not in taken)


def test_an_admin_sets_up_an_authenticator_and_signs_in_with_codes(new_admin, open_page):
    base = new_admin
    page = open_page(DESKTOP, "en")
    password_step(page, base)
    page.wait_for_url("**/staff/account/two-factor/set-up")
    expect(page.get_by_text("Your account must sign in with a second factor")).to_be_visible()
    assert page.get_by_role("img", name="QR code that adds your Walloon Matchmaker account"
                            " to an authenticator app").is_visible()  # fmt: skip
    assert_accessible(page, "the two-factor set-up page")
    screenshot(page, "two-factor-set-up-1280")
    totp = pyotp.TOTP(page.locator("#authenticator-key").inner_text().replace(" ", ""))

    page.get_by_label("Code", exact=True).fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.locator("#recovery-codes").wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_text("they will not be shown again")).to_be_visible()
    screenshot(page, "two-factor-recovery-codes-1280")
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(base + "/staff/")
    sign_out(page)

    password_step(page, base)
    code_step(page, wrong_code(totp))
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    assert page.url.endswith("/staff/login/code")
    assert_accessible(page, "the sign-in code page with an error")
    screenshot(page, "two-factor-code-refused-1280")
    code_step(page, totp.at(time.time() + 30))  # the set-up used the current step's code
    page.wait_for_url(base + "/staff/")
    sign_out(page)

    password_step(page, base)
    code_step(page, codes[0])
    page.wait_for_url(base + "/staff/")
    expect(page.get_by_text("9 codes are left")).to_be_visible()
    sign_out(page)

    password_step(page, base)
    code_step(page, codes[0])
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    page.goto(base + "/staff/leads")
    assert "/staff/login" in page.url


def test_the_set_up_page_on_a_phone_in_french(new_admin, open_page):
    base = new_admin
    page = open_page(PHONE, "fr")
    page.goto(base + "/staff/")
    page.get_by_label("Adresse e-mail", exact=True).fill(PHONE_ADMIN)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/staff/account/two-factor/set-up")
    heading = page.get_by_role("heading", name="Configurer la connexion à deux facteurs")
    expect(heading).to_be_visible()
    assert page.locator("#authenticator-key").is_visible() and no_horizontal_scroll(page)
    assert_accessible(page, "the two-factor set-up page in French")
    screenshot(page, "two-factor-set-up-fr-375")
