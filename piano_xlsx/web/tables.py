"""The store's tables (SQLAlchemy Core). The schema itself is made and changed only by the migrations."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

campaigns = Table(
    "campaigns", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("year", Integer),
    Column("created_at", String, nullable=False),
)

# every plan uploaded for a campaign; the latest is the one in force
plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False),
    Column("sha256", String, nullable=False),
    Column("name", String, nullable=False),
    Column("uploaded_at", String, nullable=False),
    Column("plan_hash", String),  # None: the plan could not be loaded
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
)

generations = Table(
    "generations", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("zip_sha256", String, nullable=False),
    Column("files", Integer, nullable=False),
    Column("password", String, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", String, nullable=False),
)

# one row per file received; the bytes are in the content-addressed store under sha256
receipts = Table(
    "receipts", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False),
    Column("name", String, nullable=False),
    Column("sha256", String, nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", String, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("copy_of", Integer, ForeignKey("receipts.id")),  # the same bytes were received before
    Column("excluded", Boolean, nullable=False, default=False),  # the office left it out of the consolidation
    Column("cards", String),  # the card ids collect last found in it, comma-separated (None: never read)
)

audits = Table(
    "audits", metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_id", Integer, ForeignKey("receipts.id"), nullable=False),
    Column("created_at", String, nullable=False),
    Column("report_sha256", String, nullable=False),  # the HTML page, in the content-addressed store
    Column("signature", String, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
)

# the last consolidation of each campaign, card by card: what the history compares across campaigns
results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False),
    Column("card_id", String, nullable=False),
    Column("title", String, nullable=False),
    Column("evaluatee_id", String),
    Column("evaluatee", String),
    Column("sector_id", String),
    Column("sector", String),
    Column("status", String, nullable=False),
    Column("total", Float),
    Column("maximum", Float),
    Column("band", String),
    Column("bonus", Float),
    Column("amount", String),  # the amount due, exact decimal text ("300.98"), only where final
    Column("updated_at", String, nullable=False),
)

# every HR data file uploaded for a campaign (as `collect --hr` reads it); the latest is the one in force
hr_files = Table(
    "hr_files", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False),
    Column("sha256", String, nullable=False),
    Column("name", String, nullable=False),
    Column("uploaded_at", String, nullable=False),
    Column("records", Integer),  # persons read; None: the file cannot be read at all
    Column("error", Text),  # why it cannot be read
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id")),
    Column("at", String, nullable=False),
    Column("action", String, nullable=False),
    Column("detail", Text, nullable=False, default=""),
)
