"""Search terms: what a text can be found by, and what a search asks for, from the engine's own
analysis (words folded, English and French stems, the glossary's concepts)."""

from collections import Counter
from collections.abc import Iterable

from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.text import LANGS, STOP_WORDS, Token, tokens, words

MAX_TERM_LENGTH = 60  # longer "words" (a pasted hash, a URL-like run) are not searchable


def _stems(text: str) -> list[Token]:
    """The text's stems in both languages and the glossary concepts they form, with the span of
    the words behind each."""
    found: list[Token] = []
    for lang in LANGS:
        stems = tokens(text, lang)
        concepts = default_glossary().find([token.stem for token in stems], lang)
        found += stems
        found += [Token(concept, stems[first].start, stems[end - 1].end)
                  for first, end, concept in concepts]  # fmt: skip
    return found


def _occurrences(text: str) -> list[str]:
    """Each occurrence of a term in a text: its words as written (folded), their stems in English
    and French, and the glossary's concepts of either ("hydrogène": hydrogene, hydrogen,
    hydrogen, ~hydrogen, ~hydrogen)."""
    found = words(text) + _stems(text)
    return [term.stem for term in found if len(term.stem) <= MAX_TERM_LENGTH]


def document_terms(text: str) -> set[str]:
    """Every term that finds a text."""
    return set(_occurrences(text))


def terms_text(texts: Iterable[tuple[str, int]]) -> str:
    """The terms of a record's (text, weight) pairs as an index stores them: each once, the
    weightiest first, each between spaces (" hydrogen ~hydrogen vert "). A term weighs the sum
    of its occurrences, each the weight of its text (a name more than a description); equal
    weights in alphabetical order."""
    weights: Counter[str] = Counter()
    for text, weight in texts:
        for term in _occurrences(text):
            weights[term] += weight
    return f" {' '.join(sorted(weights, key=lambda term: (-weights[term], term)))} "


def query_terms(text: str) -> list[frozenset[str]]:
    """What a search asks for: for each word, in order and once, the terms any of which finds it.

    A word's terms are its folded spelling, its stems and the concepts of the glossary phrases
    it is part of ("thérapie cellulaire": each word also accepts ~cell-therapy). Stop words
    ("in", "de") are left out, unless the search has no other word. An empty list: nothing can
    match (no word, or one too long to be a term).
    """
    typed = words(text)
    stems = _stems(text)
    groups: dict[frozenset[str], None] = {}
    for word in typed:
        covering = {t.stem for t in stems if t.start <= word.start < t.end}
        if covering or word.stem not in STOP_WORDS:
            groups.setdefault(frozenset({word.stem} | covering))
    found = list(groups) or list(dict.fromkeys(frozenset({word.stem}) for word in typed))
    searchable = [frozenset(t for t in group if len(t) <= MAX_TERM_LENGTH) for group in found]
    return searchable if all(searchable) else []
