"""The fixed vocabularies: the directory's sectors, offers, kinds; an inquiry's types and bands."""

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

# What an inquiry says about the investor or partner: who they are, budget, time horizon.
INVESTOR_TYPES: tuple[str, ...] = (
    "investment-fund",
    "business-angel",
    "corporate-investor",
    "site-seeker",
    "industrial-partner",
    "research-partner",
    "buyer-distributor",
    "public-body",
    "other",
)

BUDGETS: tuple[str, ...] = ("under-1m", "1m-5m", "5m-20m", "20m-100m", "over-100m")

HORIZONS: tuple[str, ...] = ("within-3-months", "3-12-months", "1-2-years", "exploring")
