"""The supervision table over a subtree."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongkai.supervision import selectors, services


def _issue(users, demo, key):
    return services.issue_problem_list(
        users["supervisor"],
        demo["青山市"],
        demo[key],
        title="t",
        due_on=timezone.localdate() + timedelta(days=5),
        items=[{"category": "other", "description": "x"}],
    )


def test_rows_cover_exactly_the_supervised_subtree(users, demo):
    rows, totals, available = selectors.dashboard_rows(users["supervisor"], demo["青山市"])
    names = {r.agency.pk for r in rows}
    expected = {a.pk for a in demo["青山市"].subtree()}
    assert names == expected
    assert demo["白水市"].pk not in names
    rows, _t, _a = selectors.dashboard_rows(users["supervisor"], demo["青山市"], level="township")
    assert rows and all(r.agency.level == "township" for r in rows)
    assert len(rows) == sum(1 for a in demo["青山市"].subtree() if a.level == "township")


def test_open_lists_counted_per_agency_with_totals(users, demo):
    _issue(users, demo, "青山市:教育局")
    _issue(users, demo, "青山市:教育局")
    done = _issue(users, demo, "青山市:松林县")
    done.status = "closed"
    done.save()
    _issue(users, demo, "青山市:石桥县:城关镇")
    rows, totals, _a = selectors.dashboard_rows(users["supervisor"], demo["青山市"])
    by = {r.agency.pk: r.counts["open_lists"] for r in rows}
    assert by[demo["青山市:教育局"].pk] == 2
    assert by[demo["青山市:松林县"].pk] == 0
    assert by[demo["青山市:石桥县:城关镇"].pk] == 1
    assert totals["open_lists"] == 3
    top = selectors.sort_rows(rows, "open_lists", descending=True)
    assert top[0].agency == demo["青山市:教育局"]


def test_query_count_does_not_grow_with_the_subtree(users, demo):
    def count(user, agency):
        with CaptureQueriesContext(connection) as ctx:
            selectors.dashboard_rows(user, agency)
        # The working-day calendar loads once per distinct region (a handful per province),
        # never per agency; everything else must be a fixed number of queries.
        return sum(1 for q in ctx.captured_queries if "workcalendar_" not in q["sql"])

    small = count(users["supervisor"], demo["青山市:松林县"])  # supervised via 青山市
    big = count(users["province"], demo["province"])
    assert demo["province"].subtree().count() > 3 * demo["青山市:松林县"].subtree().count()
    assert big == small


def test_page_renders_sorts_filters_and_links(as_user, demo, users):
    _issue(users, demo, "青山市:教育局")
    c = as_user("supervisor")
    r = c.get(reverse("supervision:index"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "青山市教育局" in html and "白水市" not in html
    assert reverse("supervision:create_list") + f"?agency={demo['青山市:教育局'].pk}" in html
    r = c.get(reverse("supervision:index") + "?level=township&sort=name&dir=asc")
    html = r.content.decode()
    assert "城关镇" in html and "青山市教育局" not in html
    # bad parameters do not crash
    assert c.get(reverse("supervision:index") + "?level=zzz&sort=zzz&page=-4").status_code == 200
    html = c.get(reverse("supervision:index") + '?q="><script>x</script>&sort=name').content
    assert b"<script>x" not in html and b"%3Cscript%3E" in html


def test_other_staff_and_anonymous_are_kept_out(client, as_user, demo):
    assert client.get(reverse("supervision:index")).status_code == 302
    assert client.get(reverse("supervision:checker")).status_code == 302
    r = as_user("township").get(reverse("supervision:checker"))
    assert r.status_code == 403
