"""Tests for gongkai.rules.deadlines: worked examples, errors, and a day-by-day oracle."""

import json
import re
from bisect import bisect_right
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.rules import workdays as wdmod
from gongkai.rules.deadlines import (
    ClockConventions,
    ClockError,
    ClockEvent,
    compute_clock,
    compute_from_cli_args,
    parse_event,
    publication_due_on,
)
from gongkai.rules.workdays import HOLIDAY, Override, WorkdayCalendar

CAL = WorkdayCalendar()
D = date.fromisoformat


@pytest.fixture(autouse=True)
def builtin_calendar():
    """Pure-rule tests use the package-only calendar, whatever provider Django installed."""
    saved = wdmod.get_default_calendar_provider()
    wdmod.set_default_calendar_provider(None)
    yield
    wdmod.set_default_calendar_provider(saved)


def ev(kind, on, **kw):
    return ClockEvent(kind, D(on), **kw)


def oracle_is_workday(d):
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


def oracle_add(d, n):
    while n:
        d += timedelta(days=1)
        n -= oracle_is_workday(d)
    return d


def oracle_due(start, allowance, spans):
    """Walk day by day; a day counts if it is a working day outside every (s, e] span."""
    d, used = start, 0
    while used < allowance:
        d += timedelta(days=1)
        if oracle_is_workday(d) and not any(s < d <= e for s, e in spans):
            used += 1
    return d


def oracle_used(start, as_of, spans):
    n, d = 0, start
    while d < as_of:
        d += timedelta(days=1)
        n += oracle_is_workday(d) and not any(s < d <= e for s, e in spans)
    return n


# ---------------------------------------------------------------- RULES.md §I worked examples
def test_worked_example_2025_01_24():
    s = compute_clock(D("2025-01-24"), [], as_of=D("2025-01-24"), calendar=CAL)
    assert s.amendment_due_on == D("2025-02-10")
    assert s.due_on == D("2025-02-27")
    assert (s.workdays_used, s.workdays_left, s.status) == (0, 20, "running")
    s = compute_clock(
        D("2025-01-24"), [ev("extension_granted", "2025-02-20", workdays=20)], D("2025-03-01"), CAL
    )
    assert s.due_on == D("2025-03-27")
    assert s.base_due_on == D("2025-02-27")
    assert s.extension_workdays_available == 0 and s.extension_deadline is None


@pytest.mark.parametrize(
    "received,due",
    [("2025-09-26", "2025-10-30"), ("2026-02-10", "2026-03-16"), ("2026-09-18", "2026-10-22")],
)
def test_worked_examples_20wd(received, due):
    s = compute_clock(D(received), [], as_of=D(received), calendar=CAL)
    assert s.due_on == D(due)
    assert s.legal_basis == ["《政府信息公开条例》第三十三条"]
    assert not s.due_on_provisional


def test_every_receipt_day_2019_2026():
    """Exhaustive: due date of every receipt day against a list of working days."""
    days, d = [], date(2018, 12, 1)
    while d <= date(2027, 6, 30):
        if oracle_is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    d = date(2019, 1, 1)
    while d <= date(2026, 12, 31):
        s = compute_clock(d, [], as_of=d, calendar=CAL)
        n = 15 if d < date(2019, 5, 15) else 20
        i = bisect_right(days, d)
        assert s.due_on == days[i + n - 1], d
        assert s.amendment_due_on == days[i + 6], d
        d += timedelta(days=1)


def test_legacy_case_uses_15_plus_15():
    s = compute_clock(D("2019-05-14"), [], as_of=D("2019-05-14"), calendar=CAL)
    assert s.legacy and s.reply_workdays == 15 and s.extension_workdays_available == 15
    assert "2007" in s.legal_basis[0]
    with pytest.raises(ClockError, match="15"):
        compute_clock(
            D("2019-05-14"),
            [ev("extension_granted", "2019-05-20", workdays=16)],
            D("2019-06-01"),
            CAL,
        )
    assert not compute_clock(D("2019-05-15"), [], D("2019-05-15"), CAL).legacy


# ---------------------------------------------------------------- amendment (补正, Art. 30)
def test_amendment_pauses_and_restarts():
    evs = [ev("amendment_requested", "2025-06-06")]
    s = compute_clock(D("2025-06-03"), evs, D("2025-06-10"), CAL)
    assert s.status == "awaiting_amendment" and s.paused and s.due_on is None
    assert s.amendment_respond_by == CAL.add_workdays(D("2025-06-06"), 15)
    assert s.workdays_used == 3  # 4, 5, 6 June
    evs.append(ev("amendment_received", "2025-06-16"))
    s = compute_clock(D("2025-06-03"), evs, D("2025-06-20"), CAL)
    assert s.start_on == D("2025-06-16")
    assert s.due_on == CAL.add_workdays(D("2025-06-16"), 20) == D("2025-07-14")
    assert s.workdays_used == 4 and not s.paused
    assert s.paused_spans[0].kind == "amendment" and s.paused_spans[0].end == D("2025-06-16")
    assert "《政府信息公开条例》第三十条" in s.legal_basis


def test_amendment_lapse_and_respond_by():
    evs = [ev("amendment_requested", "2025-06-06", respond_by=D("2025-06-20"))]
    s = compute_clock(D("2025-06-03"), evs, D("2025-06-20"), CAL)
    assert s.lapsed is None and s.status == "awaiting_amendment"
    s = compute_clock(D("2025-06-03"), evs, D("2025-06-23"), CAL)
    assert s.lapsed == "no_amendment" and s.status == "lapsed"
    assert s.to_dict()["lapsed_label"].startswith("逾期不补正")


def test_late_amendment_request_warns_or_refuses():
    evs = [ev("amendment_requested", "2025-02-11")]  # limit is 2025-02-10
    s = compute_clock(D("2025-01-24"), evs, D("2025-02-12"), CAL)
    assert [w["code"] for w in s.warnings] == ["amendment_request_late"]
    assert "2025年2月10日" in s.warnings[0]["message"]
    strict = ClockConventions(refuse_late_amendment_request=True)
    with pytest.raises(ClockError, match="第三十条"):
        compute_clock(D("2025-01-24"), evs, D("2025-02-12"), CAL, strict)
    ok = compute_clock(
        D("2025-01-24"), [ev("amendment_requested", "2025-02-10")], D("2025-02-12"), CAL, strict
    )
    assert ok.warnings == [] and ok.status == "awaiting_amendment"


def test_late_amendment_answer_warns_and_restarts():
    evs = [
        ev("amendment_requested", "2025-06-04", respond_by=D("2025-06-10")),
        ev("amendment_received", "2025-06-12"),
    ]
    s = compute_clock(D("2025-06-03"), evs, D("2025-06-12"), CAL)
    assert "amendment_late" in [w["code"] for w in s.warnings]
    assert s.due_on == CAL.add_workdays(D("2025-06-12"), 20) and s.lapsed is None


# ---------------------------------------------------------------- consultation (Arts. 32, 34)
def test_consultation_pause_answered_and_expired():
    r = D("2025-06-03")
    evs = [ev("consultation_started", "2025-06-10")]
    s = compute_clock(r, evs, D("2025-06-20"), CAL)
    assert s.status == "consultation" and s.paused
    assert s.consultation_reply_due == D("2025-07-01")
    assert s.due_on == D("2025-07-22") and s.due_on_provisional
    assert s.workdays_used == 5
    # answered on 2025-06-13: excluded (10 Jun, 13 Jun] = 11, 12, 13 → due moves 3 WD later than 20
    s = compute_clock(r, [*evs, ev("consultation_answered", "2025-06-13")], D("2025-06-20"), CAL)
    assert s.due_on == CAL.add_workdays(CAL.add_workdays(r, 20), 3)
    assert not s.paused and not s.due_on_provisional
    # never answered: the pause ends by itself when the 15 WD run out
    s = compute_clock(r, evs, D("2025-07-10"), CAL)
    assert not s.paused and s.due_on == D("2025-07-22")
    assert s.paused_spans[0].end == D("2025-07-01") and not s.paused_spans[0].open
    # answered after the limit: pause still ends at the limit
    s = compute_clock(r, [*evs, ev("consultation_answered", "2025-07-04")], D("2025-07-10"), CAL)
    assert s.due_on == D("2025-07-22")
    assert "consultation_answer_late" in [w["code"] for w in s.warnings]


def test_consultation_pause_from_received_convention():
    r = D("2025-06-03")
    evs = [
        ev("consultation_started", "2025-06-10", delivered_on=D("2025-06-12")),
        ev("consultation_answered", "2025-06-16"),
    ]
    sent = compute_clock(r, evs, D("2025-06-20"), CAL)
    recv = compute_clock(
        r, evs, D("2025-06-20"), CAL, ClockConventions(consultation_pause_from="received")
    )
    assert sent.due_on == CAL.add_workdays(CAL.add_workdays(r, 20), 4)  # 11, 12, 13, 16
    assert recv.due_on == CAL.add_workdays(CAL.add_workdays(r, 20), 2)  # 13, 16


def test_two_consultations_paired_by_ref():
    r = D("2025-06-03")
    evs = [
        ev("consultation_started", "2025-06-05", ref="A"),
        ev("consultation_started", "2025-06-09", ref="B"),
        ev("consultation_answered", "2025-06-11", ref="B"),
        ev("consultation_answered", "2025-06-17", ref="A"),
    ]
    s = compute_clock(r, evs, D("2025-06-30"), CAL)
    spans = [(D("2025-06-05"), D("2025-06-17")), (D("2025-06-09"), D("2025-06-11"))]
    assert s.due_on == oracle_due(r, 20, spans)


# ---------------------------------------------------------------- fee notice (F7)
def test_fee_notice_pause_paid_and_lapsed():
    r = D("2025-06-03")
    evs = [ev("fee_notice_sent", "2025-06-10", delivered_on=D("2025-06-11"))]
    s = compute_clock(r, evs, D("2025-06-20"), CAL)
    assert s.status == "awaiting_fee" and s.fee_payment_due_on == CAL.add_workdays(
        D("2025-06-11"), 20
    )
    paid = compute_clock(r, [*evs, ev("fee_paid", "2025-06-18")], D("2025-06-20"), CAL)
    assert paid.due_on == oracle_due(r, 20, [(D("2025-06-10"), D("2025-06-18"))])
    assert paid.status == "running"
    s = compute_clock(r, evs, s.fee_payment_due_on + timedelta(days=1), CAL)
    assert s.lapsed == "fee_unpaid" and s.status == "lapsed" and not s.overdue
    assert s.workdays_used == 5  # frozen while waiting
    nopause = compute_clock(r, evs, D("2025-06-20"), CAL, ClockConventions(fee_notice_pauses=False))
    assert nopause.due_on == CAL.add_workdays(r, 20)


# ---------------------------------------------------------------- extension, Art. 35, reply
def test_extension_rules():
    r = D("2025-01-24")
    with pytest.raises(ClockError, match="不得超过20个工作日"):
        compute_clock(r, [ev("extension_granted", "2025-02-20", workdays=25)], D("2025-03-01"), CAL)
    with pytest.raises(ClockError, match="不得超过20个工作日"):
        compute_clock(
            r,
            [
                ev("extension_granted", "2025-02-20", workdays=15),
                ev("extension_granted", "2025-03-10", workdays=10),
            ],
            D("2025-04-01"),
            CAL,
        )
    late = [ev("extension_granted", "2025-02-28", workdays=10)]
    s = compute_clock(r, late, D("2025-03-01"), CAL)
    assert "extension_late" in [w["code"] for w in s.warnings]
    with pytest.raises(ClockError, match="期限届满前"):
        compute_clock(r, late, D("2025-03-01"), CAL, ClockConventions(refuse_late_extension=True))
    # granted on the due day itself is in time
    s = compute_clock(r, [ev("extension_granted", "2025-02-27", workdays=5)], D("2025-03-01"), CAL)
    assert s.warnings == [] and s.due_on == CAL.add_workdays(D("2025-02-27"), 5)


def test_custom_due_date_art35_and_overdue():
    r = D("2025-01-24")
    evs = [ev("custom_due_date", "2025-02-10", due_on=D("2025-04-30"))]
    s = compute_clock(r, evs, D("2025-04-01"), CAL)
    assert s.due_on == D("2025-04-30") and s.custom_due_on == D("2025-04-30")
    assert s.workdays_left == CAL.workdays_between(D("2025-04-01"), D("2025-04-30"))
    assert "《政府信息公开条例》第三十五条" in s.legal_basis
    s = compute_clock(r, evs, D("2025-05-06"), CAL)
    assert s.overdue and s.status == "overdue"
    assert s.overdue_workdays == CAL.workdays_between(D("2025-04-30"), D("2025-05-06"))


def test_overdue_and_reply():
    r = D("2025-01-24")
    s = compute_clock(r, [], D("2025-03-03"), CAL)
    assert s.overdue and s.status == "overdue" and s.workdays_left == 0
    assert s.overdue_workdays == 2  # 28 Feb, 3 Mar
    s = compute_clock(r, [ev("replied", "2025-02-26")], D("2025-03-03"), CAL)
    assert s.status == "replied" and not s.overdue and s.replied_late is False
    s = compute_clock(r, [ev("replied", "2025-02-28")], D("2025-03-03"), CAL)
    assert s.replied_late is True and s.overdue_workdays == 1
    s = compute_clock(
        r,
        [ev("replied", "2025-02-26"), ev("consultation_started", "2025-02-27")],
        D("2025-03-03"),
        CAL,
    )
    assert [w["code"] for w in s.warnings] == ["event_after_reply"]


def test_pause_starting_on_or_after_due_does_not_move_it():
    r = D("2025-01-24")
    for start in ("2025-02-27", "2025-03-03"):
        s = compute_clock(r, [ev("consultation_started", start)], D("2025-03-04"), CAL)
        assert s.due_on == D("2025-02-27"), start
        assert "pause_after_due" in [w["code"] for w in s.warnings]
    # one day earlier it does pause: 27 Feb is then excluded
    s = compute_clock(
        r,
        [ev("consultation_started", "2025-02-26"), ev("consultation_answered", "2025-02-27")],
        D("2025-03-04"),
        CAL,
    )
    assert s.due_on == D("2025-02-28") and s.warnings == []


def test_events_after_as_of_are_ignored():
    r = D("2025-01-24")
    evs = [ev("consultation_started", "2025-02-05")]
    assert compute_clock(r, evs, D("2025-02-04"), CAL).due_on == D("2025-02-27")
    assert compute_clock(r, evs, D("2025-02-05"), CAL).paused


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "events,match",
    [
        ([ev("amendment_received", "2025-06-05"), ev("amendment_requested", "2025-06-06")], "补正"),
        ([ev("consultation_answered", "2025-06-10")], "没有进行中的征求意见"),
        ([ev("extension_granted", "2025-06-10", workdays=25)], "不得超过"),
        ([ev("extension_granted", "2025-06-10", workdays=0)], "正整数"),
        ([ev("consultation_started", "2025-06-01")], "早于收到申请之日"),
        ([ev("fee_paid", "2025-06-10")], "没有待缴费"),
        (
            [
                ev("amendment_requested", "2025-06-04"),
                ev("extension_granted", "2025-06-05", workdays=5),
            ],
            "等待申请人补正",
        ),
        ([ev("custom_due_date", "2025-06-10")], "答复日期"),
        ([ev("custom_due_date", "2025-06-10", due_on=D("2025-06-09"))], "早于"),
        ([ClockEvent("cancelled", D("2025-06-10"))], "未知"),
        ([ev("fee_notice_sent", "2025-06-04"), ev("fee_notice_sent", "2025-06-05")], "尚未缴费"),
    ],
)
def test_event_errors(events, match):
    with pytest.raises(ClockError, match=match):
        compute_clock(D("2025-06-03"), events, D("2025-07-30"), CAL)


# ---------------------------------------------------------------- calendar fallback
def test_fallback_year_marks_due_date_provisional():
    s = compute_clock(D("2026-12-20"), [], D("2026-12-21"), CAL)
    assert s.calendar_provisional and s.due_on_provisional
    assert s.warnings[0]["code"] == "calendar_fallback" and s.warnings[0]["params"]["year"] == 2027
    cal = WorkdayCalendar([Override(D("2027-01-01"), HOLIDAY)])
    s2 = compute_clock(D("2026-12-20"), [], D("2026-12-21"), cal)
    assert not s2.calendar_provisional
    assert s2.due_on == cal.add_workdays(D("2026-12-20"), 20)
    assert s2.due_on > s.due_on  # the 2027 New Year holiday pushes it one working day


def test_publication_due_on():
    assert publication_due_on(D("2025-01-24"), CAL) == D("2025-02-27")


# ---------------------------------------------------------------- CLI helper
def test_cli_helper_roundtrip():
    out = compute_from_cli_args(
        "2025-06-03",
        [
            "amendment_requested:2025-06-06",
            "amendment_received:2025-06-16",
            "extension_granted:2025-07-01:20",
            "consultation_started:2025-07-02:ref=x",
            "consultation_answered:2025-07-04:x",
        ],
        "2025-07-10",
    )
    json.dumps(out, ensure_ascii=False)
    for key in ("due_on", "workdays_used", "workdays_left", "paused", "warnings"):
        assert key in out
    expected = oracle_due(D("2025-06-16"), 40, [(D("2025-07-02"), D("2025-07-04"))])
    assert out["due_on"] == expected.isoformat()
    assert out["paused"] is False and out["start_on"] == "2025-06-16"


@pytest.mark.parametrize(
    "text,match",
    [
        ("extension_granted:2025-09-05", "工作日数"),
        ("extension_granted:2025-09-05:abc", "整数"),
        ("nonsense:2025-09-05", "未知"),
        ("replied", "格式"),
        ("replied:2025-13-01", "无法识别的日期"),
        ("replied:2025-09-05:7", "不需要附加值"),
        ("custom_due_date:2025-09-05", "日期"),
    ],
)
def test_parse_event_errors(text, match):
    with pytest.raises(ClockError, match=match):
        parse_event(text)


def test_cli_bad_received():
    with pytest.raises(ClockError, match="无法识别的日期"):
        compute_from_cli_args("2025/06/03", [])


def test_event_from_dict():
    s = compute_clock(
        D("2025-01-24"),
        [{"kind": "extension_granted", "date": "2025-02-20", "workdays": 20}],
        D("2025-03-01"),
        CAL,
    )
    assert s.due_on == D("2025-03-27")
    with pytest.raises(ClockError, match="无法识别的字段"):
        compute_clock(D("2025-01-24"), [{"kind": "replied", "on": "2025-02-01", "x": 1}], None, CAL)


# ---------------------------------------------------------------- property test vs oracle
@st.composite
def scenarios(draw):
    r = draw(st.dates(min_value=date(2019, 5, 15), max_value=date(2026, 10, 31)))
    events, spans = [], []
    start = r
    if draw(st.booleans()):
        req = r + timedelta(days=draw(st.integers(0, 12)))
        got = req + timedelta(days=draw(st.integers(0, 30)))
        events += [ClockEvent("amendment_requested", req), ClockEvent("amendment_received", got)]
        start = got
    allowance = 20
    if draw(st.booleans()):
        n = draw(st.integers(1, 20))
        events.append(
            ClockEvent(
                "extension_granted", start + timedelta(days=draw(st.integers(0, 25))), workdays=n
            )
        )
        allowance += n
    for i in range(draw(st.integers(0, 2))):
        s = start + timedelta(days=draw(st.integers(0, 40)))
        limit = oracle_add(s, 15)
        ans = draw(st.none() | st.integers(0, 40))
        events.append(ClockEvent("consultation_started", s, ref=f"c{i}"))
        if ans is None:
            spans.append((s, limit))
        else:
            a = s + timedelta(days=ans)
            events.append(ClockEvent("consultation_answered", a, ref=f"c{i}"))
            spans.append((s, min(a, limit)))
    if draw(st.booleans()):
        s = start + timedelta(days=draw(st.integers(0, 30)))
        p = s + timedelta(days=draw(st.integers(0, 25)))
        events += [ClockEvent("fee_notice_sent", s), ClockEvent("fee_paid", p)]
        spans.append((s, p))
    order = draw(st.permutations(range(len(events))))
    return r, start, allowance, [events[i] for i in order], spans


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(0, 200))
def test_clock_matches_day_by_day_oracle(sc, extra):
    r, start, allowance, events, spans = sc
    last = max([e.on for e in events] + [r])
    as_of = last + timedelta(days=extra)
    s = compute_clock(r, events, as_of, CAL)
    assert s.start_on == start
    assert s.allowance_workdays == allowance
    assert s.due_on == oracle_due(start, allowance, spans)
    assert s.workdays_used == oracle_used(start, as_of, spans)
    assert s.overdue == (as_of > s.due_on)
    assert s.workdays_left == max(0, allowance - s.workdays_used)


def test_conventions_from_mapping():
    c = ClockConventions.from_mapping({"fee_notice_pauses": False, "legacy_before": "2019-05-15"})
    assert c.fee_notice_pauses is False and c.legacy_before == D("2019-05-15")
    assert ClockConventions.from_mapping(None) == ClockConventions()
    with pytest.raises(ValueError, match="unknown"):
        ClockConventions.from_mapping({"reply_days": 20})
    with pytest.raises(ValueError):
        ClockConventions(consultation_pause_from="answered")


def test_count_receipt_day_convention():
    c = ClockConventions(count_receipt_day=True)
    # Fri 2025-01-24 counts as day 1 → 19 more working days
    assert compute_clock(D("2025-01-24"), [], D("2025-01-24"), CAL, c).due_on == CAL.add_workdays(
        D("2025-01-24"), 19
    )


_KINDS = [
    "amendment_requested",
    "amendment_received",
    "extension_granted",
    "consultation_started",
    "consultation_answered",
    "fee_notice_sent",
    "fee_paid",
    "custom_due_date",
    "replied",
]
_some_date = st.dates(min_value=date(2025, 5, 1), max_value=date(2025, 9, 30))
_junk = st.none() | _some_date | st.integers(-5, 30) | st.text(max_size=3)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            ClockEvent,
            kind=st.sampled_from(_KINDS),
            on=_some_date,
            workdays=st.none() | st.integers(-2, 25),
            due_on=st.none() | _some_date,
            respond_by=st.none() | _some_date,
            delivered_on=st.none() | _some_date,
            ref=st.sampled_from(["", "a", "b"]),
        ),
        max_size=8,
    ),
    _some_date,
    _junk,
)
def test_arbitrary_events_give_a_state_or_a_clock_error(events, as_of, junk):
    """Fuzz: any input either raises ClockError (Chinese message) or yields a sane state."""
    if events and junk is not None:
        events[0] = ClockEvent(events[0].kind, events[0].on, delivered_on=junk, respond_by=junk)
    try:
        s = compute_clock(D("2025-06-02"), events, as_of, CAL)
    except ClockError as e:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e))
        assert _chinese(e.as_notice()) == e.message
        return
    for w in s.warnings:
        assert _chinese(w) == w["message"], w
    assert s.workdays_used >= 0 and s.workdays_left >= 0
    assert s.paused == (s.pause_reason is not None)
    # no due date exactly while a 补正 is outstanding
    assert (s.due_on is None) == (s.amendment_respond_by is not None)
    assert s.status in ("replied", "lapsed", "awaiting_amendment") or s.due_on is not None
    if s.due_on:
        assert s.due_on > s.start_on
    json.dumps(s.to_dict(), ensure_ascii=False)


def _chinese(notice):
    """A notice's msgid filled the way the message was: ISO dates as 2025年6月2日."""
    assert notice["msgid"], notice
    params = {
        k: (lambda d: f"{d.year}年{d.month}月{d.day}日")(date.fromisoformat(v))
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)
        else v
        for k, v in notice["params"].items()
    }
    return notice["msgid"].format(**params)


def test_warnings_and_errors_carry_a_msgid_and_their_fields():
    s = compute_clock(
        D("2025-06-03"),
        [ClockEvent("extension_granted", D("2025-07-10"), workdays=10)],
        D("2025-07-15"),
        CAL,
    )
    (w,) = s.warnings
    assert w["code"] == "extension_late"
    assert w["msgid"] == "延期（{on}）晚于答复期限（{due_on}），应在期限届满前批准并告知申请人"
    assert w["params"] == {"on": "2025-07-10", "due_on": "2025-07-01"}
    assert (
        w["message"]
        == "延期（2025年7月10日）晚于答复期限（2025年7月1日），应在期限届满前批准并告知申请人"
    )
    with pytest.raises(ClockError) as exc:
        compute_clock(D("2025-06-03"), [ClockEvent("fee_paid", D("2025-06-10"))], None, CAL)
    assert exc.value.code == "payment_without_notice"
    assert exc.value.params == {"on": "2025-06-10"}
    assert str(exc.value) == "登记了缴费（2025年6月10日），但没有待缴费的收费通知"
    with pytest.raises(ClockError) as exc:
        compute_from_cli_args("2025-06-03", ["extension_granted:2025-06-10:x"])
    assert exc.value.message == "“x”不是整数（workdays）"
