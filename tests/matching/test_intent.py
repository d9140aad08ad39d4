"""Who seeks whom: the intent table read from the inquirer's side."""

import pytest

from matchmaker.matching import OrgDoc, Query, build_index
from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.intent import (
    asked,
    default_asked,
    default_self_words,
    intent,
    parse_asked,
    parse_rules,
)

FUND = "investment-fund"


def doc(slug: str, kind: str, description: str, offers: tuple[str, ...] = ()) -> OrgDoc:
    return OrgDoc(
        slug=slug,
        name=slug.title(),
        kind=kind,
        sectors=("life-sciences",),
        offers=offers,
        keywords=(),
        description=description,
        lang="en",
    )


DIRECTORY = [
    doc("seed-fund", FUND, "Seed fund for oncology antibodies biotech", ("equity-investment",)),
    doc("onco-start", "startup", "Oncology antibodies", ("equity-investment",)),
    doc("onco-labs", "company", "Antibodies for oncology"),
]


def roles(results) -> dict[str, tuple[int, str]]:
    return {r.slug: (place, r.role) for place, r in enumerate(results)}


@pytest.mark.parametrize("kind", ["investment-fund", "business-angel", "corporate-investor"])
def test_an_investor_gets_the_companies_first_and_funds_below_as_co_investors(kind):
    query = Query("oncology antibodies biotech", investor_kind=kind)
    found = roles(build_index(DIRECTORY).rank(query))
    assert {found["onco-start"][0], found["onco-labs"][0]} == {0, 1}
    assert (found["onco-start"][1], found["onco-labs"][1]) == ("raising-capital", "investable")
    assert found["seed-fund"] == (2, "co-investor")


def test_an_investor_who_asks_to_co_invest_gets_the_fund_back_up():
    query = Query("co-invest beside a seed fund in oncology biotech", investor_kind=FUND)
    assert build_index(DIRECTORY).rank(query)[0].slug == "seed-fund"


def test_without_a_kind_no_role_and_no_weight():
    results = build_index(DIRECTORY).rank(Query("oncology antibodies biotech"))
    assert {r.role for r in results} == {""}


def test_the_shipped_rules_read_funds_from_the_inquirers_side():
    assert intent(FUND, FUND, ("equity-investment",)) == (0.6, "co-investor")
    assert intent(FUND, "startup", ("equity-investment",)) == (1.0, "raising-capital")
    assert intent("site-seeker", "public-agency", ()) == (1.0, "public-agency")
    assert intent("industrial-partner", "company", ()) == (1.0, "")
    assert [row.kind for row in asked(FUND)] == [FUND]
    assert asked("industrial-partner") == ()


def test_an_unknown_code_in_the_table_is_an_error():
    with pytest.raises(ValueError, match="hedge-fund"):
        parse_rules("hedge-fund\tcompany\t*\t1\tinvestable\n")
    with pytest.raises(ValueError, match="castle"):
        parse_asked("asks\tinvestment-fund\tco-investment\tcastle\t1\n")


def test_every_concept_the_table_names_is_in_the_glossary():
    named = {row.concept for row in (*default_asked(), *default_self_words())}
    assert named and named <= set(default_glossary().concepts)
