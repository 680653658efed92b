"""table3_counts: aggregation queries whose figures satisfy the report identities by construction."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai.inforequests.models import OUTCOME_KEYS, InfoRequest
from gongkai.inforequests.selectors import table3_counts, table3_counts_by_agency
from gongkai.reportschema import APPLICANT_TYPES, check_cells, get_format

TZ = ZoneInfo("Asia/Shanghai")

case = st.tuples(
    st.dates(date(2023, 1, 1), date(2026, 12, 31)),  # received_on
    st.one_of(st.none(), st.integers(0, 500)),  # days until reply (None: open)
    st.sampled_from(APPLICANT_TYPES),
    st.sampled_from(OUTCOME_KEYS),
)


def _requests(agency, cases, first=0):
    rows = []
    for i, (received, wait, atype, outcome) in enumerate(cases, start=first):
        replied = received + timedelta(days=wait) if wait is not None else None
        rows.append(
            InfoRequest(
                agency=agency,
                tracking_number=f"{received.year}-{i + 1:06d}",
                channel="in_person",
                submitted_at=datetime.combine(received, datetime.min.time(), TZ),
                applicant_type=atype,
                description="x",
                form_requested="paper",
                delivery="post",
                received_on=received,
                status="replied" if replied else "in_progress",
                replied_on=replied,
                outcome=outcome if replied else None,
            )
        )
    return rows


def _store(agency, cases):
    InfoRequest.objects.all().delete()
    InfoRequest.objects.bulk_create(_requests(agency, cases))


def _naive(cases, year, row, col):
    start, end = date(year, 1, 1), date(year, 12, 31)
    n = 0
    for received, wait, atype, outcome in cases:
        if col != "total" and atype != col:
            continue
        replied = received + timedelta(days=wait) if wait is not None else None
        if row == "new":
            n += start <= received <= end
        elif row == "carried_over":
            n += received < start and (replied is None or replied >= start)
        elif row == "carried_forward":
            n += received <= end and (replied is None or replied > end)
        elif replied is not None and start <= replied <= end:
            n += row == "outcomes_total" or row == outcome
    return n


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=st.lists(case, max_size=40), year=st.integers(2024, 2026))
def test_identities_hold(edu, cases, year):
    _store(edu, cases)
    cells = table3_counts([edu.pk], year)
    fmt = get_format("2021")
    assert set(cells) == set(fmt.table("applications").cell_keys())
    findings = [f for f in check_cells(fmt, cells) if f.code.startswith("T3")]
    assert findings == []
    # T3-4 across years: this year's carried over is last year's carried forward.
    prev = table3_counts([edu.pk], year - 1)
    for c in (*APPLICANT_TYPES, "total"):
        assert cells[f"applications.carried_over.{c}"] == prev[f"applications.carried_forward.{c}"]
    # And the figures are the definitions, checked against a plain Python count.
    for row in ("new", "carried_over", "carried_forward", "outcomes_total", *OUTCOME_KEYS[:6]):
        for col in ("total", "natural", "org_commercial"):
            assert cells[f"applications.{row}.{col}"] == _naive(cases, year, row, col), (row, col)


@pytest.mark.django_db
def test_counts_only_given_agencies_and_received(make_case, demo, users):
    from gongkai.inforequests import services

    a = make_case(day="2025-03-03")
    services.reply(a, users["clerk"], on=date(2025, 3, 20), outcome="withheld.third_party_rights",
                   reasons="涉及商业秘密")  # fmt: skip
    make_case(actor=None, channel="online", day="2025-04-01")  # not yet received: not counted
    make_case(agency=demo["青山市"], actor="cityclerk", day="2025-05-05")
    cells = table3_counts([a.agency_id], 2025)
    assert cells["applications.new.total"] == 1
    assert cells["applications.new.natural"] == 1
    assert cells["applications.withheld.third_party_rights.natural"] == 1
    assert cells["applications.outcomes_total.total"] == 1
    assert cells["applications.carried_forward.total"] == 0
    both = table3_counts([a.agency_id, demo["青山市"].pk], 2025)
    assert both["applications.new.total"] == 2
    assert both["applications.carried_forward.total"] == 1


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    a_cases=st.lists(case, max_size=30),
    b_cases=st.lists(case, max_size=15),
    year=st.integers(2024, 2026),
)
@example(  # every year boundary: received / replied on 31 Dec and 1 Jan
    a_cases=[
        (date(2024, 12, 31), 1, "natural", "disclosed"),  # replied 1 Jan 2025
        (date(2024, 12, 31), 0, "natural", "disclosed"),
        (date(2025, 1, 1), 0, "org_commercial", "other.other"),
        (date(2025, 12, 31), 0, "natural", "withheld.third_party_rights"),
        (date(2025, 12, 31), 1, "natural", "disclosed"),  # replied 1 Jan 2026
        (date(2025, 1, 1), None, "natural", "disclosed"),
    ],
    b_cases=[(date(2024, 12, 31), None, "org_research", "disclosed")],
    year=2025,
)
def test_by_agency_equals_single_agency_counts_and_oracle(demo, a_cases, b_cases, year):
    """The grouped-by-agency figures (what annual reports are built from) equal table3_counts
    for each agency alone, and both equal a plain Python count of every cell."""
    a, b, idle = demo["青山市:教育局"], demo["青山市:财政局"], demo["青山市"]
    InfoRequest.objects.all().delete()
    InfoRequest.objects.bulk_create(
        _requests(a, a_cases) + _requests(b, b_cases, first=len(a_cases))
    )
    keys = get_format("2021").table("applications").cell_keys()
    by = table3_counts_by_agency([a.pk, b.pk, idle.pk], year)
    assert set(by) == {a.pk, b.pk, idle.pk}
    everyone = table3_counts_by_agency(None, year)
    for agency, cases in ((a, a_cases), (b, b_cases), (idle, [])):
        oracle = {}
        for key in keys:
            row, col = key.removeprefix("applications.").rsplit(".", 1)
            oracle[key] = _naive(cases, year, row, col)
        assert by[agency.pk] == oracle
        assert table3_counts([agency.pk], year) == oracle
        # None = every agency with a case in the year; the others are all zeros
        assert everyone.get(agency.pk, dict.fromkeys(keys, 0)) == oracle
    # a roll-up is the sum of its agencies
    both = table3_counts([a.pk, b.pk], year)
    assert both == {k: by[a.pk][k] + by[b.pk][k] for k in keys}
    # one key order for every agency (annualreports.builder.rollups adds cells as vectors)
    from gongkai.annualreports.builder import zero_table3

    assert list(by[a.pk]) == list(by[idle.pk]) == list(zero_table3("2021"))
