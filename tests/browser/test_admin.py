"""The back office's admin pages in a real headless Chromium: an admin signs in, edits an
organization, imports a CSV with a preview, and adds a user; screenshots in test-artifacts/."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Organization, User
from matchmaker.services import accounts, directory
from tests.helpers import (
    DESKTOP,
    PASSWORD,
    PHONE,
    assert_accessible,
    enrol,
    no_horizontal_scroll,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

ADMIN = "ann@agency.be"


@pytest.fixture(scope="module")
def admin_server(live_server):
    app, base = live_server
    with app.app_context():
        accounts.create_user(ADMIN, "Ann Admin", PASSWORD, "admin")
        db.session.commit()
    enrol(app, ADMIN)
    return app, base


def organization(app, slug: str) -> Organization:
    with app.app_context():
        return db.session.scalar(sa.select(Organization).filter_by(slug=slug))


def test_an_admin_edits_an_organization(admin_server, open_page):
    app, base = admin_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.wait_for_url(base + "/staff/admin/organizations")
    page.get_by_label("Search").fill("liege-airport")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"[?&]q=liege-airport(&|$)"))
    # Its words: Liege Airport and the organizations at the airport, best match first.
    names = page.get_by_role("table").get_by_role("link").all_inner_texts()
    assert "Liege Airport" in names[:3] and "Swissport (Liege Airport cargo centre)" in names[:3]
    assert_accessible(page, "the directory list")
    screenshot(page, "admin-directory-list-1280")

    page.get_by_role("table").get_by_role("link", name="Liege Airport", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/admin/organizations/[a-z0-9-]+/edit$"))
    slug = page.url.rsplit("/", 2)[1]
    version = _version(app)
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Website (optional)").fill("liegeairport.example")
    page.get_by_role("button", name="Save the changes").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # the page moves focus there once loaded
    assert "Required." in summary.inner_text()  # the name
    assert "Must start with http:// or https://." in summary.inner_text()
    assert_accessible(page, "the edit form with errors")
    screenshot(page, "admin-organization-errors-1280")
    assert _version(app) == version, "nothing written"

    page.get_by_label("Name", exact=True).fill("Liege Airport Cargo")
    page.get_by_label("Website (optional)").fill("https://www.liegeairport.example")
    page.get_by_label("Digital", exact=True).check()
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("Your changes to Liege Airport Cargo are saved.")).to_be_visible()
    org = organization(app, slug)
    assert org.name == "Liege Airport Cargo" and "digital" in org.sectors
    assert org.website == "https://www.liegeairport.example"
    assert _version(app) == version + 1


def test_an_admin_imports_a_csv_with_a_preview(admin_server, open_page):
    app, base = admin_server
    page = open_page(DESKTOP, "en")
    sign_in(page, app, base, ADMIN)
    with app.app_context():
        existing = db.session.scalar(sa.select(Organization).order_by(Organization.slug))
        record = directory.organization_record(existing)
    changed = record | {"city": "Spa", "keywords": record["keywords"] + ";hydrogen"}
    new = record | {"slug": "nouvelle-org", "name": "Nouvelle Organisation", "city": "Arlon",
                    "province": "Luxembourg", "contact_email": ""}  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=directory.FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([changed, new])
    data = out.getvalue().encode("utf-8-sig")

    page.goto(base + "/staff/admin/organizations")
    page.get_by_role("link", name="Import a CSV file").click()
    assert_accessible(page, "the import page")
    page.get_by_label("CSV file").set_input_files(
        {"name": "update.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/staff/admin/organizations/import/[A-Za-z0-9_-]+$"))
    expect(page.get_by_role("heading", name="What importing update.csv would do")).to_be_visible()
    stats = page.locator(".stat-row").inner_text()
    assert "1\nto add" in stats and "1\nto change" in stats
    changes = page.locator(".diff").inner_text()
    assert "Spa" in changes and "hydrogen" in changes
    assert organization(app, "nouvelle-org") is None, "nothing written before the import"
    assert_accessible(page, "the import preview")
    screenshot(page, "admin-import-preview-1280")

    version = _version(app)
    page.get_by_role("button", name="Import 2 changes").click()
    page.wait_for_url(re.compile(r"/staff/admin/organizations\?sort=updated$"))
    expect(page.get_by_text("Imported: 1 added, 1 changed.")).to_be_visible()
    assert organization(app, "nouvelle-org").city == "Arlon"
    assert organization(app, existing.slug).city == "Spa"
    assert _version(app) == version + 1
    screenshot(page, "admin-import-done-1280")


def test_a_bad_file_is_explained_on_a_phone(admin_server, open_page):
    app, base = admin_server
    page = open_page(PHONE, "fr")
    sign_in(page, app, base, ADMIN, "fr")
    page.goto(base + "/staff/admin/organizations/import")
    bad = "slug,name,kind,sectors,city,province,website,founded,size,lang,description,offers,"
    bad += "keywords\r\nbad-one,Bad,spaceship,biotech,Namur,Namur,,,,en,x,,\r\n"
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "mauvais.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_selector(".error-summary")
    text = page.locator(".error-summary").inner_text().replace("\u00a0", " ")
    assert "Rien ne peut être importé : 1 ligne est incorrecte" in text
    assert "« spaceship » ne fait pas partie de" in text
    assert page.get_by_role("button", name=re.compile("Importer")).count() == 0
    assert no_horizontal_scroll(page)
    assert_accessible(page, "l’aperçu avec erreurs")
    screenshot(page, "admin-import-errors-fr-375")

    page.goto(base + "/staff/admin/organizations")
    assert no_horizontal_scroll(page)
    screenshot(page, "admin-directory-list-fr-375")


def test_an_admin_adds_a_user_and_sees_the_password_once(admin_server, open_page):
    app, base = admin_server
    page = open_page(PHONE, "en")
    sign_in(page, app, base, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("Email").fill("nina@agency.be")
    page.get_by_label("Full name").fill("Nina Peeters")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Account created for Nina Peeters")).to_be_visible()
    password = page.get_by_label("Password").input_value()
    assert len(password) == 24
    assert no_horizontal_scroll(page)
    assert_accessible(page, "the password page")
    screenshot(page, "admin-user-created-375")
    with app.app_context():
        nina = db.session.scalar(sa.select(User).filter_by(email="nina@agency.be"))
        assert accounts.hasher.verify(nina.password_hash, password)

    page.get_by_role("link", name="Back to the users").click()
    page.wait_for_url(base + "/staff/admin/users")
    expect(page.get_by_role("table")).to_contain_text("Nina Peeters")
    assert no_horizontal_scroll(page)
    assert_accessible(page, "the users list")
    screenshot(page, "admin-users-375")


def _version(app) -> int:
    with app.app_context():
        return directory.directory_version()
