"""Throughput of the legal clock (pure Python, no database). Prints figures; asserts nothing.

python bench/bench_clock.py [seconds-per-case]
"""

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.rules.deadlines import ClockEvent, compute_clock
from gongkai.rules.fees import per_item_fee, per_page_fee
from gongkai.rules.workdays import WorkdayCalendar


def rate(fn, seconds):
    n, t0 = 0, time.perf_counter()
    while True:
        for _ in range(1000):
            fn()
        n += 1000
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return n / dt


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rnd = random.Random(1)
    cal = WorkdayCalendar()
    days = [date(2019, 5, 15) + timedelta(days=i) for i in range(2700)]
    t0 = time.perf_counter()
    for y in range(2019, 2028):
        cal.is_workday(date(y, 1, 1))
    print(f"build year tables 2019–2027: {(time.perf_counter() - t0) * 1000:.1f} ms")

    it = iter(lambda: rnd.choice(days), None)
    cases = {
        "add_workdays(d, 20)": lambda: cal.add_workdays(next(it), 20),
        "add_workdays(d, 250)": lambda: cal.add_workdays(next(it), 250),
        "workdays_between(d, d+60)": lambda: (
            lambda d: cal.workdays_between(d, d + timedelta(days=60))
        )(next(it)),
        "is_workday(d)": lambda: cal.is_workday(next(it)),
    }

    def plain():
        d = next(it)
        return compute_clock(d, (), d + timedelta(days=10), cal)

    def busy():
        d = next(it)
        evs = (
            ClockEvent("amendment_requested", d + timedelta(days=2)),
            ClockEvent("amendment_received", d + timedelta(days=9)),
            ClockEvent("consultation_started", d + timedelta(days=12)),
            ClockEvent("consultation_answered", d + timedelta(days=20)),
            ClockEvent("extension_granted", d + timedelta(days=30), workdays=20),
        )
        return compute_clock(d, evs, d + timedelta(days=40), cal)

    cases["compute_clock, no events"] = plain
    cases["compute_clock, 5 events"] = busy
    cases["per_item_fee(25, 20)"] = lambda: per_item_fee(25, 20)
    cases["per_page_fee(250)"] = lambda: per_page_fee(250)
    for name, fn in cases.items():
        print(f"{name:32s} {rate(fn, seconds):>12,.0f} /s")


if __name__ == "__main__":
    main()
