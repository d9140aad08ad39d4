"""A lead's life, one module per stage: submission, listing, detail, changes, introductions.

Like every service, these modules flush and never commit: the request or command that called
them commits once (see docs/architecture.md).
"""
