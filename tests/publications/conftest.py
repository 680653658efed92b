import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo fixture hashes eight passwords; Argon2 makes that ~3 s per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # calendar_for caches override rows; a rolled-back test's rows must not leak into the next.
    from gongkai.workcalendar.services import invalidate

    invalidate()
    yield
    invalidate()
