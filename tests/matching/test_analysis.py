"""Analysing a whole directory at once gives the features of each field text analysed alone."""

from collections import Counter

from matchmaker.matching.analysis import FIELD_WEIGHTS, _fields, analyse, weighted_counts


def test_the_directory_at_once_counts_what_each_text_alone_gives(directory):
    vocabulary, counts = weighted_counts(directory)
    features = {column: feature for feature, column in vocabulary.items()}
    for row, doc in enumerate(directory[:60]):
        expected: Counter[str] = Counter()
        for weight, texts in zip(FIELD_WEIGHTS.values(), _fields(doc), strict=True):
            for text in texts:
                for feature in analyse(text):
                    expected[feature] += weight
        found = counts.getrow(row)
        assert {features[c]: v for c, v in zip(found.indices, found.data, strict=True)} == expected


def test_an_empty_directory_has_no_features():
    vocabulary, counts = weighted_counts([])
    assert vocabulary == {} and counts.shape == (0, 0)
