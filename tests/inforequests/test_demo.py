import pytest
from django.utils import timezone

from gongkai.inforequests import demo as ir_demo
from gongkai.inforequests.models import InfoRequest
from gongkai.inforequests.selectors import inbox_counts, table3_counts
from gongkai.reportschema import check_cells, get_format


@pytest.mark.django_db
def test_demo_builds_every_state_and_is_idempotent(demo, users):
    total = len(ir_demo.EDU) + len(ir_demo.CITY) + len(ir_demo.TOWNSHIP)
    assert ir_demo.build(demo, with_letters=False) == total
    assert ir_demo.build(demo, with_letters=False) == 0
    assert InfoRequest.objects.count() == total
    edu = demo["青山市:教育局"]
    statuses = set(InfoRequest.objects.filter(agency=edu).values_list("status", flat=True))
    assert {
        "to_confirm",
        "in_progress",
        "awaiting_amendment",
        "consultation",
        "awaiting_fee",
        "replied",
        "closed",
    } <= statuses
    counts = inbox_counts(users["clerk"], edu)
    assert counts["overdue"] >= 1 and counts["due_soon"] >= 1 and counts["paused"] >= 3
    assert InfoRequest.objects.filter(agency=edu, events__kind="extension_granted").exists()
    outcomes = set(InfoRequest.objects.exclude(outcome=None).values_list("outcome", flat=True))
    assert len(outcomes) >= 10
    year = timezone.localdate().year
    cells = table3_counts([edu.pk], year)
    assert cells["applications.carried_over.total"] >= 2
    assert [f for f in check_cells(get_format("2021"), cells) if f.code.startswith("T3")] == []
