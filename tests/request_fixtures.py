"""Fixtures shared by the letters and portal-request tests: a demo agency and one case."""

import pytest

PERSON = {
    "name": "张三",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "phone": "13800000000",
    "email": "zhang@example.com",
    "address": "示例省青山市幸福路1号",
}


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


@pytest.fixture
def case(edu, users):
    """An in-person application received today (so the clock runs from today)."""
    from gongkai.inforequests import services

    req, code = services.submit(
        edu,
        channel="in_person",
        actor=users["clerk"],
        applicant_type="natural",
        applicant=dict(PERSON),
        description="2025年青山市义务教育阶段学校招生计划",
        form_requested="electronic",
        delivery="email",
    )
    req.refresh_from_db()
    req.raw_code = code
    return req


@pytest.fixture
def letters_render_at_once(monkeypatch):
    """Letters are rendered after the action's commit (letters.after_commit); a test's
    transaction never commits, so content tests run that step at once. The real timing is
    covered by tests/inforequests/test_letters_after_commit.py."""
    from gongkai.inforequests import letters

    monkeypatch.setattr(letters, "after_commit", lambda fn: fn())
