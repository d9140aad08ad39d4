"""Search that understands: the staff lead list and the public directory find leads and
organizations by the engine's analysis of their words (accents, stems, English and French, the
glossary), best match first, from an index kept on every write."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Inquiry, Organization
from matchmaker.services import directory, privacy
from matchmaker.services.leads import listing
from matchmaker.services.leads.listing import RELEVANCE, LeadFilters
from tests import factories
from tests.helpers import BOTH_DATABASES, load_shipped_directory

LEADS = {
    "hydrogene": dict(name="Camille Lefèvre", organization="Énergies Lefèvre", lang="fr",
                      email="camille@energies.fr", country="FR", sectors=("energy",),
                      interests="Nous cherchons un site pour produire de l'hydrogène vert."),
    "hydrogen": dict(name="Hans Berg", organization="Rhein Power", email="hans@rhein.de",
                     country="DE", sectors=("energy",),
                     interests="Green hydrogen electrolysers for our German plants"),
    "fuel-cells": dict(name="Kenji Sato", organization="Sato Mobility", email="k@sato.jp",
                       country="JP", sectors=("energy",),
                       interests="Fuel cells for city buses and delivery vans"),
    "therapies": dict(name="Aiko Tanaka", organization="Sakura Bio Partners",
                      email="aiko@example.jp", country="JP", sectors=("life-sciences",),
                      interests="Manufacturing capacity for our cell therapies in Europe"),
    "warehouse": dict(name="Dana Smith", organization="Boston Logistics", email="dana@bl.us",
                      country="US", sectors=("logistics",),
                      interests="A warehouse near Liège airport for e-commerce parcels"),
    "entrepot": dict(name="Émile Durand", organization="Lyon Froid", email="emile@lf.fr",
                     country="FR", sectors=("logistics",), lang="fr",
                     interests="Un entrepôt frigorifique à Liège pour nos produits surgelés"),
    "namur": dict(name="Omar Haddad", organization="Gulf Freight", email="omar@gf.ae",
                  country="AE", sectors=("logistics",),
                  interests="A warehouse in Namur for air freight"),
    "batteries": dict(name="Chen Wei", organization="Shenzhen Batteries", email="chen@batt.cn",
                      country="CN", sectors=("cleantech",), status="qualified",
                      interests="Battery recycling plant"),
}  # fmt: skip


@pytest.fixture
def leads(app):
    """The leads above, by key: their codes."""
    with app.app_context():
        codes = {key: factories.add_inquiry(**spec).code for key, spec in LEADS.items()}
        db.session.commit()
    return codes


def found(client, q: str, **args) -> list[str]:
    """The lead codes the staff list shows for a search, top to bottom."""
    html = client.get("/staff/leads", query_string={"q": q, **args}).text
    return re.findall(r'<span class="code">(WM-[A-Z0-9]{6})</span>', html)


def names(leads: dict[str, str], codes: list[str]) -> list[str]:
    by_code = {code: key for key, code in leads.items()}
    return [by_code[code] for code in codes]


# Staff: the lead list ---------------------------------------------------------------------------


@BOTH_DATABASES
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hydrogen", {"hydrogen", "hydrogene", "fuel-cells"}),  # the glossary: fuel cells
        ("hydrogene", {"hydrogen", "hydrogene", "fuel-cells"}),
        ("hydrogène", {"hydrogen", "hydrogene", "fuel-cells"}),
        ("cell therapy", {"therapies"}),
        ("Tanaka Aiko", {"therapies"}),
        ("warehouse Liège", {"warehouse", "entrepot"}),
        ("entrepôt liege", {"warehouse", "entrepot"}),
        ("lefevre", {"hydrogene"}),
        ("surgelé", {"entrepot"}),
        ("_", set()),
    ],
)  # fmt: skip
def test_staff_search_understands_words_in_either_language(staff_client, leads, q, expected):
    assert set(names(leads, found(staff_client, q))) == expected


@BOTH_DATABASES
def test_the_words_themselves_come_before_the_glossary_s_equivalents(staff_client, leads):
    shown = names(leads, found(staff_client, "hydrogen"))
    assert shown[-1] == "fuel-cells"
    html = staff_client.get("/staff/leads", query_string={"q": "hydrogen"}).text
    assert "Leads, sorted by: Best match" in html


@BOTH_DATABASES
def test_a_chosen_sort_orders_what_the_search_found(staff_client, leads):
    assert names(leads, found(staff_client, "hydrogen", sort="name")) == [
        "hydrogene", "hydrogen", "fuel-cells"]  # Camille, Hans, Kenji  # fmt: skip


@BOTH_DATABASES
def test_the_counts_per_status_follow_the_search(staff_client, leads):
    html = staff_client.get("/staff/leads", query_string={"q": "recycling"}).text
    assert "1 lead" in html
    assert re.search(r'Qualified <span class="count">1</span>', html)
    assert re.search(r'New <span class="count">0</span>', html)


@BOTH_DATABASES
def test_a_search_s_pages_and_status_filter_follow_one_ranking(app, leads):
    """Best match first, the counts and the page's leads are read together: the pages continue
    one another, and a status keeps its own leads in the same order while counting every status."""
    with app.app_context():
        db.session.execute(sa.update(Inquiry).where(Inquiry.code == leads["namur"])
                           .values(status="qualified"))  # fmt: skip
        db.session.commit()
    with app.test_request_context():
        search = LeadFilters(q="warehouse", sort=RELEVANCE)
        whole = listing.find_leads(search)
        ranked = [lead.code for lead in whole.page.items]
        pages = [listing.find_leads(search, page=number, per_page=1) for number in (1, 2, 3, 4)]
        qualified = listing.find_leads(replace(search, status="qualified"))
        new = listing.find_leads(replace(search, status="new"), page=2, per_page=1)
    assert sorted(ranked) == sorted(leads[key] for key in ("warehouse", "entrepot", "namur"))
    assert [[lead.code for lead in page.page.items] for page in pages] == [
        [ranked[0]], [ranked[1]], [ranked[2]], []]  # fmt: skip
    assert pages[0].page.total == 3 and pages[0].page.pages == 3
    assert [lead.code for lead in qualified.page.items] == [leads["namur"]]
    assert qualified.page.total == 1
    assert qualified.counts["new"] == 2 and qualified.counts["qualified"] == 1
    assert qualified.counts["open"] == qualified.counts[""] == 3
    assert [lead.code for lead in new.page.items] == [c for c in ranked if c != leads["namur"]][1:]


@BOTH_DATABASES
def test_a_new_inquiry_from_the_public_form_is_found(app, client, staff_client):
    from tests.helpers import submit

    with app.app_context():
        load_shipped_directory()
    submit(client, name="Ingrid Dahl", interests="Nous voulons un entrepôt sous douane pour "
           "nos pièces détachées, près d'un aéroport de fret.")  # fmt: skip
    html = staff_client.get("/staff/leads", query_string={"q": "bonded warehouse"}).text
    assert "Ingrid Dahl" in html


@BOTH_DATABASES
def test_an_erased_lead_is_no_longer_found(app, staff_client, leads, make_user):
    with app.app_context():
        privacy.erase_personal_data("hans@rhein.de", make_user("admin@agency.be", role="admin"))
        db.session.commit()
    assert set(names(leads, found(staff_client, "hydrogen"))) == {"hydrogene", "fuel-cells"}


# The public directory ---------------------------------------------------------------------------


def card_slugs(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/organizations/([^"]+)">', html)


@BOTH_DATABASES
@pytest.mark.parametrize(
    ("q", "first", "included"),
    [
        ("hydrogène", {"h2win", "john-cockerill", "cluster-tweed"},
         {"h2win", "john-cockerill", "cluster-tweed", "mydibel", "district-cleantech-charleroi"}),
        ("thérapie cellulaire", {"masthercell", "esobiotec", "cellaion", "biosenic", "ncardia"},
         {"masthercell", "esobiotec", "cellaion", "celyad-oncology", "exothera"}),
        ("entrepôt", {"wdp-wallonia", "heylen-warehouses-wapi-logistics-campus",
                      "weerts-logistics-parks", "prologis-park-liege"},  # warehouse estates
         {"liege-airport", "port-autonome-de-liege", "heylen-warehouses-wapi-logistics-campus"}),
    ],
)  # fmt: skip
def test_the_public_directory_finds_organizations_best_first(seeded, client, q, first, included):
    html = client.get("/organizations", query_string={"q": q},
                      headers={"Accept-Language": "fr"}).text  # fmt: skip
    pages = [html] + [
        client.get("/organizations", query_string={"q": q, "page": page}).text
        for page in (2, 3)
    ]
    shown = [slug for page in pages for slug in card_slugs(page)]
    assert shown[0] in first, shown[:5]
    assert included <= set(shown)


@BOTH_DATABASES
def test_an_edited_profile_is_found_by_its_new_words_only(seeded, client):
    with seeded.app_context():
        org = db.session.scalar(sa.select(Organization).where(Organization.slug == "h2win"))
        record = directory.organization_record(org) | {
            "description_fr": "Fabricant de sirop d'érable.", "description": "Maple syrup maker.",
            "keywords": "maple", "keywords_fr": "érable"}  # fmt: skip
        directory.update_organization(org, record)
        db.session.commit()
    assert "h2win" in card_slugs(client.get("/organizations?q=sirop+d'érable").text)
    assert "h2win" in card_slugs(client.get("/organizations?q=maple+syrup").text)
    hydrogen = client.get("/organizations?q=electrolyser").text
    assert "h2win" not in card_slugs(hydrogen)


def test_the_sqlite_index_stays_consistent_through_inserts_updates_and_deletes(app, leads):
    with app.app_context():
        lead = db.session.scalar(sa.select(Inquiry).where(Inquiry.code == leads["namur"]))
        lead.interests = "A cold store in Charleroi"
        db.session.delete(db.session.scalar(sa.select(Inquiry).where(
            Inquiry.code == leads["batteries"])))  # fmt: skip
        db.session.commit()
        for table in ("inquiry_search", "organization_search"):
            db.session.execute(sa.text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))


@BOTH_DATABASES
def test_search_reindex_writes_the_terms_again_after_the_analysis_changed(
    app, runner, leads, staff_client
):
    with app.app_context():  # as if stored by an older glossary: no terms at all
        db.session.execute(sa.update(Inquiry).where(Inquiry.code == leads["warehouse"])
                           .values(search_terms=""))  # fmt: skip
        db.session.commit()
    assert found(staff_client, "warehouse Liège") == [leads["entrepot"]]
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Search terms written again: 1 lead, 0 organizations." in result.output
    assert set(found(staff_client, "warehouse Liège")) == {leads["warehouse"], leads["entrepot"]}
