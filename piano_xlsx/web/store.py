"""The data folder: an SQLite database (SQLAlchemy Core, schema kept by Alembic migrations), the kept files and
the signing keys.

    DATA/piano-xlsx.sqlite       campaigns, plans, receipts, audits, results, the log of every action
    DATA/file/ab/abcd…           every file received or produced, by SHA-256, never modified (blobs.py)
    DATA/chiavi/                 the Ed25519 key pair that signs the workbooks (the private key never leaves)

SQLAlchemy Core and Alembic: the standard, well-kept pair for SQL in Python; Alembic is run from code at every
start (no command to learn, no configuration file), so a data folder made by an older version is brought up to
date before the app serves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, insert, select
from sqlalchemy.engine import Engine

from piano_xlsx.signing import PRIVATE_NAME, PUBLIC_NAME, keygen, load_private_key, load_public_key
from piano_xlsx.web import tables as t
from piano_xlsx.web.blobs import Blobs

DATABASE = "piano-xlsx.sqlite"
MIGRATIONS = Path(__file__).parent / "migrations"


def now() -> str:
    """The time of an action, local, to the second, with its offset (ISO 8601)."""
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # a reader never waits for a writer; a killed writer loses nothing
    cursor.execute("PRAGMA synchronous=FULL")  # committed means on disk
    cursor.close()


Row = TypeVar("Row")


def existing(row: Row | None, what: object) -> Row:
    """A row that must be there (just written, or named by another row): LookupError(what) when it is not."""
    if row is None:
        raise LookupError(what)
    return row


class Store:
    def __init__(self, data: str | Path):
        self.data = Path(data)
        self.data.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.data / DATABASE}")
        event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)
        self.blobs = Blobs(self.data / "file")
        self.blobs.sweep()
        self.keys = self.data / "chiavi"
        if not (self.keys / PRIVATE_NAME).exists():
            keygen(self.keys)
            self.log(None, "chiavi", "creata una nuova coppia di chiavi per firmare le cartelle")

    # ------------------------------------------------------------------ keys

    @property
    def public_key_path(self) -> Path:
        return self.keys / PUBLIC_NAME

    def private_key(self) -> Any:
        return load_private_key(self.keys / PRIVATE_NAME)

    def public_key(self) -> Any:
        return load_public_key(self.public_key_path)

    # ------------------------------------------------------------------ SQL

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def rows(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def row(self, query: Any) -> dict[str, Any] | None:
        found = self.rows(query)
        return found[0] if found else None

    def add(self, table: Any, conn: Connection | None = None, **values: Any) -> int:
        if conn is None:
            with self.begin() as own:
                return self.add(table, own, **values)
        key = conn.execute(insert(table).values(**values)).inserted_primary_key
        assert key is not None  # an insert of one row into a table with a primary key
        return int(key[0])

    def log(self, campaign_id: int | None, action: str, detail: str = "", conn: Connection | None = None) -> None:
        self.add(t.events, conn, campaign_id=campaign_id, at=now(), action=action, detail=detail)

    # ------------------------------------------------------------------ reads used by several pages

    def campaign(self, campaign_id: int) -> dict[str, Any] | None:
        return self.row(select(t.campaigns).where(t.campaigns.c.id == campaign_id))

    def campaigns(self) -> list[dict[str, Any]]:
        return self.rows(select(t.campaigns).order_by(t.campaigns.c.year.desc(), t.campaigns.c.id.desc()))

    def current_plan(self, campaign_id: int) -> dict[str, Any] | None:
        return self.row(select(t.plans).where(t.plans.c.campaign_id == campaign_id).order_by(t.plans.c.id.desc())
                        .limit(1))

    def current_hr(self, campaign_id: int) -> dict[str, Any] | None:
        return self.row(select(t.hr_files).where(t.hr_files.c.campaign_id == campaign_id)
                        .order_by(t.hr_files.c.id.desc()).limit(1))

    def receipts(self, campaign_id: int) -> list[dict[str, Any]]:
        return self.rows(select(t.receipts).where(t.receipts.c.campaign_id == campaign_id)
                         .order_by(t.receipts.c.id))

    def receipt(self, campaign_id: int, receipt_id: int) -> dict[str, Any] | None:
        return self.row(select(t.receipts).where(t.receipts.c.campaign_id == campaign_id,
                                                 t.receipts.c.id == receipt_id))

    def last_generation(self, campaign_id: int) -> dict[str, Any] | None:
        return self.row(select(t.generations).where(t.generations.c.campaign_id == campaign_id)
                        .order_by(t.generations.c.id.desc()).limit(1))

    def events(self, campaign_id: int | None = None) -> list[dict[str, Any]]:
        query = select(t.events).order_by(t.events.c.id.desc())
        if campaign_id is not None:
            query = query.where(t.events.c.campaign_id == campaign_id)
        return self.rows(query)
