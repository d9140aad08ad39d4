"""Readable, translated names for the taxonomy's codes."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from matchmaker.taxonomy import OFFERS, PROVINCES, SECTORS

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


def sector_choices() -> list[tuple[str, str]]:
    return [(code, SECTOR_LABELS[code]) for code in SECTORS]


def offer_choices() -> list[tuple[str, str]]:
    return [(code, OFFER_LABELS[code]) for code in OFFERS]


def province_choices() -> list[tuple[str, str]]:
    return [(code, PROVINCE_LABELS[code]) for code in PROVINCES]


def init_app(app: Flask) -> None:
    """Make the labels available to every template."""
    app.jinja_env.globals.update(
        sector_label=lambda code: SECTOR_LABELS.get(code, code),
        offer_label=lambda code: OFFER_LABELS.get(code, code),
        kind_label=lambda code: KIND_LABELS.get(code, code),
        province_label=lambda code: PROVINCE_LABELS.get(code, code),
    )
