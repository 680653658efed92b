"""Date locks in the database itself.

- ``published_at`` of a published row never changes (CONVENTIONS §6.2: a forged publication date
  is a single-veto item of the national website inspection);
- ``formed_on`` (形成或者变更日期) of a row published once never changes (Art. 26: its 20-WD clock
  and late flag are history; a correction records its own change date, ``PublicationChange``).

``Publication.save`` and ``PublicationQuerySet.update`` refuse both; these triggers refuse them for
every other path too (raw SQL, a shell, another program on the same database). The
``published_at`` trigger fires only when a row that already has a ``published_at`` gets a
different one (including NULL); the ``formed_on`` one only when a row with a ``published_at``
gets a different ``formed_on``. First publication (NULL → a date), drafts and every other column
stay writable.

SQLite drops a table's triggers when a migration rebuilds the table (``_remake_table``), so the
triggers are created by migrations 0003/0004 *and* re-created after every ``migrate``
(``apps.py``, post_migrate); every statement is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE = "publications_publication"


@dataclass(frozen=True)
class Lock:
    column: str
    trigger: str
    function: str
    message: str
    sqlite_when: str
    pg_when: str


LOCKS = {
    "published_at": Lock(
        column="published_at",
        trigger="publications_published_at_locked",
        function="publications_published_at_locked_fn",
        message="published_at_locked: 发布日期在发布后不能修改",
        sqlite_when="OLD.published_at IS NOT NULL AND NEW.published_at IS NOT OLD.published_at",
        pg_when=(
            "OLD.published_at IS NOT NULL AND NEW.published_at IS DISTINCT FROM OLD.published_at"
        ),
    ),
    "formed_on": Lock(
        column="formed_on",
        trigger="publications_formed_on_locked",
        function="publications_formed_on_locked_fn",
        message="formed_on_locked: 首次发布后形成日期不能修改",
        sqlite_when="OLD.published_at IS NOT NULL AND NEW.formed_on IS NOT OLD.formed_on",
        pg_when="OLD.published_at IS NOT NULL AND NEW.formed_on IS DISTINCT FROM OLD.formed_on",
    ),
}
# Kept for callers of the first version of this module.
TRIGGER = LOCKS["published_at"].trigger
FUNCTION = LOCKS["published_at"].function
MESSAGE = LOCKS["published_at"].message


def _sqlite_create(lock: Lock) -> str:
    return f"""
CREATE TRIGGER IF NOT EXISTS {lock.trigger}
BEFORE UPDATE OF {lock.column} ON {TABLE}
FOR EACH ROW
WHEN {lock.sqlite_when}
BEGIN
    SELECT RAISE(ABORT, '{lock.message}');
END
"""


def _pg_function(lock: Lock) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {lock.function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{lock.message}' USING ERRCODE = 'check_violation';
END
$$
"""


def _pg_trigger(lock: Lock) -> str:
    return f"""
CREATE TRIGGER {lock.trigger}
BEFORE UPDATE OF {lock.column} ON {TABLE}
FOR EACH ROW
WHEN ({lock.pg_when})
EXECUTE FUNCTION {lock.function}()
"""


def _locks(names) -> list[Lock]:
    return [LOCKS[n] for n in (names or LOCKS)]


def install(connection, names=None) -> None:
    """Create (or re-create) the triggers ``names`` (default: all) on ``connection``'s database."""
    with connection.cursor() as c:
        for lock in _locks(names):
            if connection.vendor == "sqlite":
                c.execute(_sqlite_create(lock))
            elif connection.vendor == "postgresql":
                c.execute(_pg_function(lock))
                c.execute(f"DROP TRIGGER IF EXISTS {lock.trigger} ON {TABLE}")
                c.execute(_pg_trigger(lock))
            else:  # pragma: no cover - the project supports these two only
                raise NotImplementedError(f"date lock: unsupported database {connection.vendor}")


def uninstall(connection, names=None) -> None:
    with connection.cursor() as c:
        for lock in _locks(names):
            if connection.vendor == "sqlite":
                c.execute(f"DROP TRIGGER IF EXISTS {lock.trigger}")
            elif connection.vendor == "postgresql":
                c.execute(f"DROP TRIGGER IF EXISTS {lock.trigger} ON {TABLE}")
                c.execute(f"DROP FUNCTION IF EXISTS {lock.function}()")


def installed(connection, name: str = "published_at") -> bool:
    trigger = LOCKS[name].trigger
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [trigger])
        else:
            c.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [trigger])
        return c.fetchone() is not None


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: put the triggers back if a table rebuild dropped them."""
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        install(connection)
