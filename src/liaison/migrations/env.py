"""Alembic environment. Migration scripts never import application models; only autogenerate reads them."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from liaison.db import make_engine

config = context.config
target_metadata = None
if config.attributes.get("autogenerate"):
    from liaison.models import Base

    target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
