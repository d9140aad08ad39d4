"""Directory administration in the back office: permissions, the list, edits (the CSV export and
import are in test_admin_directory_import.py)."""

import logging
import re

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import accounts, directory
from tests.directory_pages import (
    EXPORT,
    IMPORT,
    LIST,
    add_org,
    csv_bytes,
    field_error,
    form_data,
    orgs,
    row,
    upload,
    version,
)
from tests.factories import SHIPPED, STAFF_PAGES

# Permissions -------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", LIST),
    ("get", "/staff/admin/organizations/new"),
    ("post", "/staff/admin/organizations/new"),
    ("get", "/staff/admin/organizations/acme-bio/edit"),
    ("post", "/staff/admin/organizations/acme-bio/deactivate"),
    ("post", "/staff/admin/organizations/acme-bio/reactivate"),
    ("get", EXPORT),
    ("get", IMPORT),
    ("post", IMPORT),
    ("get", "/staff/admin/organizations/import/some-token"),
    ("post", "/staff/admin/organizations/import/some-token"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    # A form's address only answers POST: sign-in leads back to the page that sent it, if known.
    expected = f"/staff/login?next={url}" if method == "get" else "/staff/login"
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_staff_members_are_refused_and_nothing_changes(app, staff_client, method, url):
    add_org(app)
    response = getattr(staff_client, method)(url)
    assert response.status_code == 403
    assert "You do not have access to this page." in response.text
    assert orgs(app)["acme-bio"].active is True
    assert version(app) == 1


def test_admins_see_the_pages_and_the_navigation(app, admin_client):
    add_org(app)
    for url in (LIST, "/staff/admin/organizations/new", IMPORT,
                "/staff/admin/organizations/acme-bio/edit"):  # fmt: skip
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"
    home = admin_client.get("/staff/").text
    nav = home.split('<nav class="site-nav"', 1)[1].split("</nav>")[0]
    assert 'href="/staff/admin/organizations"' in nav and 'href="/staff/admin/users"' in nav
    sections = home.split('<ul class="sections">', 1)[1]
    assert "import and export the directory as CSV" in sections
    assert "Create staff accounts" in sections


def test_staff_navigation_has_no_admin_entries(staff_client):
    html = staff_client.get("/staff/").text
    assert "/staff/admin/organizations" not in html and "/staff/admin/users" not in html


def test_a_deactivated_admins_old_cookie_is_refused(app, admin_client, make_user):
    make_user("other-admin@agency.be", role="admin")
    with app.app_context():
        accounts.deactivate(accounts.find_user("admin@agency.be"))
        db.session.commit()
    response = admin_client.get(LIST)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_demoted_admin_loses_the_pages_at_once(app, admin_client, make_user):
    make_user("other-admin@agency.be", role="admin")
    with app.app_context():
        accounts.update_user(accounts.find_user("admin@agency.be"), "Admin", "staff")
        db.session.commit()
    assert admin_client.get(LIST).status_code == 403


# The list -----------------------------------------------------------------------------------


def test_list_searches_filters_sorts_and_pages(seeded, admin_client):
    with seeded.app_context():
        first = db.session.scalars(directory.search_query(active=None)).first()
        directory.set_active(first, False)
        db.session.commit()
        first_name, first_slug = first.name, first.slug
    page_one = admin_client.get(LIST).text
    assert f"{SHIPPED} organizations" in page_one and f"page 1 of {STAFF_PAGES}" in page_one
    page_two = admin_client.get(LIST + "?page=2").text
    assert f"page 2 of {STAFF_PAGES}" in page_two and first_name not in page_two
    inactive = admin_client.get(LIST + "?status=inactive").text
    assert "1 organization" in inactive and first_name in inactive
    assert f"{SHIPPED} organizations" not in inactive
    active = admin_client.get(LIST + "?status=active").text
    assert f"{SHIPPED - 1} organizations" in active
    by_slug = admin_client.get(LIST + f"?q={first_slug}").text
    assert first_name in by_slug
    aero = admin_client.get(LIST + "?sector=aerospace&province=Liège&kind=company").text
    with seeded.app_context():
        expected = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                directory.search_query(sector="aerospace", province="Liège", kind="company",
                                       active=None).subquery()
            )
        )  # fmt: skip
    assert f"{expected} organization" in aero
    assert 0 < expected < SHIPPED


def test_list_sorts_by_last_change(seeded, admin_client):
    with seeded.app_context():
        org = db.session.scalar(sa.select(Organization).order_by(Organization.slug.desc()))
        directory.update_organization(org, directory.organization_record(org) | {"city": "Spa"})
        db.session.commit()
        name = org.name
    html = admin_client.get(LIST + "?sort=updated").text
    first_row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert name in first_row


def test_a_page_beyond_the_last_says_so_and_links_to_the_first(seeded, admin_client):
    html = admin_client.get(LIST + "?status=active&page=99").text
    assert "There is no page 99 for these filters." in html
    assert "No organization matches these filters." not in html
    assert 'href="/staff/admin/organizations?status=active&amp;page=1"' in html


def test_a_wrong_filter_value_shows_everything_rather_than_failing(seeded, admin_client):
    response = admin_client.get(LIST + "?status=nonsense&sort=evil")
    assert response.status_code == 200 and f"{SHIPPED} organizations" in response.text


# Create, edit, deactivate -------------------------------------------------------------------


def test_create_an_organization(app, admin_client, caplog):
    caplog.set_level(logging.INFO)
    response = admin_client.post("/staff/admin/organizations/new", data=form_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/admin/organizations/acme-bio/edit"
    org = orgs(app)["acme-bio"]
    assert org.name == "Acme Bio" and org.sectors == ("life-sciences",)
    assert org.offers == ("contract-manufacturing", "rd-collaboration")
    assert org.keywords == ("AAV", "lentivirus") and org.founded == 2012
    assert version(app) == 1
    assert "added organization acme-bio" in caplog.text and "@agency.be" not in caplog.text
    page = admin_client.get(response.headers["Location"]).text
    assert "Acme Bio is in the directory." in page


def test_create_shows_each_problem_next_to_its_field_and_writes_nothing(app, admin_client):
    data = form_data(slug="Bad Slug", name="", website="www.acme.example", founded="12")
    data["sectors"] = []
    response = admin_client.post("/staff/admin/organizations/new", data=data)
    assert response.status_code == 200
    html = response.text
    assert "Use only lowercase letters" in field_error(html, "slug")
    assert field_error(html, "name") == "Required."
    assert field_error(html, "sectors") == "Required."
    assert "Must start with http:// or https://." in field_error(html, "website")
    assert "“12” is not a year" in field_error(html, "founded")
    assert "There are 5 problems" in html and 'href="#sectors-0"' in html
    assert 'aria-invalid="true"' in html
    assert orgs(app) == {} and version(app) == 0


def test_the_form_and_the_import_apply_the_same_length_limits(app, admin_client):
    long_name = "N" * (directory.MAX_LENGTHS["name"] + 1)
    html = admin_client.post("/staff/admin/organizations/new", data=form_data(name=long_name)).text
    assert field_error(html, "name") == "At most 200 characters (this has 201)."
    preview = admin_client.get(upload(admin_client, csv_bytes([row(name=long_name)])).location)
    assert "At most 200 characters (this has 201)." in preview.text
    assert orgs(app) == {}


def test_create_refuses_a_slug_already_taken(app, admin_client):
    add_org(app)
    html = admin_client.post("/staff/admin/organizations/new", data=form_data(name="Twin")).text
    assert field_error(html, "slug") == "Another organization already has this slug."
    assert orgs(app)["acme-bio"].name == "Acme Bio" and version(app) == 1


def test_edit_saves_the_changes_and_bumps_the_version(app, admin_client, caplog):
    add_org(app)
    caplog.set_level(logging.INFO)
    data = form_data(name="Acme Biologics", city="Namur", province="Namur", keywords="AAV; GMP")
    data["sectors"] = ["life-sciences", "digital"]
    response = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data)
    assert response.status_code == 302
    org = orgs(app)["acme-bio"]
    assert (org.name, org.city, org.province) == ("Acme Biologics", "Namur", "Namur")
    assert org.sectors == ("digital", "life-sciences") and org.keywords == ("AAV", "GMP")
    assert version(app) == 2
    assert "changed organization acme-bio: name, sectors, city, province, keywords" in caplog.text


def test_an_edit_made_on_a_stale_page_overwrites_nothing(app, admin_client):
    add_org(app)
    page = admin_client.get("/staff/admin/organizations/acme-bio/edit").text
    shown = re.search(r'name="changed_at" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():  # another admin saves a change meanwhile
        org = db.session.scalar(sa.select(Organization).filter_by(slug="acme-bio"))
        directory.update_organization(org, directory.organization_record(org) | {"city": "Spa"})
        db.session.commit()
    data = form_data(name="Acme Biologics") | {"changed_at": shown}
    response = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data,
                                 follow_redirects=True)  # fmt: skip
    assert "Someone else changed Acme Bio while you were editing" in response.text
    org = orgs(app)["acme-bio"]
    assert (org.name, org.city) == ("Acme Bio", "Spa")


def test_edit_with_nothing_changed_keeps_the_version(app, admin_client):
    add_org(app)
    response = admin_client.post(
        "/staff/admin/organizations/acme-bio/edit", data=form_data(), follow_redirects=True
    )
    assert "Nothing was changed." in response.text
    assert version(app) == 1


def test_edit_errors_are_shown_and_nothing_is_written(app, admin_client):
    add_org(app)
    data = form_data(name="Renamed", contact_email="not-an-email", kind="spaceship")
    data["sectors"] = []
    html = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data).text
    assert field_error(html, "contact_email") == (
        "Give one email address, like name@example.be (no list, no name).")
    assert field_error(html, "sectors") == "Required."
    assert "“spaceship” is not one of" in field_error(html, "kind")
    org = orgs(app)["acme-bio"]
    assert org.name == "Acme Bio" and org.sectors == ("life-sciences",)
    assert version(app) == 1


def test_the_slug_cannot_be_changed(app, admin_client):
    add_org(app)
    admin_client.post("/staff/admin/organizations/acme-bio/edit", data=form_data(slug="other"))
    assert set(orgs(app)) == {"acme-bio"}


def test_an_unknown_organization_is_not_found(admin_client):
    assert admin_client.get("/staff/admin/organizations/nope/edit").status_code == 404
    assert admin_client.post("/staff/admin/organizations/nope/deactivate").status_code == 404


def test_deactivate_and_reactivate(app, client, admin_client):
    add_org(app)
    response = admin_client.post(
        "/staff/admin/organizations/acme-bio/deactivate", follow_redirects=True
    )
    assert "Acme Bio is deactivated" in response.text
    assert orgs(app)["acme-bio"].active is False and version(app) == 2
    assert app.test_client().get("/organizations/acme-bio").status_code == 404
    admin_client.post("/staff/admin/organizations/acme-bio/deactivate")
    assert version(app) == 2, "deactivating twice changes nothing"
    admin_client.post("/staff/admin/organizations/acme-bio/reactivate")
    assert orgs(app)["acme-bio"].active is True and version(app) == 3
    assert app.test_client().get("/organizations/acme-bio").status_code == 200


# Export -------------------------------------------------------------------------------------


def test_admins_edit_the_french_profile_and_the_source(app, admin_client):
    add_org(app)
    edit = "/staff/admin/organizations/acme-bio/edit"
    page = admin_client.get(edit).text
    french_box = page.split('name="description_fr"', 1)[1].split("</textarea>")[0]
    assert row()["description_fr"] in french_box
    assert 'name="keywords_fr"' in page and 'value="AAV; lentivirus"' in page
    data = form_data(description_fr="Vecteurs AAV pour essais cliniques.",
                     keywords_fr="vecteurs; BPF", source="https://acme.example/fr")  # fmt: skip
    assert admin_client.post(edit, data=data).status_code == 302
    org = orgs(app)["acme-bio"]
    assert org.description_fr == "Vecteurs AAV pour essais cliniques."
    assert org.keywords_fr == ("BPF", "vecteurs") and org.source == "https://acme.example/fr"
    assert org.description == row()["description"] and version(app) == 2
    html = admin_client.post(edit, data=form_data(source="acme.example")).text
    assert "Must start with http:// or https://." in field_error(html, "source")
