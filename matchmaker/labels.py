"""Readable, translated names for the taxonomy's codes, countries and match reasons."""

import unicodedata
from collections.abc import Mapping
from functools import cache, partial
from typing import Any

import pycountry
from babel import Locale
from babel.lists import format_list
from flask import Flask
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.taxonomy import BUDGETS, HORIZONS, INVESTOR_TYPES, OFFERS, PROVINCES, SECTORS

SECTOR_LABELS = {
    "life-sciences": _l("Life sciences and health"),
    "aerospace": _l("Aerospace"),
    "cleantech": _l("Clean technologies"),
    "energy": _l("Energy"),
    "logistics": _l("Logistics"),
    "agrifood": _l("Agrifood"),
    "digital": _l("Digital"),
    "materials": _l("Materials"),
    "engineering": _l("Engineering"),
}

OFFER_LABELS = {
    "equity-investment": _l("Invest in the company"),
    "licensing": _l("License a technology"),
    "rd-collaboration": _l("R&D collaboration"),
    "contract-manufacturing": _l("Contract manufacturing"),
    "contract-research": _l("Contract research"),
    "testing-services": _l("Testing and analysis services"),
    "distribution": _l("Distribution"),
    "supply": _l("Supply of products or components"),
    "site-location": _l("A site to set up in Wallonia"),
    "joint-venture": _l("Joint venture"),
    "training": _l("Training"),
    "incubation": _l("Incubation and start-up support"),
    "funding": _l("Funding and grants"),
}

KIND_LABELS = {
    "company": _l("Company"),
    "startup": _l("Start-up"),
    "cdmo": _l("Contract development and manufacturing (CDMO)"),
    "university": _l("University"),
    "research-centre": _l("Research centre"),
    "hospital": _l("Hospital"),
    "cluster": _l("Cluster"),
    "incubator": _l("Incubator"),
    "investment-fund": _l("Investment fund"),
    "public-agency": _l("Public agency"),
}

PROVINCE_LABELS = {
    "Hainaut": _l("Hainaut"),
    "Liège": _l("Liège"),
    "Namur": _l("Namur"),
    "Luxembourg": _l("Luxembourg"),
    "Walloon Brabant": _l("Walloon Brabant"),
}


INVESTOR_TYPE_LABELS = {
    "investment-fund": _l("Venture capital or private equity fund"),
    "business-angel": _l("Business angel or family office"),
    "corporate-investor": _l("Corporate investor"),
    "site-seeker": _l("Company looking for a site in Wallonia"),
    "industrial-partner": _l("Industrial partner"),
    "research-partner": _l("R&D partner (university, research organization)"),
    "buyer-distributor": _l("Buyer or distributor"),
    "public-body": _l("Public body"),
    "other": _l("Other"),
}

BUDGET_LABELS = {
    "under-1m": _l("Under €1 million"),
    "1m-5m": _l("€1 to 5 million"),
    "5m-20m": _l("€5 to 20 million"),
    "20m-100m": _l("€20 to 100 million"),
    "over-100m": _l("Over €100 million"),
}

HORIZON_LABELS = {
    "within-3-months": _l("Within 3 months"),
    "3-12-months": _l("In 3 to 12 months"),
    "1-2-years": _l("In 1 to 2 years"),
    "exploring": _l("No fixed timeline: exploring"),
}

# The lead pipeline (models.Status) and the staff verdict on a match (models.Verdict).
STATUS_LABELS = {
    "new": _l("New"),
    "qualified": _l("Qualified"),
    "introduced": _l("Introduced"),
    "in_discussion": _l("In discussion"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "not_relevant": _l("Not relevant"),
    "spam": _l("Spam"),
}

VERDICT_LABELS = {
    "relevant": _l("Relevant"),
    "not_relevant": _l("Not relevant"),
}

# A lead's next steps (models.NextStepKind) and why a lead was lost (models.LostReason).
NEXT_STEP_LABELS = {
    "call": _l("Call"),
    "meeting": _l("Meeting"),
    "follow_up": _l("Follow-up"),
    "other": _l("Other step"),
}

LOST_REASON_LABELS = {
    "no_budget": _l("No budget or funding"),
    "other_location": _l("Chose another region or country"),
    "no_suitable_partner": _l("No suitable partner in Wallonia"),
    "project_dropped": _l("Project dropped or postponed"),
    "no_response": _l("No answer from the investor"),
    "out_of_scope": _l("Outside what the agency does"),
    "other": _l("Other reason"),
}

INTRODUCTION_STATE_LABELS = {
    "needs_contact": _l("Needs a contact"),
    "sent": _l("Sent, awaiting an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired without an answer"),
}

DECLINE_REASON_LABELS = {
    "not_a_fit": _l("Not a fit for what we do"),
    "no_capacity": _l("No capacity at the moment"),
    "bad_timing": _l("The timing is not right"),
    "already_in_touch": _l("We are already in touch"),
    "other": _l("Another reason"),
}

# Why two leads may be one investor (services/leads/duplicates.Reason).
DUPLICATE_REASON_LABELS = {
    "same_email": _l("same e-mail"),
    "same_company": _l("same company domain and similar company name"),
    "same_person": _l("similar name, same country"),
}

LANGUAGE_LABELS = {"en": "English", "fr": "Français"}

MESSAGE_TEMPLATE_LABELS = {
    "blank": _l("Blank"),
    "follow_up": _l("Follow-up"),
    "information_request": _l("Request for information"),
    "consent_request": _l("Request consent to share"),
}

# An organization's fields, as staff read them in its history and in a proposal's review.
FIELD_LABELS = {
    "slug": _l("Slug"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "sectors": _l("Sectors"),
    "city": _l("City"),
    "province": _l("Province"),
    "website": _l("Website"),
    "founded": _l("Year founded"),
    "size": _l("Size"),
    "description": _l("Description in English"),
    "description_fr": _l("Description in French"),
    "offers": _l("Ways to work with them"),
    "keywords": _l("Keywords in English"),
    "keywords_fr": _l("Keywords in French"),
    "source": _l("Source of this profile"),
    "contact_email": _l("Directory contact address"),
    "contacts": _l("Contacts"),
}


def sector_choices() -> list[tuple[str, str]]:
    return [(code, SECTOR_LABELS[code]) for code in SECTORS]


def offer_choices() -> list[tuple[str, str]]:
    return [(code, OFFER_LABELS[code]) for code in OFFERS]


def province_choices() -> list[tuple[str, str]]:
    return [(code, PROVINCE_LABELS[code]) for code in PROVINCES]


def investor_type_choices() -> list[tuple[str, str]]:
    return [(code, INVESTOR_TYPE_LABELS[code]) for code in INVESTOR_TYPES]


def budget_choices() -> list[tuple[str, str]]:
    return [(code, BUDGET_LABELS[code]) for code in BUDGETS]


def horizon_choices() -> list[tuple[str, str]]:
    return [(code, HORIZON_LABELS[code]) for code in HORIZONS]


COUNTRY_CODES: tuple[str, ...] = tuple(sorted(country.alpha_2 for country in pycountry.countries))


@cache
def _countries(lang: str) -> tuple[tuple[str, str], ...]:
    """Every ISO 3166 country as (code, name in lang), in that language's alphabetical order."""
    names = Locale.parse(lang).territories
    pairs = [(code, names.get(code) or pycountry.countries.get(alpha_2=code).name)
             for code in COUNTRY_CODES]  # fmt: skip
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def _sort_key(name: str) -> str:
    """Alphabetical order that ignores accents ("Égypte" with the Es, "Îles Åland" with the Is)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def country_choices() -> list[tuple[str, str]]:
    """The countries for a select list, named in the page's language."""
    return list(_countries(_lang()))


def country_name(code: str) -> str:
    """A country's name in the page's language (the code itself when unknown)."""
    return _country_names(_lang()).get(code, code)


@cache
def _country_names(lang: str) -> dict[str, str]:
    return dict(_countries(lang))


def _lang() -> str:
    return str(get_locale() or "en")


# How strong a match is (the engine's calibrated bands, docs/matching.md), said in words.
STRENGTH_LABELS = {
    "strong": _l("Strong match"),
    "possible": _l("Possible match"),
    "weak": _l("Weak match"),
}

# What the organization is to the inquirer (the engine's intent codes, matching/intent.tsv),
# said from the investor's side. "raising-capital" and "investable" name a start-up as such.
ROLE_REASONS = {
    "raising-capital": _l("A company raising capital: open to investment"),
    "investable": _l("A company you could invest in (it does not say it is raising capital)"),
    "co-investor": _l("An investment fund: could co-invest with you"),
    "public-funder": _l("Offers funding or grants"),
    "funder": _l("An investment fund: could finance your project"),
    "site-host": _l("Offers sites to set up in Wallonia"),
    "public-agency": _l("A Walloon public agency"),
    "producer": _l("A producer: could manufacture or supply for you"),
    "research-lab": _l("A research organization: university, research centre or hospital"),
    "rd-partner": _l("Open to R&D collaboration"),
    "public-counterpart": _l("A public agency: a counterpart for your institution"),
    "network": _l("A cluster: a network of organizations in its field"),
}
STARTUP_ROLE_REASONS = {
    "raising-capital": _l("A start-up raising capital"),
    "investable": _l("A start-up you could invest in (it does not say it is raising capital)"),
}


def strength_label(code: str) -> str:
    """A match's strength in words ("" for a match without one: added by staff, or older)."""
    label = STRENGTH_LABELS.get(code)
    return str(label) if label else ""


def role_reason(role: str, kind: str = "") -> str:
    """What the organization is to the inquirer, in words ("" for no or an unknown role)."""
    reason = STARTUP_ROLE_REASONS.get(role) if kind == "startup" else None
    reason = reason or ROLE_REASONS.get(role)
    return str(reason) if reason else ""


def match_reasons(
    explanation: Mapping[str, Any], *, kind: str = "", staff: bool = False,
    organization: bool = False,
) -> list[str]:
    """Why an organization matched, in plain words, from a Match's explanation: for the
    investor (the result page, their mail), in the back office's terse form (`staff`), or
    addressed to the organization itself (`organization`: its introduction request).

    The one formatter of the reasons: the organization's role for the inquirer (`kind`, the
    organization's, names a start-up as such), the inquiry's words its profile has, the
    glossary bridges (what the investor wrote, what the profile says), the facets in common.
    It says only what the explanation holds.
    """
    join = ", ".join if staff else partial(format_list, locale=_lang())
    terms = list(explanation.get("terms") or ())
    bridges = [bridge for bridge in explanation.get("bridges") or ()
               if bridge.get("wrote") and bridge.get("profile")]  # fmt: skip
    sectors = [str(SECTOR_LABELS.get(code, code)) for code in explanation.get("sectors") or ()]
    offers = [str(OFFER_LABELS.get(code, code)) for code in explanation.get("offers") or ()]
    reasons = []
    if organization:
        if terms:
            quoted = join([_quoted(term) for term in terms])
            reasons.append(_("Your profile mentions %(terms)s.", terms=quoted))
        if sectors:
            reasons.append(_("They look for partners in %(names)s, where you are active.",
                             names=join(sectors)))  # fmt: skip
        if offers:
            reasons.append(_("They are looking for %(names)s, which you offer.",
                             names=join(offers)))  # fmt: skip
        return reasons
    role = role_reason(explanation.get("role") or "", kind)
    if role:
        reasons.append(role)
    if terms and staff:
        reasons.append(_("Profile mentions: %(terms)s", terms=join(terms)))
    elif terms:
        quoted = join([_quoted(term) for term in terms])
        reasons.append(_("Their profile mentions: %(terms)s.", terms=quoted))
    for bridge in bridges:
        wrote, said = _quoted(bridge["wrote"]), _quoted(bridge["profile"])
        if staff:  # the reader is not the one who wrote the inquiry
            reasons.append(_("The investor wrote %(wrote)s; their profile says %(profile)s.",
                             wrote=wrote, profile=said))  # fmt: skip
        else:
            reasons.append(_("You wrote %(wrote)s; their profile says %(profile)s.",
                             wrote=wrote, profile=said))  # fmt: skip
    if sectors and staff:
        reasons.append(_("Sectors in common: %(names)s", names=join(sectors)))
    elif sectors:
        reasons.append(
            ngettext("Active in %(names)s, the sector you chose.",
                     "Active in %(names)s, sectors you chose.", len(sectors), names=join(sectors))
        )  # fmt: skip
    if offers and staff:
        reasons.append(_("Offers what is sought: %(names)s", names=join(offers)))
    elif offers:
        reasons.append(_("Open to what you are looking for: %(names)s.", names=join(offers)))
    return reasons


def _quoted(words: str) -> str:
    """Words quoted as the reader's language does (“cell therapy”, « thérapie cellulaire »)."""
    return _("“%(term)s”", term=words)


def init_app(app: Flask) -> None:
    """Make the labels available to every template."""
    app.jinja_env.globals.update(
        sector_label=lambda code: SECTOR_LABELS.get(code, code),
        offer_label=lambda code: OFFER_LABELS.get(code, code),
        kind_label=lambda code: KIND_LABELS.get(code, code),
        province_label=lambda code: PROVINCE_LABELS.get(code, code),
        investor_type_label=lambda code: INVESTOR_TYPE_LABELS.get(code, code),
        budget_label=lambda code: BUDGET_LABELS.get(code, code),
        horizon_label=lambda code: HORIZON_LABELS.get(code, code),
        status_label=lambda code: STATUS_LABELS.get(code, code),
        verdict_label=lambda code: VERDICT_LABELS.get(code, code),
        next_step_label=lambda code: NEXT_STEP_LABELS.get(code, code),
        lost_reason_label=lambda code: LOST_REASON_LABELS.get(code, code),
        introduction_state_label=lambda code: INTRODUCTION_STATE_LABELS.get(code, code),
        decline_reason_label=lambda code: DECLINE_REASON_LABELS.get(code, code),
        language_label=lambda code: LANGUAGE_LABELS.get(code, code),
        field_label=lambda code: FIELD_LABELS.get(code, code),
        duplicate_reasons=lambda codes: "; ".join(
            str(DUPLICATE_REASON_LABELS.get(code, code)) for code in codes),
        country_name=country_name,
        match_reasons=match_reasons,
        strength_label=strength_label,
    )
