"""Catalogue columns, index numbers and the model-level invariants."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongkai.publications import services
from gongkai.publications.models import (
    Column,
    IndexNumberSettings,
    Publication,
    PublishedDateLocked,
)
from gongkai.rules.index_numbers import parse_index_number


def _codes(agency):
    return set(Column.objects.filter(agency=agency).values_list("code", flat=True))


def test_statutory_columns_by_level(demo):
    for key in ("province", "青山市", "青山市:教育局", "青山市:松林县", "青山市:松林县:城关镇"):
        services.ensure_catalogue(demo[key])
    prov = _codes(demo["province"])
    assert {f"art20-{i:02d}" for i in range(1, 16)} <= prov
    assert {"guide", "rules", "annual_report", "on_request", "statutory"} <= prov
    assert not any(c.startswith("art21") for c in prov)  # Art. 21 starts at 设区的市
    city_names = set(
        Column.objects.filter(agency=demo["青山市:教育局"], kind="statutory_art21").values_list(
            "name", flat=True
        )
    )
    assert city_names == {
        "市政建设",
        "公共服务",
        "公益事业",
        "土地征收",
        "房屋征收",
        "治安管理",
        "社会救助",
    }
    town_names = set(
        Column.objects.filter(
            agency=demo["青山市:松林县:城关镇"], kind="statutory_art21"
        ).values_list("name", flat=True)
    )
    assert "筹资筹劳" in town_names and "宅基地使用情况审核" in town_names
    assert "市政建设" not in town_names
    # The Art. 20 items hang under 法定主动公开内容 with their item numbers.
    item7 = Column.objects.get(agency=demo["province"], code="art20-07")
    assert item7.parent.code == "statutory" and item7.item_number == 7
    assert item7.update_cycle_days == 365


def test_ensure_catalogue_is_idempotent_and_keeps_renames(demo):
    agency = demo["青山市"]
    services.ensure_catalogue(agency)
    n = Column.objects.filter(agency=agency).count()
    Column.objects.filter(agency=agency, code="art20-01").update(name="政策文件")
    services.ensure_catalogue(agency)
    assert Column.objects.filter(agency=agency).count() == n
    assert Column.objects.get(agency=agency, code="art20-01").name == "政策文件"


def test_index_numbers_follow_the_national_default_and_are_sequential(demo):
    agency = demo["青山市:教育局"]
    a = services.allocate_index_number(agency, date(2026, 3, 1))
    b = services.allocate_index_number(agency, date(2026, 7, 1))
    c = services.allocate_index_number(agency, date(2025, 7, 1))
    assert a == f"{agency.org_code}/2026-00001"
    assert b == f"{agency.org_code}/2026-00002"
    assert c == f"{agency.org_code}/2025-00001"
    assert parse_index_number(a).pattern == "national"


def test_index_number_template_per_agency(demo):
    agency = demo["青山市:教育局"]
    IndexNumberSettings.objects.create(
        agency=agency, prefix_kind="uscc", separator="-", year_format="YYYYMM", serial_width=6
    )
    n = services.allocate_index_number(agency, date(2026, 3, 9))
    assert n == f"{agency.uscc}-202603-000001"


def test_allocation_skips_numbers_taken_by_imported_records(demo):
    agency = demo["青山市:教育局"]
    services.ensure_catalogue(agency)
    col = Column.objects.get(agency=agency, code="art20-01")
    Publication.objects.create(
        agency=agency,
        column=col,
        publisher=agency,
        title="历史文件",
        index_number=f"{agency.org_code}/2026-00001",
        formed_on=date(2026, 1, 5),
        imported=True,
    )
    assert services.allocate_index_number(agency, date(2026, 2, 1)).endswith("2026-00002")


def _pub(agency, **kw):
    services.ensure_catalogue(agency)
    col = Column.objects.get(agency=agency, code="art20-01")
    fields = dict(
        agency=agency,
        column=col,
        publisher=agency,
        title="测试",
        index_number=services.allocate_index_number(agency, date(2026, 1, 5)),
        formed_on=date(2026, 1, 5),
    )
    fields.update(kw)
    return Publication.objects.create(**fields)


def test_index_number_cannot_change(demo):
    p = _pub(demo["青山市:教育局"])
    p = Publication.objects.get(pk=p.pk)
    p.index_number = "X/2026-99999"
    with pytest.raises(ValidationError):
        p.save()


def test_published_at_cannot_change_once_set(demo):
    from django.utils import timezone

    p = _pub(demo["青山市:教育局"], published_at=timezone.now(), status="published")
    p = Publication.objects.get(pk=p.pk)
    p.published_at = timezone.now().replace(year=2020)
    with pytest.raises(PublishedDateLocked):
        p.save()
    p.published_at = None
    with pytest.raises(PublishedDateLocked):
        p.save()
    # A copy loaded before publishing and refreshed afterwards is guarded as well.
    draft_copy = _pub(demo["青山市:教育局"])
    Publication.objects.filter(pk=draft_copy.pk).update(
        published_at=timezone.now(), status="published"
    )
    draft_copy.refresh_from_db()
    draft_copy.published_at = timezone.now().replace(year=2019)
    with pytest.raises(PublishedDateLocked):
        draft_copy.save()


# The in-memory SQLite test database cannot take concurrent writers; file-based SQLite
# serialises writers (IMMEDIATE transactions) anyway.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_never_duplicates(demo):
    """Several threads allocating at once (each its own connection) get distinct serials."""
    agency = demo["青山市:教育局"]
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(services.allocate_index_number(agency, date(2026, 5, 1)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 20 and len(set(results)) == 20
    serials = sorted(int(r.rsplit("-", 1)[1]) for r in results)
    assert serials == list(range(1, 21))
