"""The publication-date lock below the model: QuerySet.update / bulk_update and the database
trigger (raw SQL). Runs on both SQLite and PostgreSQL (the trigger has a variant for each)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gongkai.publications import dblock
from gongkai.publications.models import Publication, PublishedDateLocked

from .helpers import draft, publish_flow

TABLE = Publication._meta.db_table


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
        return c.rowcount


def _stored(pk):
    return Publication.objects.values_list("published_at", flat=True).get(pk=pk)


@pytest.fixture
def published(demo):
    return publish_flow(draft(demo["青山市:教育局"]))


def test_queryset_update_and_bulk_update_are_refused(demo, published):
    stamp = published.published_at
    forged = stamp - timedelta(days=40)
    with pytest.raises(PublishedDateLocked):
        Publication.objects.filter(pk=published.pk).update(published_at=forged)
    with pytest.raises(PublishedDateLocked):
        Publication.objects.filter(pk=published.pk).update(published_at=None)
    # Through a related manager, mixed with rows never published, too.
    other = draft(demo["青山市:教育局"], title="另一份草稿")
    with pytest.raises(PublishedDateLocked):
        demo["青山市:教育局"].publications.update(published_at=forged)
    published.published_at = forged
    with pytest.raises(PublishedDateLocked):
        Publication.objects.bulk_update([published], ["published_at"])
    assert _stored(published.pk) == stamp
    assert _stored(other.pk) is None
    # Other columns stay writable in bulk, and first publication (NULL → date) is allowed.
    assert Publication.objects.filter(pk=published.pk).update(keywords="招生") == 1
    now = timezone.now()
    assert Publication.objects.filter(pk=other.pk).update(published_at=now) == 1
    assert _stored(other.pk) == now


def test_the_trigger_refuses_raw_sql(demo, published):
    stamp = published.published_at
    forged = stamp - timedelta(days=40)
    assert dblock.installed(connection)
    sql = f"UPDATE {TABLE} SET published_at = %s WHERE id = %s"
    with pytest.raises(IntegrityError, match="published_at_locked"):
        _raw(sql, [forged, published.pk])
    with pytest.raises(IntegrityError, match="published_at_locked"):
        _raw(sql, [None, published.pk])
    # Django's own bulk path without the QuerySet guard (QuerySet._update) hits it as well.
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=published.pk)._update(
            [(Publication._meta.get_field("published_at"), None, forged)]
        )
    assert _stored(published.pk) == stamp
    # Other columns, an unchanged date, and a first publication pass.
    assert _raw(f"UPDATE {TABLE} SET keywords = %s WHERE id = %s", ["x", published.pk]) == 1
    assert _raw(f"UPDATE {TABLE} SET published_at = published_at WHERE id = %s", [published.pk])
    fresh = draft(demo["青山市:教育局"], title="新草稿")
    assert _raw(sql, [timezone.now(), fresh.pk]) == 1
    # A normal save of a published row (the model writes every column) still works.
    published.refresh_from_db()
    published.keywords = "招生；入学"
    published.save()
    assert _stored(published.pk) == stamp


def test_the_trigger_is_recreated_after_migrate(demo, published):
    """SQLite drops a table's triggers when a migration rebuilds the table: post_migrate puts it
    back (idempotently, on PostgreSQL as well)."""
    dblock.uninstall(connection)
    assert not dblock.installed(connection)
    from django.apps import apps

    dblock.ensure_after_migrate(apps.get_app_config("publications"), using="default")
    dblock.ensure_after_migrate(apps.get_app_config("publications"), using="default")
    assert dblock.installed(connection)
    with pytest.raises(IntegrityError, match="published_at_locked"):
        _raw(
            f"UPDATE {TABLE} SET published_at = %s WHERE id = %s",
            [published.published_at - timedelta(days=1), published.pk],
        )
