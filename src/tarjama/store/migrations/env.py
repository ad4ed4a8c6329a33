"""Alembic's environment for tarjama's store: runs migrations on the store's own engine.

``Store.alembic_config()`` passes its engine in ``config.attributes["engine"]``; the alembic
command line (``alembic -x`` is not needed) falls back to the ``sqlalchemy.url`` option.
SQLite gets batch mode so later migrations can alter tables it cannot ``ALTER``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from tarjama.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
