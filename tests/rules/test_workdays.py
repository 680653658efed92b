"""Tests for gongkai.rules.workdays against independent oracles built from chinese_calendar."""

from bisect import bisect_right
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.rules import workdays as wdmod
from gongkai.rules.workdays import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    Override,
    WorkdayCalendar,
)

FIRST, LAST = date(2019, 1, 1), date(2026, 12, 31)


@pytest.fixture(autouse=True)
def builtin_calendar():
    """Pure-rule tests use the package-only calendar, whatever provider Django installed."""
    saved = wdmod.get_default_calendar_provider()
    wdmod.set_default_calendar_provider(None)
    yield
    wdmod.set_default_calendar_provider(saved)


def oracle_is_workday(d):
    """Reference: the package itself, Monday–Friday outside its years."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


# Working days 2018-12-01 .. 2028-12-31, computed one by one with the reference.
_ORACLE_DAYS = []
_d = date(2018, 12, 1)
while _d <= date(2028, 12, 31):
    if oracle_is_workday(_d):
        _ORACLE_DAYS.append(_d)
    _d += timedelta(days=1)


def oracle_add(d0, n):
    """Step day by day: the n-th working day after d0."""
    d = d0
    while n:
        d += timedelta(days=1)
        if oracle_is_workday(d):
            n -= 1
    return d


def oracle_between(a, b):
    if b < a:
        return -oracle_between(b, a)
    n, d = 0, a
    while d < b:
        d += timedelta(days=1)
        n += oracle_is_workday(d)
    return n


CAL = WorkdayCalendar()
days_2019_2026 = st.dates(min_value=FIRST, max_value=LAST)


@pytest.mark.parametrize(
    "day0,n,expected",
    [
        # RULES.md §I worked examples
        (date(2025, 1, 24), 7, date(2025, 2, 10)),
        (date(2025, 1, 24), 20, date(2025, 2, 27)),
        (date(2025, 1, 24), 40, date(2025, 3, 27)),
        (date(2025, 9, 26), 20, date(2025, 10, 30)),
        (date(2026, 2, 10), 20, date(2026, 3, 16)),
        (date(2026, 9, 18), 20, date(2026, 10, 22)),
    ],
)
def test_worked_examples(day0, n, expected):
    assert CAL.add_workdays(day0, n) == expected
    assert wdmod.add_workdays(day0, n) == expected
    assert CAL.workdays_between(day0, expected) == n


def test_makeup_days_and_holidays_2025_2026():
    # CONVENTIONS.md §7.2/7.3: 26 Jan 2025 (Sun) is a make-up working day, 28 Jan a holiday.
    assert CAL.is_workday(date(2025, 1, 26))
    assert not CAL.is_workday(date(2025, 1, 28))
    assert CAL.is_workday(date(2026, 2, 28))
    assert not CAL.is_workday(date(2026, 2, 23))  # Monday inside 春节
    assert CAL.year_summary(2025)["workdays"] == 248
    assert CAL.year_summary(2026)["workdays"] == 248


def test_every_day_2019_2026_exhaustive():
    """One pass over all days: flags and add_workdays(d, 1..40) against the bisect oracle."""
    d = FIRST
    while d <= LAST:
        assert CAL.is_workday(d) == oracle_is_workday(d), d
        i = bisect_right(_ORACLE_DAYS, d)
        for n in (1, 7, 15, 20, 40):
            assert CAL.add_workdays(d, n) == _ORACLE_DAYS[i + n - 1], (d, n)
        j = bisect_right(_ORACLE_DAYS, d + timedelta(days=45))
        assert CAL.workdays_between(d, d + timedelta(days=45)) == j - i
        d += timedelta(days=1)


@given(days_2019_2026, st.integers(min_value=0, max_value=300))
def test_add_matches_day_by_day(d0, n):
    r = CAL.add_workdays(d0, n)
    assert r == oracle_add(d0, n)
    if n:
        assert CAL.is_workday(r)
        assert CAL.workdays_between(d0, r) == n
        assert CAL.workdays_between(d0, r - timedelta(days=1)) == n - 1


@given(days_2019_2026, days_2019_2026)
def test_between_matches_day_by_day(a, b):
    assert CAL.workdays_between(a, b) == oracle_between(a, b)
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a)


@given(days_2019_2026, st.integers(min_value=1, max_value=300))
def test_negative_n_counts_backwards(d0, n):
    r = CAL.add_workdays(d0, -n)
    assert r < d0 and CAL.is_workday(r)
    # exactly n working days in [r, d0)
    assert CAL.workdays_between(r - timedelta(days=1), d0 - timedelta(days=1)) == n


def test_zero_and_crossing_years():
    assert CAL.add_workdays(date(2025, 2, 1), 0) == date(2025, 2, 1)
    assert CAL.workdays_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    # 2026-12-31 (Thu) + 1 WD lands in 2027, which has no data: Monday–Friday → Fri 1 Jan 2027
    assert CAL.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert CAL.workdays_between(date(2018, 12, 31), date(2027, 1, 1)) == len(
        [x for x in _ORACLE_DAYS if date(2018, 12, 31) < x <= date(2027, 1, 1)]
    )


def test_fallback_year_and_warning():
    assert CAL.has_data(2026) and not CAL.has_data(2027)
    assert CAL.source(date(2026, 5, 6)) == "chinese_calendar"
    assert CAL.source(date(2027, 5, 6)) == "weekday_fallback"
    assert CAL.is_workday(date(2027, 1, 1))  # Friday; the 元旦 holiday is not guessed
    assert not CAL.is_workday(date(2027, 1, 2))
    assert CAL.fallback_years(date(2026, 11, 1), date(2028, 1, 5)) == [2027, 2028]
    assert CAL.fallback_years(date(2025, 1, 1), date(2026, 12, 31)) == []
    (w,) = CAL.warnings(date(2026, 12, 1), date(2027, 1, 30))
    assert w["code"] == "calendar_fallback"
    assert w["message"] == "2027年无官方放假安排数据，按周一至周五计算，结果为暂定"
    assert w["params"] == {"year": 2027}


def test_national_overrides_make_the_year_known_and_win():
    rows = [
        Override(date(2027, 1, 1), HOLIDAY, note="元旦"),
        Override(date(2027, 2, 6), MAKEUP_WORKDAY, note="春节"),  # a Saturday
        Override(date(2026, 5, 6), HOLIDAY, note="test: turns a package workday off"),
    ]
    cal = WorkdayCalendar(rows)
    assert cal.has_data(2027) and not cal.has_data(2028)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 6))
    assert not cal.is_workday(date(2026, 5, 6))
    assert cal.source(date(2026, 5, 6)) == "override"
    assert cal.source(date(2026, 5, 7)) == "chinese_calendar"
    assert cal.source(date(2027, 3, 3)) == "override"  # year known through admin rows only
    assert cal.warnings(date(2027, 1, 1), date(2027, 6, 1)) == []
    # Thu 2026-12-31 + 1 → skips the 2027-01-01 override holiday → Mon 2027-01-04
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 6)
    listed = {c.day: c for c in cal.holidays_and_makeups(2027)}
    assert listed[date(2027, 2, 6)].kind == MAKEUP_WORKDAY
    assert listed[date(2027, 2, 6)].source == "override"
    assert listed[date(2027, 1, 1)].name == "元旦"
    # the default calendar is unaffected
    assert CAL.is_workday(date(2026, 5, 6))


def test_regional_overrides_apply_only_to_their_region():
    rows = [
        Override(date(2026, 3, 20), HOLIDAY, region="xinjiang", note="肉孜节"),
        Override(date(2027, 3, 10), HOLIDAY, region="xinjiang", note="肉孜节"),
        Override(date(2026, 5, 6), HOLIDAY),
        Override(date(2026, 5, 6), MAKEUP_WORKDAY, region="xinjiang"),
    ]
    national = WorkdayCalendar(rows)
    xj = WorkdayCalendar(rows, region="xinjiang")
    assert national.is_workday(date(2026, 3, 20))
    assert not xj.is_workday(date(2026, 3, 20))
    # regional row beats the national row on the same day
    assert not national.is_workday(date(2026, 5, 6))
    assert xj.is_workday(date(2026, 5, 6))
    # regional rows alone do not make 2027 a known year
    assert not xj.has_data(2027)
    assert not xj.is_workday(date(2027, 3, 10))


def test_conflicting_rows_and_bad_input_raise():
    with pytest.raises(ValueError):
        WorkdayCalendar(
            [Override(date(2027, 1, 1), HOLIDAY), Override(date(2027, 1, 1), MAKEUP_WORKDAY)]
        )
    with pytest.raises(ValueError):
        Override(date(2027, 1, 1), "day_off")
    with pytest.raises(TypeError):
        CAL.is_workday("2025-01-01")
    with pytest.raises(TypeError):
        CAL.add_workdays(date(2025, 1, 1), 2.5)


def test_holidays_and_makeups_2025_matches_conventions():
    days = CAL.holidays_and_makeups(2025)
    makeups = [c.day for c in days if c.kind == MAKEUP_WORKDAY]
    assert makeups == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    names = {c.day: c.name for c in days}
    assert names[date(2025, 1, 28)] == "春节"
    assert names[date(2025, 10, 8)] in ("国庆节", "中秋节")
    assert all(c.source == "chinese_calendar" for c in days)
    assert days[0].to_dict()["day"] == "2025-01-01"


def test_year_summary_checks():
    s = CAL.year_summary(2027)
    assert not s["has_data"] and s["source"] == "weekday_fallback"
    assert s["checks"][0]["code"] == "calendar_fallback"
    only_holidays = WorkdayCalendar([Override(date(2027, 1, 1), HOLIDAY)])
    codes = [c["code"] for c in only_holidays.year_summary(2027)["checks"]]
    assert codes == ["no_makeup_days"]


def test_default_calendar_provider_injection():
    cal = WorkdayCalendar([Override(date(2025, 3, 3), HOLIDAY)])
    calls = []

    def provider(region):
        calls.append(region)
        return cal

    wdmod.set_default_calendar_provider(provider)
    try:
        assert not wdmod.is_workday(date(2025, 3, 3))
        assert wdmod.workdays_between(date(2025, 3, 2), date(2025, 3, 4), region="gd") == 1
        assert calls == ["", "gd"]
    finally:
        wdmod.set_default_calendar_provider(None)
    assert wdmod.is_workday(date(2025, 3, 3))
    assert wdmod.get_default_calendar_provider() is None


def test_year_summary_flags_long_runs_next_to_holidays():
    rows = [
        Override(date(2027, 1, 1), HOLIDAY, note="元旦"),
        Override(date(2027, 1, 2), MAKEUP_WORKDAY),
        Override(date(2027, 1, 3), MAKEUP_WORKDAY),
    ]
    checks = WorkdayCalendar(rows).year_summary(2027)["checks"]
    assert [c["code"] for c in checks] == ["long_workday_run"]
    assert checks[0]["params"] == {"start": "2027-01-02", "days": 7}
    # one make-up day less: a 6-day run is allowed
    assert WorkdayCalendar(rows[:2]).year_summary(2027)["checks"] == []


def test_a_bare_call_into_a_year_without_data_warns():
    """add_workdays returns a plain date; the first use of a year without data raises a Python
    warning so that a call into 2027 never comes back silently."""
    import warnings

    from gongkai.rules.workdays import CalendarDataMissing, WorkdayCalendar

    cal = WorkdayCalendar()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert cal.add_workdays(date(2025, 1, 24), 20) == date(2025, 2, 27)
    assert not [w for w in seen if issubclass(w.category, CalendarDataMissing)]
    with pytest.warns(CalendarDataMissing, match="2027年无官方放假安排数据"):
        assert cal.add_workdays(date(2026, 12, 20), 20) == date(2027, 1, 15)
