"""Appeals: recording, permissions, and table 四 counted by the documented rule."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.appeals import services
from gongkai.appeals.models import Appeal
from gongkai.appeals.selectors import (
    cell_queryset,
    table4_counts,
    table4_counts_by_agency,
)
from gongkai.reportschema import check_cells

D = dt.date
KINDS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")


def mk(agency, kind, filed, decided=None, result="pending", **kw):
    return Appeal.objects.create(
        agency=agency,
        kind=kind,
        subject="x",
        filed_on=filed,
        decided_on=decided,
        result=result,
        **kw,
    )


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


def test_table4_hand_count(demo, edu):
    other = demo["青山市:财政局"]
    mk(edu, "reconsideration", D(2025, 1, 5), D(2025, 3, 1), "upheld")
    mk(edu, "reconsideration", D(2025, 6, 5), D(2025, 8, 1), "corrected")
    mk(
        edu, "reconsideration", D(2025, 12, 1), D(2026, 1, 20), "upheld"
    )  # decided next year → pending
    mk(
        edu, "reconsideration", D(2024, 12, 1), D(2025, 2, 1), "upheld"
    )  # filed last year: not counted
    mk(edu, "litigation_direct", D(2025, 2, 1))
    mk(edu, "litigation_after_reconsideration", D(2025, 4, 1), D(2025, 9, 9), "other")
    mk(other, "reconsideration", D(2025, 4, 1), D(2025, 9, 9), "other")
    cells = table4_counts([edu.pk], 2025)
    assert cells["appeals.reconsideration.upheld"] == 1
    assert cells["appeals.reconsideration.corrected"] == 1
    assert cells["appeals.reconsideration.pending"] == 1
    assert cells["appeals.reconsideration.total"] == 3
    assert cells["appeals.litigation_direct.pending"] == 1
    assert cells["appeals.litigation_direct.total"] == 1
    assert cells["appeals.litigation_after_reconsideration.other"] == 1
    assert cells["appeals.reconsideration.other"] == 0
    # the 2026 report does not see the 2025 case decided in 2026
    assert table4_counts([edu.pk], 2026)["appeals.reconsideration.total"] == 0
    # the 2024 report shows the 2024 case as pending at 31 Dec 2024
    assert table4_counts([edu.pk], 2024)["appeals.reconsideration.pending"] == 1
    both = table4_counts([edu.pk, other.pk], 2025)
    assert both["appeals.reconsideration.total"] == 4
    assert (
        table4_counts_by_agency([edu.pk, other.pk], 2025)[other.pk]["appeals.reconsideration.other"]
        == 1
    )
    for key, n in cells.items():
        assert cell_queryset(key, [edu.pk], 2025).count() == n, key


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_table4_identities_and_drilldown_on_random_cases(django_db_setup, django_db_blocker, seed):
    from django.db import transaction

    from gongkai.agencies import demo as demo_mod

    rng = random.Random(seed)
    with django_db_blocker.unblock():
        with transaction.atomic():
            agencies = demo_mod.build_agencies()
            a = agencies["青山市:教育局"]
            for _ in range(rng.randint(0, 25)):
                filed = D(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
                if rng.random() < 0.3:
                    mk(a, rng.choice(KINDS), filed)
                else:
                    decided = filed + dt.timedelta(days=rng.randint(0, 200))
                    mk(
                        a,
                        rng.choice(KINDS),
                        filed,
                        decided,
                        rng.choice(["upheld", "corrected", "other"]),
                    )
            for year in (2024, 2025, 2026):
                cells = table4_counts([a.pk], year)
                assert check_cells("2021", cells) == []
                grouped = table4_counts_by_agency(None, year).get(a.pk)
                if grouped:
                    assert grouped == cells
                for key in ("appeals.reconsideration.pending", "appeals.litigation_direct.total"):
                    assert cell_queryset(key, [a.pk], year).count() == cells[key]
            transaction.set_rollback(True)


def test_validation_and_permissions(demo, edu, as_user):
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.get(username="clerk")
    with pytest.raises(ValidationError):
        services.record_appeal(
            clerk, edu, kind="reconsideration", subject="x", filed_on=D(2025, 1, 1), result="upheld"
        )
    with pytest.raises(ValidationError):
        services.record_appeal(
            clerk,
            edu,
            kind="reconsideration",
            subject="x",
            filed_on=D(2025, 5, 1),
            decided_on=D(2025, 4, 1),
            result="upheld",
        )
    assert Appeal.objects.count() == 0
    c = as_user("clerk")
    r = c.post(
        "/staff/appeals/new/",
        {
            "kind": "reconsideration",
            "subject": "不服答复",
            "filed_on": "2025-03-01",
            "decided_on": "",
            "result": "pending",
        },
    )
    assert r.status_code == 302
    a = Appeal.objects.get()
    assert a.agency == edu
    r = c.post(
        f"/staff/appeals/{a.pk}/",
        {
            "kind": "reconsideration",
            "subject": "不服答复",
            "filed_on": "2025-03-01",
            "decided_on": "",
            "result": "upheld",
        },
    )
    assert r.status_code == 200 and "须填写决定" in r.content.decode()
    assert c.get("/staff/appeals/?year=2025").status_code == 200
    # staff of another agency and the supervisor cannot edit; anonymous is redirected
    other = as_user("cityclerk")
    assert other.get(f"/staff/appeals/{a.pk}/").status_code == 403
    sup = as_user("supervisor")
    assert sup.get(f"/staff/appeals/{a.pk}/").status_code == 403
    c.logout()
    assert c.get("/staff/appeals/").status_code == 302


def test_demo_is_idempotent(demo):
    from gongkai.appeals import demo as appeals_demo

    appeals_demo.build(demo)
    n = Appeal.objects.count()
    appeals_demo.build(demo)
    assert Appeal.objects.count() == n > 0


def test_appeal_links_to_an_application_of_the_same_agency(demo, edu, as_user):
    from tests.annualreports.conftest import make_requests

    (req,) = make_requests(
        edu, [(D(2025, 1, 6), D(2025, 2, 1), "withheld.third_party_rights", "natural")]
    )
    (foreign,) = make_requests(
        demo["青山市:财政局"], [(D(2025, 1, 6), None, None, "natural")], start=50
    )
    c = as_user("clerk")
    base = {
        "kind": "litigation_direct",
        "subject": "诉不予公开",
        "filed_on": "2025-03-01",
        "decided_on": "",
        "result": "pending",
    }
    r = c.post("/staff/appeals/new/", {**base, "request_number": foreign.tracking_number})
    assert r.status_code == 200 and "本机关没有编号为" in r.content.decode()
    assert Appeal.objects.count() == 0
    r = c.post("/staff/appeals/new/", {**base, "request_number": req.tracking_number})
    assert r.status_code == 302
    assert Appeal.objects.get().info_request == req
    assert list(req.appeals.all()) == list(Appeal.objects.all())
    assert req.tracking_number in c.get("/staff/appeals/").content.decode()
