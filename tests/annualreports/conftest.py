import pytest


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    U = get_user_model()
    return {u.username: u for u in U.objects.all()}
