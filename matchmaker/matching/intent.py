"""Who seeks whom: the weight and role of each organization from the inquirer's side."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from matchmaker.matching.glossary import CONCEPT_PREFIX
from matchmaker.taxonomy import INVESTOR_TYPES, KINDS, OFFERS

ANY = "*"


@dataclass(frozen=True)
class Rule:
    """One row of intent.tsv: for this inquirer, an organization of this kind with this offer."""

    investor_kind: str
    kind: str
    offer: str
    weight: float
    role: str

    def matches(self, kind: str, offers: Sequence[str]) -> bool:
        """Whether an organization of `kind` with `offers` falls under this rule."""
        return self.kind in (ANY, kind) and (self.offer == ANY or self.offer in offers)


@dataclass(frozen=True)
class SelfWords:
    """A glossary concept whose words, in this inquirer's text, describe the inquirer itself."""

    investor_kind: str
    concept: str
    weight: float


@dataclass(frozen=True)
class Asked:
    """When an inquiry of this kind names a concept, organizations of a kind weigh `weight`."""

    investor_kind: str
    concept: str
    kind: str
    weight: float


def _rows(text: str) -> list[list[str]]:
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


def parse_self_words(text: str) -> tuple[SelfWords, ...]:
    """The "self" rows of the table."""
    found = []
    for _, investor_kind, concept, weight in (row for row in _rows(text) if row[0] == "self"):
        _check(investor_kind, INVESTOR_TYPES)
        found.append(SelfWords(investor_kind, CONCEPT_PREFIX + concept, float(weight)))
    return tuple(found)


def parse_asked(text: str) -> tuple[Asked, ...]:
    """The "asks" rows of the table."""
    found = []
    for _, investor_kind, concept, kind, weight in (row for row in _rows(text) if row[0] == "asks"):
        _check(investor_kind, INVESTOR_TYPES)
        _check(kind, KINDS)
        found.append(Asked(investor_kind, CONCEPT_PREFIX + concept, kind, float(weight)))
    return tuple(found)


def parse_rules(text: str) -> tuple[Rule, ...]:
    """The organization rows of the table; an unknown code is an error."""
    rules = []
    for row in _rows(text):
        if row[0] in ("self", "asks"):
            continue
        investor_kind, kind, offer, weight, *role = row
        _check(investor_kind, INVESTOR_TYPES)
        _check(kind, KINDS)
        _check(offer, OFFERS)
        rules.append(Rule(investor_kind, kind, offer, float(weight), role[0] if role else ""))
    return tuple(rules)


def _check(value: str, allowed: Sequence[str]) -> None:
    if value != ANY and value not in allowed:
        raise ValueError(f"unknown code in intent table: {value!r}")


def _table() -> str:
    return resources.files("matchmaker.matching").joinpath("intent.tsv").read_text("utf-8")


@cache
def default_rules() -> tuple[Rule, ...]:
    """The organization rows shipped with the package (intent.tsv)."""
    return parse_rules(_table())


@cache
def default_self_words() -> tuple[SelfWords, ...]:
    """The self-description rows shipped with the package (intent.tsv)."""
    return parse_self_words(_table())


@cache
def default_asked() -> tuple[Asked, ...]:
    """The "asks" rows shipped with the package (intent.tsv)."""
    return parse_asked(_table())


def asked(investor_kind: str | None) -> tuple[Asked, ...]:
    """The "asks" rows of an inquirer kind."""
    return tuple(row for row in default_asked() if row.investor_kind == investor_kind)


def self_weights(investor_kind: str | None) -> dict[str, float]:
    """{concept: weight} of the words describing an inquirer of this kind."""
    return {s.concept: s.weight for s in default_self_words() if s.investor_kind == investor_kind}


def intent(
    investor_kind: str, kind: str, offers: Sequence[str], rules: Sequence[Rule] | None = None
) -> tuple[float, str]:
    """(weight, role) of an organization for an inquirer: the first matching rule, else (1, "")."""
    for rule in default_rules() if rules is None else rules:
        if rule.investor_kind == investor_kind and rule.matches(kind, offers):
            return rule.weight, rule.role
    return 1.0, ""
