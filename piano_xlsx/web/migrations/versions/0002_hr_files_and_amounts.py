"""HR data files uploaded for a campaign, and each card's amount due in the results the history reads.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "hr_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("uploaded_at", sa.String, nullable=False),
        sa.Column("records", sa.Integer),
        sa.Column("error", sa.Text),
    )
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("amount", sa.String))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("amount")
    op.drop_table("hr_files")
