"""The shared request fixtures (tests/request_fixtures.py)."""

from tests.request_fixtures import *  # noqa: F403
