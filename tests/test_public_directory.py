"""The public pages: home, the directory list with search and filters, detail, languages."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from matchmaker.extensions import db
from matchmaker.models import Organization
from tests.factories import PUBLIC_PAGES, SHIPPED

pytestmark = pytest.mark.usefixtures("seeded")


def result_count(html: str) -> str:
    return re.search(r'class="result-count"[^>]*>\s*(.*?)\s*<', html, re.S).group(1)


def card_names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/organizations/[^"]+">(.*?)</a></h2>', html)


def test_home_says_what_the_service_is(client):
    html = client.get("/").get_data(as_text=True)
    assert "Find your partners in Wallonia" in html
    assert f"{SHIPPED} Walloon organizations described in our directory." in html


def test_directory_lists_seeded_organizations_twenty_per_page(client):
    html = client.get("/organizations").get_data(as_text=True)
    assert result_count(html) == f"{SHIPPED} organizations"
    assert len(card_names(html)) == 20
    assert f"Page 1 of {PUBLIC_PAGES}" in html
    last = client.get(f"/organizations?page={PUBLIC_PAGES}").get_data(as_text=True)
    assert len(card_names(last)) == SHIPPED - 20 * (PUBLIC_PAGES - 1)


def test_search_filters_and_pagination_keep_each_other(client):
    html = client.get("/organizations?q=satellite&sector=aerospace").get_data(as_text=True)
    names = card_names(html)
    assert "Aerospacelab" in names
    assert all(name != "AGC Glass Europe" for name in names)
    by_province = client.get("/organizations?sector=life-sciences&province=Namur")
    assert "Page" not in result_count(by_province.get_data(as_text=True))
    page_two = client.get("/organizations?sector=life-sciences&page=2").get_data(as_text=True)
    assert 'href="/organizations?sector=life-sciences&amp;page=3"' in page_two


def test_search_treats_wildcards_literally(client):
    html = client.get("/organizations?q=%25%25").get_data(as_text=True)
    assert result_count(html) == "0 organizations"
    assert "No organization matches this search." in html


def test_unknown_filter_value_is_ignored_not_an_error(client):
    response = client.get("/organizations?sector=crypto")
    assert response.status_code == 200
    assert result_count(response.get_data(as_text=True)) == f"{SHIPPED} organizations"


def test_detail_page_shows_the_profile(client):
    html = client.get("/organizations/aerospacelab").get_data(as_text=True)
    assert "<h1>Aerospacelab</h1>" in html
    assert "Mont-Saint-Guibert" in html and "https://www.aerospacelab.com" in html
    assert client.get("/organizations/no-such-org").status_code == 404


def test_french_is_chosen_from_the_browser_and_can_be_switched(client):
    html = client.get("/organizations", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).text
    assert '<html lang="fr">' in html
    assert "Répertoire des organisations wallonnes" in html
    assert f"{SHIPPED} organisations" in html
    response = client.get("/language/en?next=/organizations%3Fq%3Dbio")
    assert response.headers["Location"] == "/organizations?q=bio"
    html = client.get("/organizations", headers={"Accept-Language": "fr"}).text
    assert "Directory of Walloon organizations" in html, "the chosen language is remembered"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "javascript:x"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/organizations\x1b", "/a\x7fb"])
def test_language_switch_with_control_characters_in_next_goes_home(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get_all("Set-Cookie")[0]


def test_a_page_number_out_of_any_range_shows_an_empty_page_not_an_error(client):
    response = client.get("/organizations?page=99999999999999999999")
    assert response.status_code == 200
    assert card_names(response.text) == []


def test_each_reader_sees_the_profile_in_their_language_else_the_other(app, client):
    with app.app_context():
        org = db.session.scalar(sa.select(Organization).where(Organization.slug == "aerospacelab"))
        english, french = org.description, org.description_fr
        org.keywords_fr = ("petits satellites",)
        db.session.commit()
    page = "/organizations/aerospacelab"
    in_french = client.get(page, headers={"Accept-Language": "fr"}).text
    assert f'<p class="description" lang="fr">{escape(french)}</p>' in in_french
    assert "petits satellites" in in_french and "small satellites" not in in_french
    in_english = client.get(page, headers={"Accept-Language": "en"}).text
    assert f'<p class="description" lang="en">{escape(english)}</p>' in in_english
    with app.app_context():
        org = db.session.scalar(sa.select(Organization).where(Organization.slug == "aerospacelab"))
        org.description_fr, org.keywords_fr = "", ()
        db.session.commit()
    fallback = client.get(page, headers={"Accept-Language": "fr"}).text
    assert f'<p class="description" lang="en">{escape(english)}</p>' in fallback
    assert "small satellites" in fallback


def test_the_search_finds_words_of_either_language(client):
    french_only = "renseignement géospatial"
    names = card_names(client.get(f"/organizations?q={french_only}").text)
    assert "Aerospacelab" in names
    listed = client.get("/organizations?q=satellite", headers={"Accept-Language": "fr"}).text
    assert 'lang="fr">Constructeur de satellites' in listed


def test_the_profile_names_its_source(client):
    html = client.get("/organizations/aerospacelab").text
    assert "Source of this profile" in html and 'href="https://www.aerospacelab.com"' in html
