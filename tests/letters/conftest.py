"""The shared request fixtures (tests/request_fixtures.py)."""

import pytest

from tests.request_fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _letters_at_once(letters_render_at_once):
    pass
