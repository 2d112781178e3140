"""The migrations build exactly the schema the models describe, and go down as well as up."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from liaison.db import make_engine
from liaison.migrate import alembic_config, current, head
from liaison.models import Base


def test_models_and_migrations_agree(empty_db_url):
    engine = make_engine(empty_db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
    assert current(empty_db_url) == head()


def test_downgrade_to_base_and_up_again(empty_db_url):
    command.downgrade(alembic_config(empty_db_url), "base")
    engine = make_engine(empty_db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(alembic_config(empty_db_url), "head")
    assert current(empty_db_url) == head()
