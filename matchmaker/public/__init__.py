"""The investor-facing blueprint."""
