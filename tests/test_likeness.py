"""The keys and the similarity that tell two leads from one investor (no app needed)."""

import pytest

from matchmaker import likeness


@pytest.mark.parametrize(("first", "second"), [
    ("kenji.sato@helixbridge.example", " Kenji.Sato@HelixBridge.EXAMPLE"),
    ("zoé.lefèvre@exemple.fr", "Zoe.Lefevre@Exemple.fr"),
    ("strasse@example.de", "STRASSE@example.de"),
])  # fmt: skip
def test_addresses_compare_without_case_or_accents(first, second):
    assert likeness.folded_email(first) == likeness.folded_email(second)


def test_different_addresses_keep_different_keys():
    first, second = "kenji@helix.example", "kenji2@helix.example"
    assert likeness.folded_email(first) != likeness.folded_email(second)


@pytest.mark.parametrize("domain", ["gmail.com", "outlook.com", "yahoo.com", "yahoo.co.jp",
                                    "hotmail.fr", "icloud.com", "proton.me"])  # fmt: skip
def test_free_mail_domains_are_known(domain):
    assert likeness.is_free_mail(domain)


@pytest.mark.parametrize("domain", ["helixbridge.example", "livestream.com", "agency.be"])
def test_company_domains_are_not_free_mail(domain):
    assert not likeness.is_free_mail(domain)


def test_the_domain_of_an_address():
    assert likeness.email_domain("Kenji@HelixBridge.Example") == "helixbridge.example"
    assert likeness.email_domain("no address") == ""


@pytest.mark.parametrize(("name", "key"), [
    ("Helix Bridge Capital LLC", "helix bridge capital"),
    ("Helix Bridge Capital, Inc.", "helix bridge capital"),
    ("HELIX BRIDGE CAPITAL Co., Ltd.", "helix bridge capital"),
    ("Société Wallonne S.A.", "societe wallonne"),
    ("Sakura Bio GmbH", "sakura bio"),
    ("Nordlicht B.V.", "nordlicht"),
    ("Capital", "capital"),
    ("LLC", "llc"),
])  # fmt: skip
def test_organization_names_lose_their_legal_form(name, key):
    assert likeness.organization_key(name) == key


@pytest.mark.parametrize(("first", "second"), [
    ("Helix Bridge Capital", "Helix Bridge Capital LLC"),
    ("Helix Bridge Capital", "Helix Bridge Capitol"),
    ("Sakura Bio Partners", "Sakura BioPartners"),
    ("Alpine Capital", "Alpine Capital Partners"),
    ("Bridge Helix Capital", "Helix Bridge Capital SA"),
])  # fmt: skip
def test_similar_organizations(first, second):
    assert likeness.similar_organizations(likeness.organization_key(first),
                                          likeness.organization_key(second))  # fmt: skip


@pytest.mark.parametrize(("first", "second"), [
    ("Helix Bridge Capital", "Helix Bridge Ventures"),
    ("Tokyo Ventures", "Kyoto Ventures"),
    ("Sakura Bio Partners", "Lisbon Aero"),
    ("Nordic Growth Partners", "Nordic Growth Capital"),
    ("", "Helix Bridge Capital"),
])  # fmt: skip
def test_different_organizations(first, second):
    assert not likeness.similar_organizations(likeness.organization_key(first),
                                              likeness.organization_key(second))  # fmt: skip


@pytest.mark.parametrize(("first", "second"), [
    ("Aiko Tanaka", "TANAKA Aïko"),
    ("Dr. Aiko M. Tanaka", "aiko tanaka"),
    ("Jean-Pierre Dupont", "Jean Pierre DUPONT"),
])  # fmt: skip
def test_person_names_compare_without_case_accents_order_titles_or_initials(first, second):
    assert likeness.name_key(first) == likeness.name_key(second) != ""


def test_a_single_word_name_gives_no_key():
    assert likeness.name_key("Aiko") == likeness.name_key("Dr. Aiko") == ""
