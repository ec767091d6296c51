"""The digest ledger keys a post by (channel, time zone, local date), not (channel, local date):
after a move from Hong Kong to New York, New York's 10 March is not Hong Kong's 10 March, which
may have gone out on New York's 9 March. A row made before takes its channel's time zone (the
schedule it was posted under, unless the channel moved since); a row of a channel with no
subscription row, UTC.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("digest_posts", sa.Column("tz", sa.String(64)))
    op.execute("UPDATE digest_posts SET tz = COALESCE((SELECT subscriptions.tz FROM subscriptions "
               "WHERE subscriptions.channel_id = digest_posts.channel_id), 'UTC')")
    with op.batch_alter_table("digest_posts") as batch:
        batch.alter_column("tz", existing_type=sa.String(64), nullable=False)
        batch.drop_constraint("uq_digest_posts_channel_date", type_="unique")
        batch.create_unique_constraint("uq_digest_posts_channel_zone_date",
                                       ["channel_id", "tz", "local_date"])
