"""The matching engine: ranks organization profiles for an investor's inquiry (no web code)."""

from matchmaker.matching.analysis import OrgDoc
from matchmaker.matching.explain import Bridge, Ranked, nothing_strong
from matchmaker.matching.index import (
    ENGINE_VERSION,
    EmptyQueryError,
    Index,
    Query,
    build_index,
    load_orgs_csv,
)
from matchmaker.matching.terms import document_terms, query_terms, terms_text

__all__ = [
    "Bridge",
    "ENGINE_VERSION",
    "EmptyQueryError",
    "Index",
    "OrgDoc",
    "Query",
    "Ranked",
    "build_index",
    "document_terms",
    "load_orgs_csv",
    "nothing_strong",
    "query_terms",
    "terms_text",
]
