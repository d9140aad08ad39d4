"""The investor-facing blueprint, and the pages reached by a signed link (no account)."""
