"""Working-day (工作日) calendar for the legal clock. Pure Python, no Django.

Every time limit of the 2019 《政府信息公开条例》 is counted in 工作日 (RULES.md, Sources note).
The Regulation does not define the term; practice (CONVENTIONS.md §7.1, RULES.md §I.2) is:
Monday–Friday, minus the official public holidays and 调休 rest days, **plus** the weekend days the
State Council declares make-up working days (调休上班, ``makeup_workday``).

Where the data come from, in order of precedence:

1. ``Override`` rows entered by an administrator (the State Council publishes next year's schedule
   each autumn and the package may lag; ethnic-autonomous areas add regional holidays, 《全国年节及
   纪念日放假办法》 Art. 4). A national row (``region == ""``) applies everywhere, a regional row only
   to a calendar built for that region; on the same day a regional row beats a national one.
2. the ``chinese_calendar`` package (PyPI ``chinesecalendar``; 2004–2026 in version 1.11).
3. for a year with neither (CONVENTIONS.md §7.4): Monday–Friday, never a guess. Such results are
   provisional; ``warnings()`` / ``fallback_years()`` say so and callers must show it.

A year "has data" when the package knows it **or** at least one *national* override row falls in
it: an administrator who types in the 2027 schedule is expected to type all of it (holidays and
make-up days), after which the days without a row are ordinary days of that schedule. Regional rows
alone do not make a year complete, because the national schedule is still unknown.

Counting convention (RULES.md §I.1, *practice*): day 0 is not counted; counting starts the next day.

Public API (stable)::

    Override(day, kind, region="", note="")           kind: HOLIDAY | MAKEUP_WORKDAY
    cal = WorkdayCalendar(overrides=(), region="")
    cal.is_workday(d) -> bool
    cal.source(d) -> "override" | "chinese_calendar" | "weekday_fallback"
    cal.has_data(year) -> bool
    cal.add_workdays(day0, n) -> date          the n-th working day after day0 (day0 not counted)
    cal.workdays_between(a, b) -> int          #working days d with a < d <= b (negative if b < a)
    cal.fallback_years(a, b) -> list[int]      years in [a.year, b.year] without data
    cal.warnings(a, b) -> list[dict]           {"code", "message", "params"} for those years
    cal.holidays_and_makeups(year) -> list[CalendarDay]
    cal.year_summary(year) -> dict             counts + data checks of CONVENTIONS.md §7.5

    module level, on the default calendar:
    is_workday(d, region="") / add_workdays(day0, n, region="") / workdays_between(a, b, region="")
    default_calendar(region="") / set_default_calendar_provider(fn | None)
    get_default_calendar_provider()

Speed: each year is turned once into a table (a flag per day, prefix counts, the sorted ordinals of
its working days) cached on the calendar, so ``add_workdays`` and ``workdays_between`` cost O(number
of years spanned) with a list index per year, independent of n.
"""

from __future__ import annotations

import functools
import threading
import warnings as _pywarnings
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

from gongkai.rules.i18n import gettext_noop

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
KINDS = (HOLIDAY, MAKEUP_WORKDAY)

SOURCE_OVERRIDE = "override"
SOURCE_PACKAGE = "chinese_calendar"
SOURCE_FALLBACK = "weekday_fallback"

# chinese_calendar stores English holiday names; the UI shows the official Chinese ones.
_HOLIDAY_NAMES_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}
_HOLIDAY_NAMES_ZH.update(
    {
        "Tomb-sweeping Day": "清明节",
        "Dragon Boat Festival": "端午节",
        "Mid-autumn Festival": "中秋节",
    }
)

# The official names chinese_calendar knows, as msgids: the calendar page translates them.
HOLIDAY_NAMES = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明节"),
    gettext_noop("劳动节"),
    gettext_noop("端午节"),
    gettext_noop("中秋节"),
    gettext_noop("国庆节"),
)

# Warnings carry "message" (Chinese, for the CLI and logs) and "msgid" + "params": the Django
# layer shows gettext(msgid).format(**params) (gongkai.rules.i18n).
FALLBACK_MESSAGE = gettext_noop("{year}年无官方放假安排数据，按周一至周五计算，结果为暂定")
NO_MAKEUP_MESSAGE = gettext_noop("{year}年有放假日但没有调休上班日，请核对")
LONG_RUN_MESSAGE = gettext_noop("{start}起连续上班{days}天（超过6天），请核对调休安排")


class CalendarDataMissing(UserWarning):
    """Raised as a Python warning the first time a calendar needs a year without schedule data,
    so that even a bare ``add_workdays`` call into such a year never comes back silently (the
    structured form for callers to show is ``WorkdayCalendar.warnings``)."""


@dataclass(frozen=True)
class Override:
    """One administrator row: ``day`` is a holiday (rest day) or a make-up working day."""

    day: date
    kind: str
    region: str = ""
    note: str = ""

    def __post_init__(self):
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError(f"Override.day must be a date, not {type(self.day).__name__}")
        if self.kind not in KINDS:
            raise ValueError(f"Override.kind must be one of {KINDS}, not {self.kind!r}")


@dataclass(frozen=True)
class CalendarDay:
    """A holiday or make-up working day as listed by ``holidays_and_makeups``."""

    day: date
    kind: str  # HOLIDAY | MAKEUP_WORKDAY
    name: str  # Chinese holiday name ("春节"), the override note, or ""
    source: str  # SOURCE_OVERRIDE | SOURCE_PACKAGE
    region: str = ""

    def to_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "weekday": self.day.isoweekday(),
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "region": self.region,
        }


def _check_date(d, name="date") -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(d).__name__}")
    return d


@functools.cache
def _package_has_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class _Year:
    """Precomputed table for one year."""

    __slots__ = ("year", "first", "flags", "cum", "work", "total", "has_data", "package")

    def __init__(self, year: int, flags: bytearray, has_data: bool, package: bool):
        self.year = year
        self.first = date(year, 1, 1).toordinal()
        self.flags = flags
        self.has_data = has_data
        self.package = package
        cum = array("l", [0]) * (len(flags) + 1)
        work = array("l")
        n = 0
        for i, f in enumerate(flags):
            if f:
                n += 1
                work.append(self.first + i)
            cum[i + 1] = n
        self.cum = cum  # cum[i] = working days among the first i days of the year
        self.work = work  # ordinals of the working days, ascending
        self.total = n


class WorkdayCalendar:
    """Working-day calendar for one jurisdiction (``region`` "" = national only)."""

    def __init__(self, overrides: Iterable[Override] = (), region: str = ""):
        self.region = region or ""
        by_day: dict[date, Override] = {}
        national_years: set[int] = set()
        for o in overrides:
            if not isinstance(o, Override):
                raise TypeError("overrides must be Override instances")
            if o.region and o.region != self.region:
                continue
            if not o.region:
                national_years.add(o.day.year)
            prev = by_day.get(o.day)
            if prev is None or (o.region and not prev.region):
                by_day[o.day] = o
            elif prev.region == o.region and prev.kind != o.kind:
                raise ValueError(
                    f"conflicting overrides for {o.day.isoformat()} "
                    f"(region {o.region or 'national'!r}): {prev.kind} and {o.kind}"
                )
        self._overrides = by_day
        self._override_years = national_years
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    def __repr__(self):
        return f"WorkdayCalendar(region={self.region!r}, overrides={len(self._overrides)})"

    @property
    def overrides(self) -> tuple[Override, ...]:
        """The override rows that apply to this calendar, by day."""
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    # ------------------------------------------------------------------ tables
    def _table(self, year: int) -> _Year:
        t = self._years.get(year)
        if t is None:
            with self._lock:
                t = self._years.get(year)
                if t is None:
                    t = self._build(year)
                    self._years[year] = t
                    if not t.has_data:
                        _pywarnings.warn(
                            CalendarDataMissing(FALLBACK_MESSAGE.format(year=year)), stacklevel=4
                        )
        return t

    def _build(self, year: int) -> _Year:
        if not 1 <= year <= 9999:
            raise ValueError(f"year out of range: {year}")
        package = _package_has_year(year)
        start = date(year, 1, 1)
        ndays = (date(year, 12, 31) - start).days + 1
        flags = bytearray(ndays)
        if package:
            hol, mk = chinese_calendar.holidays, chinese_calendar.workdays
            for i in range(ndays):
                d = start + timedelta(days=i)
                flags[i] = d in mk or (d.weekday() < 5 and d not in hol)
        else:
            wd = start.weekday()
            for i in range(ndays):
                flags[i] = (wd + i) % 7 < 5
        for d, o in self._overrides.items():
            if d.year == year:
                flags[(d - start).days] = o.kind == MAKEUP_WORKDAY
        return _Year(year, flags, package or year in self._override_years, package)

    # ------------------------------------------------------------------ queries
    def has_data(self, year: int) -> bool:
        """True if the year's schedule is known (package or national override rows)."""
        return year in self._override_years or _package_has_year(year)

    def is_workday(self, d: date) -> bool:
        d = _check_date(d)
        t = self._table(d.year)
        return bool(t.flags[d.toordinal() - t.first])

    def source(self, d: date) -> str:
        """Where the answer for ``d`` comes from.

        "override" when an applicable row exists for the day, or when the year is known only
        through administrator rows (the rows are then the year's schedule); "chinese_calendar" for
        package years; "weekday_fallback" (provisional) otherwise.
        """
        d = _check_date(d)
        if d in self._overrides:
            return SOURCE_OVERRIDE
        if _package_has_year(d.year):
            return SOURCE_PACKAGE
        if d.year in self._override_years:
            return SOURCE_OVERRIDE
        return SOURCE_FALLBACK

    def add_workdays(self, day0: date, n: int) -> date:
        """The n-th working day after ``day0``; ``day0`` itself is never counted.

        n == 0 returns ``day0`` unchanged (even on a rest day). n < 0 counts backwards: the |n|-th
        working day before ``day0``. For n > 0 the result r is a working day with
        ``workdays_between(day0, r) == n``.
        """
        day0 = _check_date(day0, "day0")
        if not isinstance(n, int):
            raise TypeError("n must be an int")
        if n == 0:
            return day0
        o = day0.toordinal()
        y = day0.year
        t = self._table(y)
        if n > 0:
            k = t.cum[o - t.first + 1]  # working days of the year up to and including day0
            while k + n > t.total:
                n -= t.total - k
                y += 1
                t = self._table(y)
                k = 0
            return date.fromordinal(t.work[k + n - 1])
        m = -n
        k = t.cum[o - t.first]  # working days of the year strictly before day0
        while k < m:
            m -= k
            y -= 1
            t = self._table(y)
            k = t.total
        return date.fromordinal(t.work[k - m])

    def _upto(self, d: date) -> int:
        """Working days from 1 Jan of d's year up to and including d."""
        t = self._table(d.year)
        return t.cum[d.toordinal() - t.first + 1]

    def workdays_between(self, a: date, b: date) -> int:
        """Number of working days d with a < d <= b.

        If b < a the result is minus the number of working days d with b < d <= a, so
        ``workdays_between(a, b) == -workdays_between(b, a)`` and it is 0 when a == b.
        """
        a = _check_date(a, "a")
        b = _check_date(b, "b")
        if b < a:
            return -self.workdays_between(b, a)
        n = self._upto(b) - self._upto(a)
        for y in range(a.year, b.year):
            n += self._table(y).total
        return n

    def fallback_years(self, a: date, b: date) -> list[int]:
        """Years touched by the span [a, b] (either order) that have no schedule data."""
        a = _check_date(a, "a")
        b = _check_date(b, "b")
        lo, hi = sorted((a.year, b.year))
        return [y for y in range(lo, hi + 1) if not self.has_data(y)]

    def warnings(self, a: date, b: date) -> list[dict]:
        """One warning per year of the span without data: code "calendar_fallback"."""
        return [
            {
                "code": "calendar_fallback",
                "message": FALLBACK_MESSAGE.format(year=y),
                "msgid": FALLBACK_MESSAGE,
                "params": {"year": y},
            }
            for y in self.fallback_years(a, b)
        ]

    def holidays_and_makeups(self, year: int) -> list[CalendarDay]:
        """Every holiday (rest day of a holiday period) and make-up working day of ``year``.

        Package days carry the Chinese holiday name; override rows carry their note and replace
        the package entry of the same day. Days an override turns into ordinary days are dropped
        only if they become the weekday default (e.g. a package holiday overridden to a
        make-up working day is listed as make-up).
        """
        out: dict[date, CalendarDay] = {}
        if _package_has_year(year):
            for d, name in chinese_calendar.holidays.items():
                if d.year == year:
                    out[d] = CalendarDay(
                        d, HOLIDAY, _HOLIDAY_NAMES_ZH.get(name, name), SOURCE_PACKAGE
                    )
            for d, name in chinese_calendar.workdays.items():
                if d.year == year:
                    out[d] = CalendarDay(
                        d, MAKEUP_WORKDAY, _HOLIDAY_NAMES_ZH.get(name, name), SOURCE_PACKAGE
                    )
        for d, o in self._overrides.items():
            if d.year == year:
                name = o.note or (out[d].name if d in out else "")
                out[d] = CalendarDay(d, o.kind, name, SOURCE_OVERRIDE, o.region)
        return [out[d] for d in sorted(out)]

    def year_summary(self, year: int) -> dict:
        """Counts and the data checks of CONVENTIONS.md §7.5 for one year.

        ``checks`` lists problems: a year with holidays but no make-up days is suspicious, and
        more than 6 consecutive working days next to a holiday period goes against Art. 7 of
        《全国年节及纪念日放假办法》 ("except in special cases", so this is a hint, not an error).
        """
        t = self._table(year)
        days = self.holidays_and_makeups(year)
        hol = [c for c in days if c.kind == HOLIDAY]
        mk = [c for c in days if c.kind == MAKEUP_WORKDAY]
        checks = []
        if not t.has_data:
            checks.append(
                {
                    "code": "calendar_fallback",
                    "message": FALLBACK_MESSAGE.format(year=year),
                    "msgid": FALLBACK_MESSAGE,
                    "params": {"year": year},
                }
            )
        elif hol and not mk:
            checks.append(
                {
                    "code": "no_makeup_days",
                    "message": NO_MAKEUP_MESSAGE.format(year=year),
                    "msgid": NO_MAKEUP_MESSAGE,
                    "params": {"year": year},
                }
            )
        # longest run of working days that touches a holiday (rest day that is a weekday or
        # a listed holiday)
        hol_days = {c.day for c in hol}
        run, run_start = 0, None
        for i, f in enumerate(t.flags):
            d = date.fromordinal(t.first + i)
            if f:
                if run == 0:
                    run_start = d
                run += 1
                continue
            if run > 6:
                before = run_start - timedelta(days=1)
                if d in hol_days or before in hol_days:
                    checks.append(
                        {
                            "code": "long_workday_run",
                            "message": LONG_RUN_MESSAGE.format(
                                start=run_start.isoformat(), days=run
                            ),
                            "msgid": LONG_RUN_MESSAGE,
                            "params": {"start": run_start.isoformat(), "days": run},
                        }
                    )
            run = 0
        return {
            "year": year,
            "region": self.region,
            "has_data": t.has_data,
            "source": (
                SOURCE_PACKAGE
                if t.package
                else SOURCE_OVERRIDE
                if year in self._override_years
                else SOURCE_FALLBACK
            ),
            "workdays": t.total,
            "holidays": len(hol),
            "makeup_workdays": len(mk),
            "checks": checks,
        }


# ---------------------------------------------------------------------- default calendar
_default_calendars: dict[str, WorkdayCalendar] = {}
_provider: Callable[[str], WorkdayCalendar] | None = None


def _builtin_provider(region: str) -> WorkdayCalendar:
    cal = _default_calendars.get(region)
    if cal is None:
        cal = _default_calendars.setdefault(region, WorkdayCalendar(region=region))
    return cal


def set_default_calendar_provider(provider: Callable[[str], WorkdayCalendar] | None) -> None:
    """Install ``provider(region) -> WorkdayCalendar`` behind the module-level functions.

    The Django layer uses this to add the administrator's override rows. The provider is called
    on every module-level call, so it should return a cached calendar (and build a new one only
    when the rows change: a calendar caches its year tables). ``None`` restores the built-in
    package-only calendar.
    """
    global _provider
    _provider = provider


def get_default_calendar_provider() -> Callable[[str], WorkdayCalendar] | None:
    """The installed provider (None = built-in), e.g. to restore it after a test."""
    return _provider


def default_calendar(region: str = "") -> WorkdayCalendar:
    """The calendar the module-level functions use."""
    return (_provider or _builtin_provider)(region)


def is_workday(d: date, region: str = "") -> bool:
    return default_calendar(region).is_workday(d)


def add_workdays(day0: date, n: int, region: str = "") -> date:
    return default_calendar(region).add_workdays(day0, n)


def workdays_between(a: date, b: date, region: str = "") -> int:
    return default_calendar(region).workdays_between(a, b)
