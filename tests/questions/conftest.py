"""Real databases for the question log and the update ledger: SQLite, and PostgreSQL when
THESIS_TEST_DATABASE_URL is set."""

from tests.digest.conftest import database_url, fake_slack, sqlite_url  # noqa: F401
