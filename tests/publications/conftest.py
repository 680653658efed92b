import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo fixture hashes eight passwords; Argon2 makes that ~3 s per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
