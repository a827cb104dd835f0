"""Alembic environment: the store passes its open connection (see piano_xlsx/web/store.py)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
