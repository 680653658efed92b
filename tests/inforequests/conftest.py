from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")

PERSON = {
    "name": "张三",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "phone": "13800000000",
    "email": "zhang@example.com",
    "address": "示例省青山市幸福路1号",
}


def at(day: str, hour: int = 10) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    U = get_user_model()
    return {u.username: u for u in U.objects.all()}


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


@pytest.fixture
def make_case(edu, users):
    from gongkai.inforequests import services

    def _make(agency=None, actor="clerk", channel="in_person", day="2025-06-03", **kw):
        kw.setdefault("applicant_type", "natural")
        kw.setdefault("applicant", dict(PERSON))
        kw.setdefault("description", "2025年青山市义务教育阶段学校招生计划")
        kw.setdefault("form_requested", "electronic")
        kw.setdefault("delivery", "email")
        req, code = services.submit(
            agency or edu,
            channel=channel,
            actor=users[actor] if actor else None,
            submitted_at=at(day),
            **kw,
        )
        req.refresh_from_db()
        req.raw_code = code
        return req

    return _make


@pytest.fixture
def today(monkeypatch):
    """Freeze "today" for services and selectors: today(date) sets it, returns the date."""
    from django.utils import timezone

    from gongkai.inforequests import services

    def _set(d):
        monkeypatch.setattr(services, "_today", lambda: d)
        monkeypatch.setattr(timezone, "localdate", _fake_localdate(d))
        return d

    return _set


def _fake_localdate(d):
    from django.utils import timezone

    real = timezone.localtime

    def localdate(value=None, timezone=None):
        if value is None:
            return d
        return real(value, timezone).date()

    return localdate


@pytest.fixture(autouse=True)
def _no_letters(request):
    """DOCX+PDF rendering takes ~0.3 s per letter: off unless a test asks for ``letters_on``."""
    if "letters_on" in request.fixturenames or "letters_after_commit" in request.fixturenames:
        yield
        return
    from gongkai.inforequests import services

    with services.letters_suspended():
        yield


@pytest.fixture
def letters_after_commit():
    """Letters generated as in production: rendered after the action's commit."""
    return True


@pytest.fixture
def letters_on(monkeypatch):
    """Letters generated, and rendered at once (see request_fixtures.letters_render_at_once)."""
    from gongkai.inforequests import letters

    monkeypatch.setattr(letters, "after_commit", lambda fn: fn())
    return True


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Override rows created by one test are rolled back, but the calendar cache would keep them."""
    from gongkai.workcalendar.services import invalidate

    invalidate()
    yield
    invalidate()
