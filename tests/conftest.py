"""Shared pytest configuration for inboxbot's tests."""

# ---- test harness: real servers on loopback (Dovecot, aiosmtpd, SQLite, PostgreSQL) -------------
# Fixtures live in tests/harness/fixtures.py (see its docstring for the list); keep this block as is.
pytest_plugins = ["tests.harness.fixtures"]
# ---- end of test harness block ------------------------------------------------------------------
