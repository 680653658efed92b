"""table2_counts (annual report), stale_columns (supervision), dashboard widget."""

from datetime import date, datetime, timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.publications import selectors, services
from gongkai.publications.models import Column, Publication

from .helpers import column, user


def _published(agency, kind, issued_on, published_on, validity="in_force", changed_on=None, **kw):
    """A published record inserted directly (imports do the same): the selectors only read."""
    col = column(agency)
    return Publication.objects.create(
        agency=agency,
        column=col,
        publisher=agency,
        title=kw.pop("title", f"{kind} {issued_on}"),
        index_number=services.allocate_index_number(agency, issued_on),
        formed_on=issued_on,
        issued_on=issued_on,
        published_at=timezone.make_aware(datetime.combine(published_on, datetime.min.time()))
        + timedelta(hours=10),
        status=kw.pop("status", "published"),
        kind=kind,
        validity=validity,
        validity_changed_on=changed_on,
        **kw,
    )


def test_table2_counts_by_definition(demo):
    a = demo["青山市:教育局"]
    other = demo["青山市:财政局"]
    R, N = "regulation", "normative_document"
    _published(a, N, date(2025, 3, 1), date(2025, 3, 10))  # issued 2025, in force
    # issued 20 Dec, published 5 Jan (Art. 26): issued in 2025, by its 成文日期
    _published(a, N, date(2025, 12, 20), date(2026, 1, 5))
    _published(a, N, date(2023, 5, 1), date(2023, 5, 8), "repealed", date(2025, 6, 1))
    _published(a, N, date(2022, 5, 1), date(2022, 5, 8), "expired", date(2026, 2, 1))
    _published(a, N, date(2021, 5, 1), date(2021, 5, 8), "repealed", date(2024, 6, 1))
    _published(a, R, date(2025, 7, 1), date(2025, 7, 2))
    _published(a, "other", date(2025, 7, 1), date(2025, 7, 2))  # a notice: not counted
    _published(a, N, date(2025, 4, 1), date(2025, 4, 2), status="withdrawn")
    _published(other, N, date(2025, 4, 1), date(2025, 4, 2))  # another agency
    c = selectors.table2_counts([a.pk], 2025)
    assert c == {
        "proactive.regulations.issued": 1,
        "proactive.regulations.repealed": 0,
        "proactive.regulations.in_force": 1,
        "proactive.normative_documents.issued": 2,
        "proactive.normative_documents.repealed": 1,
        # 2025-03, 2025-12 + the 2022 one expiring only in 2026
        "proactive.normative_documents.in_force": 3,
    }
    nxt = selectors.table2_counts([a.pk], 2026)
    assert nxt["proactive.normative_documents.issued"] == 0  # counted once, in 2025
    both = selectors.table2_counts([a.pk, other.pk], 2025)
    assert both["proactive.normative_documents.issued"] == 3
    per = selectors.table2_counts_by_agency([a.pk, other.pk], 2025)
    assert per[a.pk] == c and set(per) == {a.pk, other.pk}
    assert per[other.pk]["proactive.normative_documents.in_force"] == 1
    assert selectors.table2_counts_by_agency(None, 2025) == per
    assert selectors.table2_counts([], 2025)["proactive.regulations.in_force"] == 0


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    docs=st.lists(
        st.tuples(
            st.dates(date(2023, 1, 1), date(2026, 6, 30)),  # issued
            st.integers(0, 40),  # days until published
            st.sampled_from(["in_force", "repealed", "expired"]),
            st.integers(1, 900),  # days after publishing the validity changed
        ),
        max_size=8,
    ),
    year=st.integers(2023, 2026),
)
def test_table2_counts_match_a_python_oracle(demo, docs, year):
    a = demo["青山市:教育局"]
    Publication.objects.filter(agency=a).delete()
    for issued, lag, validity, change_lag in docs:
        pub_on = issued + timedelta(days=lag)
        changed = pub_on + timedelta(days=change_lag) if validity != "in_force" else None
        _published(a, "normative_document", issued, pub_on, validity, changed)
    want = {"issued": 0, "repealed": 0, "in_force": 0}
    dec31 = date(year, 12, 31)
    for issued, lag, validity, change_lag in docs:
        pub_on = issued + timedelta(days=lag)
        changed = pub_on + timedelta(days=change_lag) if validity != "in_force" else None
        want["issued"] += issued.year == year
        want["repealed"] += changed is not None and changed.year == year
        want["in_force"] += issued <= dec31 and (changed is None or changed > dec31)
    got = selectors.table2_counts([a.pk], year)
    assert {k: got[f"proactive.normative_documents.{k}"] for k in want} == want
    # T2-2 holds for the platform's own figures (ANNUAL_REPORT_FORMAT.md §4.5)
    prev = selectors.table2_counts([a.pk], year - 1)
    k = "proactive.normative_documents."
    assert got[k + "in_force"] == prev[k + "in_force"] + got[k + "issued"] - got[k + "repealed"]


def test_stale_columns(demo):
    a = demo["青山市:教育局"]
    services.ensure_catalogue(a)
    as_of = date(2026, 6, 30)
    _published(a, "normative_document", date(2026, 5, 1), date(2026, 5, 2))  # art20-01, 183 days
    stale = selectors.stale_columns([a.pk], as_of)
    codes = {c.code for c in stale}
    assert len(codes) == len(stale)  # each column once
    assert "art20-01" not in codes  # updated 59 days ago
    assert "art20-03" in codes  # empty plan column
    assert "guide" not in codes  # no cycle
    # 184 days later the policy column is stale, with its last date.
    later = selectors.stale_columns([a.pk], date(2026, 5, 2) + timedelta(days=184))
    col = next(c for c in later if c.code == "art20-01")
    assert col.days_since_update == 184 and col.last_published_at is not None
    # A news column with a 14-day cycle.
    news = Column.objects.create(
        agency=a, code="news", name="工作动态", kind="custom", update_cycle_days=14
    )
    assert news.pk in {c.pk for c in selectors.stale_columns([a.pk], as_of)}
    assert selectors.stale_columns([demo["青山市:财政局"].pk], as_of) == []  # no catalogue yet


def test_dashboard_widget_counts(demo):
    from .helpers import draft

    a = demo["青山市:教育局"]
    p = draft(a)
    services.submit(user("clerk"), p)
    w = selectors.dashboard_widget(user("reviewer"), a)
    assert w["stat"] == 1 and "待审核 1 件" in w["text"]
    assert selectors.dashboard_widget(user("cityclerk"), a) is None
