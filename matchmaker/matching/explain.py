"""Explanations: the true reasons of a match, its strength, and whether anything fits clearly."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from matchmaker.matching.analysis import Occurrence, OrgDoc, profile_surfaces
from matchmaker.matching.glossary import CONCEPT_PREFIX, default_glossary
from matchmaker.matching.text import GENERIC_STEMS, fold

MAX_TERMS = 5
# Strength bands of the final score, calibrated on the dev sets (docs/matching.md): at 0.25 and
# above, 91% of the top-10 matches are graded 2 or 3; below 0.15, 22% are relevant at all.
STRONG = 0.25
POSSIBLE = 0.15
# The list stops below CUT_OFF x the best score or below FLOOR, with at least MIN_SHOWN shown.
CUT_OFF = 0.4
FLOOR = 0.10
MIN_SHOWN = 3


@dataclass(frozen=True)
class Bridge:
    """A glossary link: the inquiry's words, the different words of the profile, and the
    glossary concept they share (e.g. "cell-therapy", or a broad one such as "aerospace")."""

    wrote: str
    profile: str
    concept: str = ""


@dataclass(frozen=True)
class Ranked:
    """One ranked organization: its score in [0, 1], its strength and what drove it.

    `terms` are the inquiry's words (as written) that the profile also has (same word forms up
    to endings); `bridges` pair inquiry words with different profile words of the same glossary
    concept; `role` is the intent code (intent.tsv: "raising-capital", "co-investor", ...).
    """

    slug: str
    score: float
    terms: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    role: str = ""
    strength: str = ""

    @property
    def reasons(self) -> tuple[str, ...]:
        """Readable reasons, e.g. 'role: raising-capital', 'matches "cell therapy"'."""
        return (
            *((f"role: {self.role}",) if self.role else ()),
            *(f'matches "{term}"' for term in self.terms),
            *(
                f'you wrote "{b.wrote}"; their profile says "{b.profile}" ({b.concept})'
                for b in self.bridges
            ),
            *(f"sector: {sector}" for sector in self.sectors),
            *(f"offers: {offer}" for offer in self.offers),
        )


class Evidence(NamedTuple):
    """What one query feature adds to a match: its words in the inquiry and in the profile."""

    wrote: str
    wrote_words: tuple[str, ...]
    profile: str  # "" when only the kind, sectors or offers carry it
    profile_words: tuple[str, ...]
    share: float
    concept: str = ""  # the glossary concept, when the feature is one


class _Surface(NamedTuple):
    """A profile's words for a feature, with what quoting them depends on."""

    found: Occurrence
    folded: str  # the surface, folded (case, accents)
    listed: bool  # the glossary lists it for the feature: a bridge may quote it


@lru_cache(maxsize=4096)
def _surfaces(doc: OrgDoc) -> dict[str, tuple[_Surface, ...]]:
    """Each feature of the profile's own words with its distinct surfaces, once per profile."""
    glossary = default_glossary()
    return {
        feature: tuple(
            _Surface(p, fold(p.surface), glossary.lists(feature, p.surface)) for p in found
        )
        for feature, found in profile_surfaces(doc).items()
    }


def quotable(phrases: dict[int, list[Occurrence]]) -> dict[int, list[Occurrence]]:
    """The query's features that a reason may quote: those not made of generic words only."""
    return {
        column: found
        for column, found in phrases.items()
        if not all(_generic(occurrence.words) for occurrence in found)
    }


def evidence(doc: OrgDoc, matched: Sequence[tuple[list[Occurrence], float]]) -> list[Evidence]:
    """What each matched query feature adds to the organization, with the profile's own words
    for it: `matched` pairs the feature's occurrences in the inquiry (see `quotable`) with its
    share of the score."""
    profile = _surfaces(doc)
    found = []
    for occurrences, share in matched:
        first = occurrences[0]
        surfaces = profile.get(first.feature)
        if surfaces is None:
            continue  # carried by the tags only: never quoted (`quote`)
        folded = fold(first.surface)
        where = [s.found for s in surfaces if _quotable(first, folded, s)]
        pair = next(((q, p) for q in occurrences for p in where if q.words == p.words), None)
        query_side, profile_side = pair or (first, where[0] if where else None)
        found.append(
            Evidence(
                wrote=query_side.surface,
                wrote_words=query_side.words,
                profile=profile_side.surface if profile_side else "",
                profile_words=profile_side.words if profile_side else (),
                share=share,
                concept=query_side.feature.removeprefix(CONCEPT_PREFIX),
            )
        )
    return found


def _quotable(query: Occurrence, folded: str, profile: _Surface) -> bool:
    """Whether the profile's words may be quoted for the query's: not a chance collision of
    stems across languages ("avionics", "avions"), and a bridge only to a listed phrase."""
    if query.words == profile.found.words:
        return query.lang == profile.found.lang or folded == profile.folded
    return profile.listed


def strength(score: float) -> str:
    """ "strong", "possible" or "weak", from the calibrated bands."""
    if score >= STRONG:
        return "strong"
    return "possible" if score >= POSSIBLE else "weak"


def nothing_strong(ranked: Sequence[Ranked]) -> bool:
    """Whether no match is strong: a specialist should look at the inquiry personally."""
    return not any(result.strength == "strong" for result in ranked)


def shown(scores: Sequence[float]) -> int:
    """How many of the scores (best first) to show: stop where quality collapses."""
    if not scores:
        return 0
    floor = max(CUT_OFF * scores[0], FLOOR)
    kept = sum(1 for score in scores if score >= floor)
    return min(len(scores), max(kept, MIN_SHOWN))


def quote(evidence: Sequence[Evidence], limit: int = MAX_TERMS) -> tuple[tuple, tuple]:
    """(terms, bridges): the best true reasons, generic words and tag-only matches left out.

    A word inside a longer matched phrase of the inquiry adds its share to that phrase.
    """
    found = [e for e in evidence if e.profile and e.share > 0 and not _generic(e.wrote_words)]
    phrases = sorted(found, key=lambda e: -len(e.wrote_words))
    totals: dict[tuple[str, str, str], float] = {}
    for item in phrases:
        direct = item.wrote_words == item.profile_words
        key = (item.wrote, *(("", "") if direct else (item.profile, item.concept)))
        if len(item.wrote_words) == 1:
            key = next((k for k in totals if _inside(item.wrote, k[0]) and k != key), key)
        totals[key] = totals.get(key, 0.0) + item.share
    chosen: list[tuple[str, str, str]] = []
    for key, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        if len(chosen) == limit:
            break
        if not any(_inside(key[0], kept[0]) for kept in chosen):
            chosen.append(key)
    terms = tuple(wrote for wrote, profile, _ in chosen if not profile)
    bridges = tuple(Bridge(*key) for key in chosen if key[1])
    return terms, bridges


@lru_cache(maxsize=65_536)
def _generic(words: tuple[str, ...]) -> bool:
    return all(word in GENERIC_STEMS for word in words)


def _inside(small: str, big: str) -> bool:
    """Whether the words of `small` appear together in `big`, ignoring case."""
    return _padded(small) in _padded(big)


@lru_cache(maxsize=65_536)
def _padded(text: str) -> str:
    return f" {text.casefold()} "
