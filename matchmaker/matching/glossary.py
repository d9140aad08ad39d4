"""The bilingual domain glossary: phrases in English and French mapped to shared concepts."""

from collections import defaultdict
from functools import cache, lru_cache
from importlib import resources
from itertools import compress, count, pairwise

from matchmaker.matching.text import fold, stems, word_count

CONCEPT_PREFIX = "~"


class Glossary:
    """Finds glossary phrases in normalised tokens and names their concepts."""

    def __init__(
        self,
        entries: dict[tuple[str, ...], tuple[str, ...]],
        phrases: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self._listed = phrases or {}  # concept -> its phrases as listed (see `lists`)
        self._words = {
            phrase[0]: concepts for phrase, concepts in entries.items() if len(phrase) == 1
        }
        self._phrases = {
            phrase: concepts for phrase, concepts in entries.items() if len(phrase) > 1
        }
        lengths: dict[tuple[str, str], set[int]] = defaultdict(set)  # first two words -> lengths
        for phrase in self._phrases:
            lengths[phrase[:2]].add(len(phrase))
        self._lengths = {start: tuple(sorted(sizes)) for start, sizes in lengths.items()}

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        """Read "concept<TAB>phrase; phrase; ..." lines; "#" starts a comment.

        A phrase of several words that stop words reduce to one ("start-up" -> "start") is
        left out: that one word alone would stand for the concept everywhere.
        """
        entries: dict[tuple[str, ...], set[str]] = defaultdict(set)
        listed: dict[str, set[str]] = defaultdict(set)
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            concept, phrases = line.split("\t")
            for phrase in phrases.split(";"):
                listed[CONCEPT_PREFIX + concept.strip()].add(_plain(phrase))
                for lang in ("en", "fr"):
                    key = tuple(stems(phrase, lang))
                    if len(key) > 1 or len(key) == word_count(phrase) == 1:
                        entries[key].add(CONCEPT_PREFIX + concept.strip())
        return cls(
            {key: tuple(sorted(concepts)) for key, concepts in entries.items()},
            {concept: frozenset(phrases) for concept, phrases in listed.items()},
        )

    def lists(self, concept: str, phrase: str) -> bool:
        """Whether the glossary lists this phrase (up to case, accents, plural -s) for the concept.

        Stems can collide ("customers" and "customs"): a bridge quotes only listed phrases.
        """
        return _plain(phrase) in self._listed.get(concept, ())

    def find(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(first, last + 1, concept) for each concept of each phrase found in normalised words."""
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

    def __len__(self) -> int:
        return len(self._words) + len(self._phrases)


@lru_cache(maxsize=65_536)
def _plain(phrase: str) -> str:
    """A phrase folded for comparison: lower case, no accents, no plural -s or -x."""
    return " ".join(word.rstrip("sx") for word in fold(phrase).replace("-", " ").split())


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with the package (glossary.tsv)."""
    source = resources.files("matchmaker.matching").joinpath("glossary.tsv")
    return Glossary.parse(source.read_text(encoding="utf-8"))
