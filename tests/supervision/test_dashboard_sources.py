"""Dashboard figures from the other apps equal hand counts on fixtures."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.supervision import selectors

ir = pytest.importorskip("gongkai.inforequests.models")
TODAY = date(2026, 11, 18)  # a Wednesday; 3 WD later is Monday 23 November


def _req(agency, status, due_on, n=[0]):  # noqa: B006 - a counter for tracking numbers
    n[0] += 1
    return ir.InfoRequest.objects.create(
        agency=agency,
        tracking_number=f"T{n[0]:05d}",
        channel="online",
        submitted_at=timezone.make_aware(datetime(2026, 10, 1, 9)),
        applicant_type="natural",
        description="某文件",
        form_requested="electronic",
        delivery="email",
        received_on=date(2026, 10, 1),
        status=status,
        due_on=due_on,
    )


def test_application_counts_match_hand_counts(users, demo):
    edu, town, city = demo["青山市:教育局"], demo["青山市:松林县:城关镇"], demo["青山市"]
    past = TODAY - timedelta(days=3)
    for _i in range(3):
        _req(edu, "in_progress", past)  # overdue
    _req(edu, "consultation", TODAY - timedelta(days=1))  # overdue (clock runs)
    _req(edu, "replied", past)  # answered: not overdue
    _req(edu, "awaiting_amendment", past)  # clock paused: not overdue
    _req(edu, "in_progress", TODAY)  # due today: due soon, not overdue
    _req(edu, "in_progress", date(2026, 11, 23))  # 3rd working day: due soon
    _req(edu, "in_progress", date(2026, 11, 24))  # 4th: neither
    _req(town, "in_progress", past)  # overdue
    _req(demo["白水市"], "in_progress", past)  # outside the subtree
    rows, totals, available = selectors.dashboard_rows(users["supervisor"], city, today=TODAY)
    assert {"overdue", "due_soon"} <= available
    by = {r.agency.pk: r.counts for r in rows}
    assert by[edu.pk]["overdue"] == 4 and by[edu.pk]["due_soon"] == 2
    assert by[town.pk]["overdue"] == 1 and by[town.pk]["due_soon"] == 0
    assert by[city.pk]["overdue"] == 0
    assert totals["overdue"] == 5 and totals["due_soon"] == 2
    # the prefilled problem list names the overdue cases
    items = selectors.current_problems(users["supervisor"], city, edu, today=TODAY)
    overdue = [i for i in items if i["category"] == "overdue_application"]
    assert len(overdue) == 1 and "4件" in overdue[0]["description"]
    assert overdue[0]["evidence_url"].startswith(reverse("inforequests:ledger"))


def test_annual_report_states(users, demo):
    ar = pytest.importorskip("gongkai.annualreports.models")
    edu, fin, city = demo["青山市:教育局"], demo["青山市:财政局"], demo["青山市"]
    report = ar.AnnualReport.objects.create(agency=edu, year=2025)
    # 10 January: departments' reports are due on 31 January (RULES.md E3)
    rows, totals, _a = selectors.dashboard_rows(users["supervisor"], city, today=date(2026, 1, 10))
    by = {r.agency.pk: r.report for r in rows}
    assert by[edu.pk].key == "draft" and by[edu.pk].report_id == report.pk
    assert by[fin.pk].key == "not_started"
    assert totals["report_late"] == 0
    # 5 February: departments without a published report are late; governments (31 March) not
    rows, totals, _a = selectors.dashboard_rows(users["supervisor"], city, today=date(2026, 2, 5))
    by = {r.agency.pk: r.report for r in rows}
    assert by[edu.pk].key == "late" and by[fin.pk].key == "late"
    assert by[city.pk].key == "not_started"
    n_departments = sum(1 for a in city.subtree() if a.kind == "department")
    assert totals["report_late"] == n_departments
    items = selectors.current_problems(users["supervisor"], city, fin, today=date(2026, 2, 5))
    assert [i["category"] for i in items] == ["missing_report"]


def test_publication_counts_match_hand_counts(users, demo):
    pub = pytest.importorskip("gongkai.publications.services")
    from gongkai.publications.models import Publication

    today = timezone.localdate()
    edu, town, city = demo["青山市:教育局"], demo["青山市:松林县:城关镇"], demo["青山市"]
    cols = {a.pk: pub.ensure_catalogue(a) for a in (edu, town, demo["白水市"])}

    def draft(agency, days_ago, title="文件"):
        col = cols[agency.pk][0]
        return pub.create_publication(
            users["admin"],
            agency,
            {"title": title, "column": col, "formed_on": today - timedelta(days=days_ago)},
        )

    draft(edu, 60)
    draft(edu, 45)  # both past the 20-WD limit, unpublished
    draft(edu, 0)  # formed today: not late
    late_now = draft(edu, 60)
    Publication.objects.filter(pk=late_now.pk).update(
        status="published", published_at=timezone.now(), is_late=True
    )
    last_year = draft(edu, 400)
    Publication.objects.filter(pk=last_year.pk).update(
        status="published",
        published_at=timezone.now().replace(year=today.year - 1),
        is_late=True,
    )
    draft(demo["白水市"], 60)  # outside the subtree
    # 城关镇: every column with an update cycle is empty (stale) except one just updated
    cycle_cols = [c for c in cols[town.pk] if c.update_cycle_days and c.is_active]
    assert len(cycle_cols) >= 2
    fresh = draft(town, 0)
    Publication.objects.filter(pk=fresh.pk).update(
        column=cycle_cols[0], status="published", published_at=timezone.now()
    )
    rows, totals, available = selectors.dashboard_rows(users["supervisor"], city, today=today)
    assert {"late_publications", "stale_columns"} <= available
    by = {r.agency.pk: r for r in rows}
    assert by[edu.pk].counts["late_publications"] == 3
    assert by[town.pk].counts["late_publications"] == 0
    assert by[town.pk].counts["stale_columns"] == len(cycle_cols) - 1
    assert cycle_cols[0].pk not in {c.pk for c in by[town.pk].stale}
    assert by[city.pk].counts["stale_columns"] == 0  # no catalogue yet: nothing to be stale
    assert totals["late_publications"] == 3
    items = selectors.current_problems(users["supervisor"], city, town, today=today)
    (stale_item,) = [i for i in items if i["category"] == "stale_column"]
    assert f"以下{len(cycle_cols) - 1}个栏目" in stale_item["description"]
    assert all(c.name in stale_item["description"] for c in cycle_cols[1:])


def test_agency_drill_down_lists_the_records(as_user, users, demo):
    pub = pytest.importorskip("gongkai.publications.services")
    edu = demo["青山市:教育局"]
    col = pub.ensure_catalogue(edu)[0]
    late = pub.create_publication(
        users["admin"],
        edu,
        {
            "title": "逾期未公开的通知",
            "column": col,
            "formed_on": timezone.localdate() - timedelta(days=90),
        },
    )
    url = reverse("supervision:agency_detail", args=[edu.pk])
    html = as_user("supervisor").get(url).content.decode()
    assert late.title in html and reverse("publications:detail", args=[late.pk]) in html
    assert (
        as_user("supervisor")
        .get(reverse("supervision:agency_detail", args=[demo["白水市"].pk]))
        .status_code
        == 403
    )
    assert as_user("head").get(url).status_code == 403


def test_only_agencies_with_problems_filter(as_user, demo, monkeypatch):
    class _Clock:
        @staticmethod
        def localdate():
            return TODAY.replace(month=1, day=10)  # no annual report is late yet

    monkeypatch.setattr(selectors, "timezone", _Clock)
    edu = demo["青山市:教育局"]
    _req(edu, "in_progress", date(2026, 1, 5))
    c = as_user("supervisor")
    html = c.get(reverse("supervision:index") + "?problems=on").content.decode()
    assert f'agencies/{edu.pk}/"' in html
    others = [a for a in demo["青山市"].subtree() if a.pk != edu.pk]
    assert all(f'agencies/{a.pk}/"' not in html for a in others)
    html = c.get(reverse("supervision:index")).content.decode()
    assert all(f'agencies/{a.pk}/"' in html for a in others)


_STATUSES = [
    "to_confirm",
    "in_progress",
    "awaiting_amendment",
    "consultation",
    "awaiting_fee",
    "replied",
    "closed",
]


def test_counts_equal_brute_force_on_random_cases(users, demo):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from gongkai.inforequests.selectors import due_soon_limit

    keys = ["青山市:教育局", "青山市:松林县:城关镇", "青山市", "白水市"]
    case = st.tuples(
        st.sampled_from(keys), st.sampled_from(_STATUSES), st.integers(-15, 15) | st.none()
    )

    @settings(
        max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.lists(case, max_size=25))
    def check(cases):
        ir.InfoRequest.objects.all().delete()
        for key, status, offset in cases:
            _req(demo[key], status, None if offset is None else TODAY + timedelta(days=offset))
        rows, totals, _a = selectors.dashboard_rows(
            users["supervisor"], demo["青山市"], today=TODAY
        )
        by = {r.agency.pk: r.counts for r in rows}
        limit = due_soon_limit(TODAY, demo["青山市"])
        running = {"in_progress", "consultation", "awaiting_fee"}
        for key in keys[:3]:
            mine = [(s, o) for k, s, o in cases if k == key and o is not None and s in running]
            assert by[demo[key].pk]["overdue"] == sum(1 for s, o in mine if o < 0)
            assert by[demo[key].pk]["due_soon"] == sum(
                1 for s, o in mine if 0 <= o and TODAY + timedelta(days=o) <= limit
            )
        assert demo["白水市"].pk not in by

    check()
