"""Figures equal a hand count; identities hold on random data; every figure equals the number
of cases its drill-down lists; build_many (one grouped query for all agencies) equals the
per-agency build from inforequests' selector."""

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.annualreports import builder
from gongkai.annualreports.cells import cell_queryset
from gongkai.appeals.models import Appeal
from gongkai.inforequests.models import OUTCOME_KEYS
from gongkai.reportschema import APPLICANT_TYPES, check_cells, get_format

from .conftest import make_requests

D = dt.date


def test_hand_counted_fixture(demo, edu):
    other = demo["青山市:财政局"]
    make_requests(
        edu,
        [
            (D(2024, 12, 20), D(2025, 1, 10), "disclosed", "natural"),  # carried over, done
            (D(2024, 12, 28), None, None, "org_commercial"),  # carried over, still open
            (D(2024, 6, 1), D(2024, 7, 1), "disclosed", "natural"),  # 2024 only
            (D(2025, 1, 5), D(2025, 2, 1), "partially_disclosed", "natural"),
            (D(2025, 3, 5), D(2025, 3, 20), "withheld.third_party_rights", "org_commercial"),
            (D(2025, 4, 5), D(2025, 4, 25), "unavailable.not_held", "natural"),
            (D(2025, 5, 5), D(2025, 5, 9), "other.no_amendment", "org_legal_service"),
            (D(2025, 6, 5), D(2025, 6, 9), "other.other", "natural"),
            (D(2025, 12, 30), D(2026, 1, 6), "disclosed", "org_research"),  # carried forward
            (D(2025, 11, 1), None, None, "natural"),  # carried forward
        ],
    )
    make_requests(other, [(D(2025, 2, 2), D(2025, 2, 20), "disclosed", "natural")], start=100)
    Appeal.objects.create(agency=edu, kind="reconsideration", subject="x", filed_on=D(2025, 3, 1))
    c = builder.build_cells([edu.pk], 2025, "2021")
    assert c["applications.new.total"] == 7
    assert c["applications.new.natural"] == 4
    assert c["applications.carried_over.total"] == 2
    assert c["applications.carried_over.org_commercial"] == 1
    assert c["applications.outcomes_total.total"] == 6
    assert c["applications.disclosed.natural"] == 1
    assert c["applications.partially_disclosed.total"] == 1
    assert c["applications.withheld.third_party_rights.org_commercial"] == 1
    assert c["applications.unavailable.not_held.natural"] == 1
    assert c["applications.other.no_amendment.org_legal_service"] == 1
    assert c["applications.other.other.natural"] == 1
    assert c["applications.carried_forward.total"] == 3
    assert c["applications.carried_forward.org_research"] == 1
    assert c["appeals.reconsideration.pending"] == 1
    assert check_cells("2021", c) == []
    # 2019 layout: the （六） row takes all three 2021 sub-rows
    c19 = builder.build_cells([edu.pk], 2025, "2019")
    assert c19["applications.other.other.total"] == 2
    assert "applications.other.no_amendment.total" not in c19
    assert check_cells("2019", c19) == []
    # roll-up of the two agencies
    both = builder.build_cells([edu.pk, other.pk], 2025, "2021")
    assert both["applications.disclosed.total"] == 2 and both["applications.new.total"] == 8
    # drill-down lists exactly the counted cases
    for key, n in c.items():
        if not key.startswith("proactive."):
            assert cell_queryset(key, [edu.pk], 2025).count() == n, key
    assert cell_queryset("applications.other.other.total", [edu.pk], 2025, "2019").count() == 2
    # build_many = per-agency build
    many = builder.build_many([edu.pk, other.pk], 2025)
    assert many[edu.pk] == c
    assert many[other.pk] == builder.build_cells([other.pk], 2025)
    # every roll-up from the one grouped build equals the build over the subtree
    from gongkai.agencies.models import Agency

    everyone = builder.build_many(None, 2025)
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    ups = builder.rollups(everyone, parents)
    city = demo["青山市"]
    subtree = list(city.subtree().values_list("pk", flat=True))
    assert ups[city.pk] == builder.build_cells(subtree, 2025)
    assert ups[city.pk]["applications.new.total"] == 8
    assert edu.pk not in ups  # no subordinates: its roll-up is its own report
    # cross-year: 2025 carried over equals 2024 carried forward (T3-4)
    c24 = builder.build_cells([edu.pk], 2024, "2019")
    assert check_cells("2021", c, previous_year_cells=c24) == []


def _random_specs(rng, n):
    specs = []
    for _ in range(n):
        received = D(2019, 10, 1) + dt.timedelta(days=rng.randint(0, 2300))
        if rng.random() < 0.2:
            specs.append((received, None, None, rng.choice(APPLICANT_TYPES)))
        else:
            replied = received + dt.timedelta(days=rng.randint(0, 60))
            specs.append((received, replied, rng.choice(OUTCOME_KEYS), rng.choice(APPLICANT_TYPES)))
    return specs


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10**9), n=st.integers(0, 60))
def test_identities_hold_on_random_data(django_db_setup, django_db_blocker, seed, n):
    from django.db import transaction

    from gongkai.agencies import demo as demo_mod

    rng = random.Random(seed)
    with django_db_blocker.unblock(), transaction.atomic():
        agencies = demo_mod.build_agencies()
        a, b = agencies["青山市:教育局"], agencies["青山市:财政局"]
        make_requests(a, _random_specs(rng, n))
        make_requests(b, _random_specs(rng, n // 2), start=10**5)
        for year in (2020, 2021, 2025):
            fmt = builder.format_for(year)
            many = builder.build_many(None, year, fmt)
            prev = builder.build_cells([a.pk], year - 1, builder.format_for(year - 1))
            for agency in (a, b):
                cells = builder.build_cells([agency.pk], year, fmt)
                assert (
                    check_cells(fmt, cells, previous_year_cells=prev if agency == a else None) == []
                )
                assert many[agency.pk] == cells
            keys = rng.sample(get_format(fmt).table("applications").cell_keys(), 8)
            for key in keys:
                assert cell_queryset(key, [a.pk], year, fmt).count() == many[a.pk][key], key
            rollup = builder.build_cells([a.pk, b.pk], year, fmt)
            assert rollup == builder.sum_cells([many[a.pk], many[b.pk]])
            assert check_cells(fmt, rollup) == []
        transaction.set_rollback(True)


def test_fees_charged_come_from_paid_fee_notices(demo, edu):
    from decimal import Decimal

    from gongkai.annualreports import narrative
    from gongkai.inforequests.models import FeeNotice

    (req,) = make_requests(edu, [(D(2025, 3, 1), D(2025, 4, 1), "disclosed", "natural")])
    FeeNotice.objects.create(
        request=req,
        method="per_item",
        amount=Decimal("300"),
        sent_on=D(2025, 3, 5),
        paid_on=D(2025, 3, 10),
    )
    FeeNotice.objects.create(
        request=req, method="per_item", amount=Decimal("100"), sent_on=D(2025, 3, 5)
    )  # unpaid
    assert builder.fees_charged_yuan([edu.pk], 2025) == Decimal("300")
    assert "收取信息处理费300元" in narrative.fee_sentence(
        builder.fees_charged_yuan([edu.pk], 2025)
    )
    assert (
        narrative.fee_sentence(builder.fees_charged_yuan([edu.pk], 2024))
        == "本年度未收取信息处理费。"
    )
