"""The publication-date lock in the database itself (CONVENTIONS §6.2: a forged publication date
is a single-veto item of the national website inspection).

``Publication.save`` and ``PublicationQuerySet.update`` refuse to change ``published_at`` once it
is set; this trigger refuses it for every other path too (raw SQL, a shell, another program on the
same database). It fires only when a row that already has a ``published_at`` gets a different one
(including NULL); first publication (NULL → a date) and every other column stay writable.

SQLite drops a table's triggers when a migration rebuilds the table (``_remake_table``), so the
trigger is created by migration 0003 *and* re-created after every ``migrate`` (``apps.py``,
post_migrate); both statements are idempotent.
"""

from __future__ import annotations

TABLE = "publications_publication"
TRIGGER = "publications_published_at_locked"
FUNCTION = "publications_published_at_locked_fn"
MESSAGE = "published_at_locked: 发布日期在发布后不能修改"

_SQLITE_CREATE = f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER}
BEFORE UPDATE OF published_at ON {TABLE}
FOR EACH ROW
WHEN OLD.published_at IS NOT NULL AND NEW.published_at IS NOT OLD.published_at
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
END
$$
"""

_PG_TRIGGER = f"""
CREATE TRIGGER {TRIGGER}
BEFORE UPDATE OF published_at ON {TABLE}
FOR EACH ROW
WHEN (OLD.published_at IS NOT NULL AND NEW.published_at IS DISTINCT FROM OLD.published_at)
EXECUTE FUNCTION {FUNCTION}()
"""


def install(connection) -> None:
    """Create (or re-create) the trigger on ``connection``'s database."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute(_SQLITE_CREATE)
        elif connection.vendor == "postgresql":
            c.execute(_PG_FUNCTION)
            c.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
            c.execute(_PG_TRIGGER)
        else:  # pragma: no cover - the project supports these two only
            raise NotImplementedError(
                f"published_at lock: unsupported database {connection.vendor}"
            )


def uninstall(connection) -> None:
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        elif connection.vendor == "postgresql":
            c.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
            c.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def installed(connection) -> bool:
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        else:
            c.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [TRIGGER])
        return c.fetchone() is not None


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: put the trigger back if a table rebuild dropped it."""
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        install(connection)
