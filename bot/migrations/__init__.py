"""Alembic migrations: what changes a table that already holds data (a key, a constraint, rows
to fold together). `bot.store.ensure_schema` runs them on start, then creates whatever else is
missing (new tables, new nullable columns), so a purely additive change needs no revision.

A revision is a module in versions/ named `NNNN_what.py` with `revision`, `down_revision` and
an `upgrade()` using `alembic.op` (in batch mode where SQLite must rebuild the table); it runs
in the one transaction `ensure_schema` holds, under its lock. Revision 0001 is the schema as it
was before Alembic, frozen: a database of any earlier release is completed to it first.
There is no downgrade: a release only moves forward.
"""
