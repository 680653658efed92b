"""Random sequences of staff actions: whatever is accepted or refused, the stored case stays
consistent with its events, and refused actions leave no trace."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.inforequests import services

TODAY = date(2025, 12, 31)

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "confirm",
                "amend_req",
                "amend_recv",
                "consult",
                "answer",
                "extend",
                "fee",
                "pay",
                "reply",
                "close",
                "custom",
            ]  # fmt: skip
        ),
        st.integers(0, 12),  # working days after the previous action
        st.integers(1, 25),  # a size (extension length, pages …)
    ),
    max_size=8,
)


def _do(name, req, clerk, head, day, size, cal):
    s = services
    if name == "confirm":
        s.confirm_receipt(req, clerk, on=day)
    elif name == "amend_req":
        s.request_amendment(req, clerk, on=day, items="请补正")
    elif name == "amend_recv":
        s.record_amendment(req, clerk, on=day)
    elif name == "consult":
        s.start_consultation(req, clerk, on=day, party="某公司")
    elif name == "answer":
        s.answer_consultation(req, clerk, on=day, opinion="agree")
    elif name == "extend":
        s.grant_extension(req, head, on=day, workdays=size, reason="需要")
    elif name == "fee":
        s.issue_fee_notice(req, clerk, on=day, method="per_page", pages=30 + size * 10)
    elif name == "pay":
        s.record_payment(req, clerk, on=day)
    elif name == "reply":
        s.reply(req, clerk, on=day, outcome="unavailable.not_held", reasons="经检索未找到")
    elif name == "close":
        s.close(req, clerk, on=day)
    elif name == "custom":
        due = cal.add_workdays(day, 30)
        s.set_custom_due_date(req, head, on=day, due_on=due, reason="数量过大")


def _derived(req):
    return (req.received_on, req.status, req.due_on, req.outcome, req.replied_on, req.closed_on)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS, online=st.booleans())
def test_random_action_sequences_keep_the_case_consistent(make_case, users, today, actions,
                                                          online):  # fmt: skip
    today(TODAY)
    clerk, head = users["clerk"], users["head"]
    req = make_case(actor=None if online else "clerk", channel="online" if online else "in_person",
                    day="2025-03-03")  # fmt: skip
    cal = services._calendar(req.agency)
    day = date(2025, 3, 3)
    for name, gap, size in actions:
        day = min(cal.add_workdays(day, gap), TODAY)
        before = req.events.count()
        try:
            _do(name, req, clerk, head, day, size, cal)
            accepted = True
        except ValidationError:
            accepted = False
        req.refresh_from_db()
        assert req.events.count() == before + int(accepted), name
        # Invariants of the derived columns.
        replied = req.status in ("replied", "closed")
        assert (req.replied_on is not None) == replied == (req.outcome is not None)
        assert (req.closed_on is not None) == (req.status == "closed")
        if req.status in ("to_confirm", "awaiting_amendment"):
            assert req.due_on is None
        elif req.status in ("in_progress", "consultation", "awaiting_fee"):
            assert req.due_on is not None  # (a reply during a 补正 wait has no due date)
        assert (req.received_on is None) == (req.status == "to_confirm")
        # Stored columns equal a fresh derivation from the events.
        stored = _derived(req)
        services.recompute(req, save=False)
        assert _derived(req) == stored
