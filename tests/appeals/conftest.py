import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # demo users get passwords; argon2 makes every test's setup take seconds
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
