"""Background indexing (django-tasks): bulk imports and full rebuilds."""

from __future__ import annotations

from django_tasks import task


@task()
def reindex(ids: list[int] | None = None) -> int:
    """Re-index the given publications, or everything public when ``ids`` is None."""
    from . import hooks

    if ids is None:
        return hooks.rebuild()
    return hooks.sync(ids)
