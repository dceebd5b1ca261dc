"""Real servers on loopback for the test suite: Dovecot (IMAP), aiosmtpd (SMTP), PostgreSQL.

Modules: ``dovecot`` (DovecotServer, ImapAccount, IMAP helpers), ``smtp`` (SmtpServer), ``postgres``
(PostgresServer, fresh_database), ``tls`` (LocalCA), ``fixtures`` (the pytest fixtures, registered
by tests/conftest.py). System packages: scripts/install-system-deps.sh.
"""
