import pytest


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}
