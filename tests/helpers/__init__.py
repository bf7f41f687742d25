"""Helpers the test packages share: one copy of each set-up, imported where needed."""
