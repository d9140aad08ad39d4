"""The bilingual domain glossary: phrases in English and French mapped to shared concepts."""

from collections import defaultdict
from functools import cache
from importlib import resources

from matchmaker.matching.text import stems

CONCEPT_PREFIX = "~"


class Glossary:
    """Finds glossary phrases in normalised tokens and names their concepts."""

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for phrase, concepts in entries.items():
            self._by_first[phrase[0]].append((phrase, concepts))

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        """Read "concept<TAB>phrase; phrase; ..." lines; "#" starts a comment."""
        entries: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            concept, phrases = line.split("\t")
            for phrase in phrases.split(";"):
                for lang in ("en", "fr"):
                    key = tuple(stems(phrase.strip(), lang))
                    if key:
                        entries[key].add(CONCEPT_PREFIX + concept.strip())
        return cls({key: tuple(sorted(concepts)) for key, concepts in entries.items()})

    def find(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(first, last + 1, concept) for each concept of each phrase found in normalised words."""
        found = []
        for i, word in enumerate(words):
            for phrase, concepts in self._by_first.get(word, ()):
                end = i + len(phrase)
                if tuple(words[i:end]) == phrase:
                    found.extend((i, end, concept) for concept in concepts)
        return found

    def __len__(self) -> int:
        return sum(len(phrases) for phrases in self._by_first.values())


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with the package (glossary.tsv)."""
    source = resources.files("matchmaker.matching").joinpath("glossary.tsv")
    return Glossary.parse(source.read_text(encoding="utf-8"))
