"""Explanations: which of the investor's own words and chosen facets made a match."""

from dataclasses import dataclass

MAX_TERMS = 5


@dataclass(frozen=True)
class Ranked:
    """One ranked organization: its score in [0, 1] and what drove it."""

    slug: str
    score: float
    terms: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """Readable reasons, e.g. 'matches "cell therapy"', 'sector: life-sciences'."""
        return (
            *(f'matches "{term}"' for term in self.terms),
            *(f"sector: {sector}" for sector in self.sectors),
            *(f"offers: {offer}" for offer in self.offers),
        )


def top_terms(contributions: dict[str, float], limit: int = MAX_TERMS) -> tuple[str, ...]:
    """The query phrases with the largest contributions, best first, without repeats.

    `contributions` maps each phrase as the user wrote it to its share of the score; a phrase
    already contained in a better one ("cell" after "cell therapy") is skipped.
    """
    chosen: list[str] = []
    for phrase, share in sorted(contributions.items(), key=lambda item: (-item[1], item[0])):
        if share <= 0 or len(chosen) == limit:
            break
        if not any(_inside(phrase, kept) for kept in chosen):
            chosen.append(phrase)
    return tuple(chosen)


def _inside(small: str, big: str) -> bool:
    """Whether the words of `small` appear together in `big`, ignoring case."""
    return f" {small.casefold()} " in f" {big.casefold()} "
