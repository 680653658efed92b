"""The tracking page's legal clock in words follows the case's events."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gongkai.inforequests import services
from gongkai.inforequests.public_views import _clock_words

from .conftest import PERSON

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _words(req):
    req.refresh_from_db()
    return "".join(_clock_words(req, services.compute_state(req)))


def _case(edu, users, channel="in_person", day=None):
    req, _code = services.submit(
        edu,
        channel=channel,
        actor=users["clerk"],
        applicant_type="natural",
        applicant=dict(PERSON),
        description="青山市2025年教育经费决算",
        form_requested="electronic",
        delivery="email",
        submitted_at=day,
    )
    return req


def test_running_clock_extension_amendment_and_reply(edu, users):
    req = _case(edu, users)
    w = _words(req)
    assert "法定答复期限" in w and "已用0个工作日，剩余20个工作日" in w
    services.request_amendment(req, users["clerk"], items="请写明年份")
    w = _words(req)
    assert "答复期限暂停计算" in w and "法定答复期限" not in w
    services.record_amendment(req, users["clerk"])
    services.grant_extension(req, users["head"], workdays=5, reason="数量较多")
    w = _words(req)
    assert "经批准延长5个工作日" in w
    services.reply(req, users["clerk"], outcome="disclosed")
    w = _words(req)
    assert "作出答复" in w and "法定答复期限" not in w


def test_overdue_case(edu, users):
    req = _case(edu, users, day=datetime(2025, 6, 3, 10, tzinfo=TZ))
    w = _words(req)
    assert "2025年7月1日前" in w and "已超过答复期限" in w


def test_online_case_waits_for_confirmation(edu, users):
    req, _code = services.submit(
        edu,
        channel="online",
        applicant_type="natural",
        applicant=dict(PERSON),
        description="青山市2025年教育经费决算",
        form_requested="electronic",
        delivery="email",
    )
    assert "等待本机关确认收到" in _words(req)
