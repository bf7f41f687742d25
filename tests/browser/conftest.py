"""Browser tests share the Playwright fixtures of tests/conftest.py."""
