"""One vote per person per answer: feedback rows (and the 👎 rows of unanswered_questions) carry
`vote`, a hash of the user, the card and the question, unique; the last vote counts. Rows made
before are keyed where they name their user (feedback always did; a 👎 question only with
THESIS_LOG_USERS), and of several votes by one person on one answer the latest is kept.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store import vote_key, voter_key

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("feedback", sa.Column("vote", sa.String(32)))
    op.add_column("feedback", sa.Column("voter", sa.String(32)))
    op.add_column("unanswered_questions", sa.Column("vote", sa.String(32)))
    _key(conn, "feedback", "user_id IS NOT NULL", voter=True)
    _key(conn, "unanswered_questions", "user_id IS NOT NULL AND reason = 'thumbs_down'")
    with op.batch_alter_table("feedback") as batch:
        batch.create_unique_constraint("uq_feedback_vote", ["vote"])
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.create_unique_constraint("uq_unanswered_questions_vote", ["vote"])


def _key(conn: sa.Connection, table: str, which: str, voter: bool = False) -> None:
    """Key the rows `which` selects, newest first; an older row of a key already given is a
    repeated vote, deleted."""
    rows = conn.execute(sa.text(
        f"SELECT id, user_id, card, question FROM {table} WHERE {which} ORDER BY id DESC")).all()
    seen: set[str] = set()
    for row in rows:
        key = vote_key(row.user_id, row.card, row.question)
        if key in seen:
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row.id})
            continue
        seen.add(key)
        values = {"id": row.id, "vote": key, "voter": voter_key(row.user_id)}
        conn.execute(sa.text(f"UPDATE {table} SET vote = :vote"
                             f"{', voter = :voter' if voter else ''} WHERE id = :id"), values)
