"""Telling whether two leads come from the same person or company: e-mail, domain and name
keys (folded: no case, accents, punctuation), free-mail domains, and organization names
compared without their legal form. Pure functions; services/leads/duplicates.py uses them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

# Mailboxes anyone can open: a shared domain among them says nothing about a company. Exact
# domains, and brands whose every country domain is free mail (yahoo.co.jp, hotmail.fr, ...).
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "icloud.com", "me.com", "mac.com", "aol.com", "msn.com",
    "ymail.com", "proton.me", "protonmail.com", "mail.com", "web.de", "qq.com", "163.com",
    "126.com", "naver.com", "orange.fr", "free.fr", "laposte.net", "skynet.be", "telenet.be",
})  # fmt: skip
FREE_MAIL_BRANDS = frozenset({"yahoo", "hotmail", "outlook", "live", "gmx", "yandex"})

# Legal forms dropped from the end of an organization's name ("Capital" is a word of the name).
LEGAL_FORMS = frozenset({
    "llc", "inc", "incorporated", "ltd", "limited", "gmbh", "sa", "srl", "bv", "nv", "sas",
    "kk", "co", "corp", "corporation", "plc", "ag", "sarl", "sprl", "spa", "ab", "oy", "lp",
    "llp", "pte", "pty",
})  # fmt: skip
# Titles dropped from a person's name, with one-letter initials.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "mme", "mlle", "sir"})

# Two organization names (legal forms dropped) at least this alike by difflib's ratio are
# similar: "helix bridge capitol" ~ "helix bridge capital" (0.95), "sakura biopartners" ~
# "sakura bio partners" (0.97), but not "kyoto ventures" ~ "tokyo ventures" (0.86) or
# "helix bridge ventures" ~ "helix bridge capital" (0.68).
ORGANIZATION_SIMILARITY = 0.9


def fold(text: str) -> str:
    """text without case or accents: "Hélix BRIDGE" -> "helix bridge"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> list[str]:
    """The folded words of text; dots are dropped first, so "S.A." and "Co." are words."""
    return re.sub(r"[^\w]+", " ", fold(text).replace(".", "")).split()


def folded_email(email: str) -> str:
    """An address as compared: "Aiko.Tanaka@Exämple.jp " -> "aiko.tanaka@example.jp"."""
    return fold(email.strip())


def email_domain(email: str) -> str:
    """The folded domain of an address ("" without one)."""
    local, at, domain = folded_email(email).rpartition("@")
    return domain if at and local else ""


def is_free_mail(domain: str) -> bool:
    """Whether a (folded) domain is a free-mail provider's: no company is behind it."""
    return domain in FREE_MAIL_DOMAINS or domain.partition(".")[0] in FREE_MAIL_BRANDS


def name_key(name: str) -> str:
    """A person's name as compared: its words folded and sorted, without titles or initials
    ("Dr. TANAKA Aïko M." -> "aiko tanaka"); "" for a single word, too little to go on."""
    words = sorted(word for word in _words(name) if len(word) > 1 and word not in TITLES)
    return " ".join(words) if len(words) > 1 else ""


@lru_cache(maxsize=4096)  # a page of the lead list compares each name with many
def organization_key(name: str) -> str:
    """An organization's name as compared, its trailing legal forms dropped:
    "Helix Bridge Capital, LLC" -> "helix bridge capital"."""
    words = _words(name)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def similar_organizations(first: str, second: str) -> bool:
    """Whether two organization keys likely name the same organization: equal, the words of
    one (two or more) all in the other, or alike by ORGANIZATION_SIMILARITY."""
    if not first or not second:
        return False
    if first == second:
        return True
    (words, letters), (other_words, other_letters) = _profile(first), _profile(second)
    if len(min(words, other_words, key=len)) > 1 and (
            words <= other_words or other_words <= words):
        return True  # fmt: skip
    total = len(first) + len(second)
    # Two bounds of difflib's ratio, cheap on a page of leads: the lengths, the common letters.
    if 2 * min(len(first), len(second)) < ORGANIZATION_SIMILARITY * total:
        return False
    if 2 * (letters & other_letters).total() < ORGANIZATION_SIMILARITY * total:
        return False
    return SequenceMatcher(None, first, second).ratio() >= ORGANIZATION_SIMILARITY


@lru_cache(maxsize=4096)
def _profile(key: str) -> tuple[frozenset[str], Counter[str]]:
    """A key's words, and its letters counted."""
    return frozenset(key.split()), Counter(key)
