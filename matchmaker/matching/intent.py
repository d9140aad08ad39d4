"""Who seeks whom: the weight and role of each organization from the inquirer's side."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

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


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Read tab-separated rows; "#" starts a comment; an unknown code is an error."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        investor_kind, kind, offer, weight, *role = line.split("\t")
        _check(investor_kind, INVESTOR_TYPES)
        _check(kind, KINDS)
        _check(offer, OFFERS)
        rules.append(Rule(investor_kind, kind, offer, float(weight), role[0] if role else ""))
    return tuple(rules)


def _check(value: str, allowed: Sequence[str]) -> None:
    if value != ANY and value not in allowed:
        raise ValueError(f"unknown code in intent table: {value!r}")


@cache
def default_rules() -> tuple[Rule, ...]:
    """The table shipped with the package (intent.tsv)."""
    source = resources.files("matchmaker.matching").joinpath("intent.tsv")
    return parse_rules(source.read_text(encoding="utf-8"))


def intent(
    investor_kind: str, kind: str, offers: Sequence[str], rules: Sequence[Rule] | None = None
) -> tuple[float, str]:
    """(weight, role) of an organization for an inquirer: the first matching rule, else (1, "")."""
    for rule in default_rules() if rules is None else rules:
        if rule.investor_kind == investor_kind and rule.matches(kind, offers):
            return rule.weight, rule.role
    return 1.0, ""
