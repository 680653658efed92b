import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # calendar_for caches override rows; a rolled-back test's rows must not leak into the next.
    from gongkai.workcalendar.services import invalidate

    invalidate()
    yield
    invalidate()
