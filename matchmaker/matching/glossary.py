"""The bilingual domain glossary: phrases in English and French mapped to shared concepts."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import chain, compress, count, pairwise

import numpy as np

from matchmaker.matching.text import (
    ENGLISH_ONLY,
    FRENCH_ONLY,
    LANGS,
    fold,
    raw_words,
    stems,
    word_count,
)

CONCEPT_PREFIX = "~"


class Glossary:
    """Finds glossary phrases in normalised tokens and names their concepts."""

    def __init__(
        self,
        entries: dict[str, dict[tuple[str, ...], tuple[str, ...]]],
        phrases: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self._listed = phrases or {}  # concept -> its phrases as listed (see `lists`)
        self._lookups = {lang: _Lookup(entries.get(lang, {})) for lang in LANGS}
        self.concepts = tuple(
            sorted({c for found in entries.values() for cs in found.values() for c in cs})
        )

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        """Read "concept<TAB>phrase; phrase; ..." lines; "#" starts a comment.

        Each phrase is stemmed in each of its languages (`phrase_langs`) and looked up in the
        texts of that language only. A phrase of several words that stop words reduce to one
        ("start-up" -> "start") is left out: that one word alone would stand for the concept
        everywhere.
        """
        entries = {lang: defaultdict(set) for lang in LANGS}
        listed: dict[str, set[str]] = defaultdict(set)
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            concept, phrases = line.split("\t")
            concept = CONCEPT_PREFIX + concept.strip()
            for tagged in phrases.split(";"):
                phrase, langs = phrase_langs(tagged)
                listed[concept].add(_plain(phrase))
                for lang in langs:
                    key = tuple(stems(phrase, lang))
                    if len(key) > 1 or len(key) == word_count(phrase) == 1:
                        entries[lang][key].add(concept)
        return cls(
            {
                lang: {key: tuple(sorted(concepts)) for key, concepts in found.items()}
                for lang, found in entries.items()
            },
            {concept: frozenset(phrases) for concept, phrases in listed.items()},
        )

    def lists(self, concept: str, phrase: str) -> bool:
        """Whether the glossary lists this phrase (up to case, accents, plural -s) for the concept.

        Stems can collide ("customers" and "customs"): a bridge quotes only listed phrases.
        """
        return _plain(phrase) in self._listed.get(concept, ())

    def find(self, words: list[str], lang: str) -> list[tuple[int, int, str]]:
        """(first, last + 1, concept) for each concept of each phrase found in the normalised
        words of a text in the language (the phrases stemmed in that language)."""
        return self._lookups[lang].find(words)

    def find_coded(
        self, codes: np.ndarray, texts: np.ndarray, words: Sequence[str], lang: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """`find` over many texts of a language at once: (first word, concept) of every hit.

        `codes` holds the word ids of the texts one after the other, `texts` the (non-decreasing)
        text number of each word, `words[id]` the word; a concept is an index in `concepts`.
        """
        if len(words) >= 1 << _BITS:
            raise ValueError("too many distinct words for the glossary's packed phrases")
        numbers = {concept: i for i, concept in enumerate(self.concepts)}
        ids = {word: i for i, word in enumerate(words)}
        tables: defaultdict[int, defaultdict[int, list]] = defaultdict(lambda: defaultdict(list))
        for phrase, concepts in self._lookups[lang].entries():
            if all(word in ids for word in phrase):
                key = 0
                for word in phrase[:3]:
                    key = key << _BITS | ids[word]
                tables[len(phrase)][key].append((phrase, [numbers[c] for c in concepts]))
        found = [
            _Table(entries, length, len(words)).hits(codes, texts, words)
            for length, entries in tables.items()
        ]
        empty = np.zeros(0, np.int64)
        return tuple(np.concatenate([empty, *parts]) for parts in zip(*found, strict=True)) or (
            empty,
            empty,
        )

    def __len__(self) -> int:
        return len({phrase for lookup in self._lookups.values() for phrase, _ in lookup.entries()})


def phrase_langs(tagged: str) -> tuple[str, tuple[str, ...]]:
    """A glossary phrase and the languages whose texts it is looked up in.

    A phrase tagged "@en" or "@fr" ("bone@en": French "bonne" stems alike) is of that language;
    else one with an accent or a stop word of French only is French, one with a stop word of
    English only is English (acronyms aside), and any other is looked up in both ("biotech",
    "AAV").
    """
    phrase, _, tag = tagged.partition("@")
    if tag.strip() in LANGS:
        return phrase, (tag.strip(),)
    if "@" in tagged:
        raise ValueError(f"glossary phrase {tagged.strip()!r}: the language is en or fr")
    words = [word.lower() for word in raw_words(phrase) if not word.isupper()]
    if fold(phrase) != phrase.lower() or any(map(FRENCH_ONLY.__contains__, words)):
        return phrase, ("fr",)
    if any(map(ENGLISH_ONLY.__contains__, words)):
        return phrase, ("en",)
    return phrase, LANGS


class _Lookup:
    """The glossary phrases of one language, as stems: single words, and longer phrases by
    their first two words."""

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        self._words = {phrase[0]: found for phrase, found in entries.items() if len(phrase) == 1}
        self._phrases = {phrase: found for phrase, found in entries.items() if len(phrase) > 1}
        lengths: dict[tuple[str, str], set[int]] = defaultdict(set)  # first two words -> lengths
        for phrase in self._phrases:
            lengths[phrase[:2]].add(len(phrase))
        self._lengths = {start: tuple(sorted(sizes)) for start, sizes in lengths.items()}

    def entries(self) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(phrase, concepts) for every phrase, single words first."""
        single = (((word,), concepts) for word, concepts in self._words.items())
        return chain(single, self._phrases.items())

    def find(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(first, last + 1, concept) for each concept of each phrase found in the words."""
        found = [
            (i, i + 1, concept)
            for i, concepts in enumerate(map(self._words.get, words))
            if concepts
            for concept in concepts
        ]
        starts = pairwise(words)
        for i in compress(count(), map(self._lengths.__contains__, starts)):
            for end in (i + length for length in self._lengths[words[i], words[i + 1]]):
                if end > len(words):
                    break
                phrase = tuple(words[i:end])
                found.extend((i, end, concept) for concept in self._phrases.get(phrase, ()))
        return found


_BITS = 21  # bits of a word id in a packed phrase key: three ids fit in one int64


def _packed(columns: Sequence) -> np.ndarray:
    """Up to three word ids (ints or arrays of them) packed in one integer each."""
    packed = np.zeros_like(np.asarray(columns[0], np.int64))
    for column in columns:
        packed = packed << _BITS | np.asarray(column, np.int64)
    return packed


class _Table:
    """The glossary phrases of one length, keyed by their first three word ids."""

    def __init__(self, entries: dict[int, list], length: int, size: int) -> None:
        self._entries, self._length = entries, length
        self._keys = np.array(sorted(entries), np.int64)
        self._starts = np.zeros(size, bool)  # the words that begin a phrase of this length
        self._starts[self._keys >> _BITS * (min(length, 3) - 1)] = True
        lists = [[c for _, numbers in entries[key] for c in numbers] for key in self._keys.tolist()]
        self._sizes = np.array([len(numbers) for numbers in lists], np.int64)
        self._offsets = np.cumsum(self._sizes) - self._sizes
        self._concepts = np.array([c for numbers in lists for c in numbers], np.int64)

    def hits(
        self, codes: np.ndarray, texts: np.ndarray, words: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(first word, concept) of each window of words of one text that is a phrase."""
        length = self._length
        windows = np.flatnonzero(self._starts[codes[: max(len(codes) - length + 1, 0)]])
        windows = windows[texts[windows] == texts[windows + length - 1]]
        keys = _packed([codes[windows + k] for k in range(min(length, 3))])
        where = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        hit = self._keys[where] == keys
        if length > 3:  # the key holds the first three words only: check the others
            return self._checked(windows[hit], keys[hit], codes, length, words)
        sizes = self._sizes[where[hit]]
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        where = np.repeat(self._offsets[where[hit]], sizes) + within
        return np.repeat(windows[hit], sizes), self._concepts[where]

    def _checked(
        self, windows: np.ndarray, keys: np.ndarray, codes: np.ndarray, length: int, words
    ) -> tuple[np.ndarray, np.ndarray]:
        """The windows that are a whole listed phrase, not only its first three words."""
        first, concepts = [], []
        for i, key in zip(windows.tolist(), keys.tolist(), strict=True):
            phrase = tuple(words[c] for c in codes[i : i + length].tolist())
            for listed, numbers in self._entries[key]:
                if listed == phrase:
                    first += [i] * len(numbers)
                    concepts += numbers
        return np.array(first, np.int64), np.array(concepts, np.int64)


@lru_cache(maxsize=65_536)
def _plain(phrase: str) -> str:
    """A phrase folded for comparison: lower case, no accents, no plural -s or -x."""
    return " ".join(word.rstrip("sx") for word in fold(phrase).replace("-", " ").split())


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with the package (glossary.tsv)."""
    source = resources.files("matchmaker.matching").joinpath("glossary.tsv")
    return Glossary.parse(source.read_text(encoding="utf-8"))
