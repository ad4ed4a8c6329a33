"""The queue's columns on jobs: priority, the owner's lease, when the job was dispatched.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tarjama.store.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("priority", sa.String(16), nullable=False, server_default="normal")
        )
        batch.add_column(sa.Column("owner", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("heartbeat_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("dispatched_at", UTCDateTime(), nullable=True))
        batch.create_check_constraint("priority", "priority IN ('breaking', 'normal', 'backfill')")


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_priority"), type_="check")
        batch.drop_column("dispatched_at")
        batch.drop_column("heartbeat_at")
        batch.drop_column("owner")
        batch.drop_column("priority")
