"""Public (portal) pages of the inforequests app: the deadline calculator for applicants."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from gongkai.rules import deadlines

from .selectors import clock_words

MAX_EVENT_ROWS = 8


def _calendar():
    from gongkai.workcalendar.services import calendar_for

    return calendar_for("")


def compute_state_from_strings(received: str, events: list[str], as_of: str | None):
    """Like deadlines.compute_from_cli_args, but returns the ClockState (national calendar)."""
    return deadlines.compute_clock(
        deadlines._parse_date(received, "收到申请之日"),
        [deadlines.parse_event(e) for e in events],
        deadlines._parse_date(as_of, "计算日期") if as_of else None,
        calendar=_calendar(),
    )


def deadline_calculator(request):
    """答复期限计算器: the same clock the agencies use (gongkai.rules.deadlines)."""
    g = request.GET
    received = (g.get("received") or "").strip()
    as_of = (g.get("as_of") or "").strip() or None
    rows = []
    events = []
    for i in range(MAX_EVENT_ROWS):
        kind = (g.get(f"kind{i}") or "").strip()
        on = (g.get(f"on{i}") or "").strip()
        extra = (g.get(f"extra{i}") or "").strip()
        rows.append({"i": i, "kind": kind, "on": on, "extra": extra})
        if kind and on:
            events.append(f"{kind}:{on}" + (f":{extra}" if extra else ""))
        elif kind or on or extra:
            rows[-1]["error"] = _("请同时选择事件类型和日期")
    # Show a few empty rows, more once they are used.
    used = max([r["i"] for r in rows if r["kind"] or r["on"]] + [-1])
    rows = rows[: max(3, min(MAX_EVENT_ROWS, used + 2))]
    result = error = None
    if received:
        if any(r.get("error") for r in rows):
            error = _("计时事件填写不完整")
        else:
            try:
                state = compute_state_from_strings(received, events, as_of)
                result = state.to_dict()
                result["words"] = clock_words(state)
            except deadlines.ClockError as e:
                error = e.message
    return render(
        request,
        "inforequests/deadline_calculator.html",
        {
            "received": received,
            "as_of": as_of or "",
            "rows": rows,
            "kinds": [(k, deadlines.KIND_LABELS[k]) for k in deadlines.EVENT_KINDS],
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )
