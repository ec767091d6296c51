"""One module per revision (Alembic loads them by path; this file only ships them)."""
