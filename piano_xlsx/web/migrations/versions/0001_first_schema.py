"""The first schema: campaigns, plans, generations, receipts, audits, results, events.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("created_at", sa.String, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("uploaded_at", sa.String, nullable=False),
        sa.Column("plan_hash", sa.String),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
    )
    op.create_table(
        "generations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("zip_sha256", sa.String, nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("password", sa.String, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("received_at", sa.String, nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("copy_of", sa.Integer, sa.ForeignKey("receipts.id")),
        sa.Column("excluded", sa.Boolean, nullable=False),
        sa.Column("cards", sa.String),
    )
    op.create_index("receipts_campaign", "receipts", ["campaign_id", "sha256"])
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("receipt_id", sa.Integer, sa.ForeignKey("receipts.id"), nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("report_sha256", sa.String, nullable=False),
        sa.Column("signature", sa.String, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("card_id", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("evaluatee_id", sa.String),
        sa.Column("evaluatee", sa.String),
        sa.Column("sector_id", sa.String),
        sa.Column("sector", sa.String),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("total", sa.Float),
        sa.Column("maximum", sa.Float),
        sa.Column("band", sa.String),
        sa.Column("bonus", sa.Float),
        sa.Column("updated_at", sa.String, nullable=False),
    )
    op.create_index("results_campaign", "results", ["campaign_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id")),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
