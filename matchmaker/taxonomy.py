"""The fixed vocabularies of the directory: sectors, engagement types, kinds, provinces."""

SECTORS: tuple[str, ...] = (
    "life-sciences",
    "aerospace",
    "cleantech",
    "energy",
    "logistics",
    "agrifood",
    "digital",
    "materials",
    "engineering",
)

OFFERS: tuple[str, ...] = (
    "equity-investment",
    "licensing",
    "rd-collaboration",
    "contract-manufacturing",
    "contract-research",
    "testing-services",
    "distribution",
    "supply",
    "site-location",
    "joint-venture",
    "training",
    "incubation",
    "funding",
)

KINDS: tuple[str, ...] = (
    "company",
    "startup",
    "cdmo",
    "university",
    "research-centre",
    "hospital",
    "cluster",
    "incubator",
    "investment-fund",
    "public-agency",
)

PROVINCES: tuple[str, ...] = ("Hainaut", "Liège", "Namur", "Luxembourg", "Walloon Brabant")

SIZES: tuple[str, ...] = ("1-10", "11-50", "51-250", "251-1000", "1000+")

LANGS: tuple[str, ...] = ("en", "fr")
