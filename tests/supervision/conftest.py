import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The demo fixture sets eight passwords; argon2 makes that seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}
