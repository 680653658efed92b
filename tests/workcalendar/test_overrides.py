"""Administrator rows change the platform's calendar at once, and say so."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gongkai.rules import workdays
from gongkai.workcalendar.models import WorkdayOverride
from gongkai.workcalendar.services import calendar_changed, calendar_for


@pytest.fixture(autouse=True)
def _fresh_cache():
    from gongkai.workcalendar import services

    services.invalidate()
    yield
    services.invalidate()


def test_2027_falls_back_with_a_warning_until_the_schedule_is_entered(db):
    d0 = date(2026, 12, 18)
    cal = calendar_for()
    assert not cal.has_data(2027)
    assert any(
        w["code"] == "calendar_fallback" for w in cal.warnings(d0, workdays.add_workdays(d0, 20))
    )
    # the administrator enters 2027's New Year holiday (a Friday) from the State Council notice
    WorkdayOverride.objects.create(day=date(2027, 1, 1), kind="holiday", note="元旦")
    cal = calendar_for()
    assert cal.has_data(2027)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.source(date(2027, 1, 1)) == "override"
    # the module-level functions (used by every clock) see the row too
    assert not workdays.is_workday(date(2027, 1, 1))


def test_override_beats_package_and_signal_carries_the_year(db):
    seen = []

    def on_change(sender, years, **kw):
        seen.append(years)

    calendar_changed.connect(on_change)
    try:
        monday = date(2026, 3, 2)
        assert workdays.is_workday(monday)
        row = WorkdayOverride.objects.create(day=monday, kind="holiday", note="test")
        assert not workdays.is_workday(monday)
        row.delete()
        assert workdays.is_workday(monday)
    finally:
        calendar_changed.disconnect(on_change)
    assert seen == [{2026}, {2026}]


def test_regional_rows_apply_only_in_their_region(db):
    day = date(2026, 3, 20)  # a Friday, e.g. a regional festival
    WorkdayOverride.objects.create(day=day, kind="holiday", region="650000", note="肉孜节")
    assert calendar_for("650000").is_workday(day) is False
    assert calendar_for("").is_workday(day) is True


def test_calendar_command_lists_days_and_sources(db):
    out = StringIO()
    call_command("calendar", "2026", stdout=out)
    text = out.getvalue()
    assert "2026-02-14" in text and "调休上班" in text and "春节" in text
    assert "工作日 248 天" in text
    out = StringIO()
    call_command("calendar", "2027", stdout=out)
    assert "暂定" in out.getvalue()


def test_calendar_page(as_user, demo):
    r = as_user("clerk").get("/staff/calendar/?year=2026")
    html = r.content.decode()
    assert r.status_code == 200 and "2026-02-14" in html and "248" in html
