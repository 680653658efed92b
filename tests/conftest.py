"""Shared fixtures.

- The database is whatever settings choose: SQLite by default, PostgreSQL when
  GONGKAI_DATABASE_URL is set (bin/test starts a throwaway cluster for that run).
- Browser tests (marker ``browser``) drive Debian's chromium through Playwright against
  pytest-django's live server. With CI=true a missing browser is an error, never a skip.
"""

import os
import shutil

import pytest

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")
# Property tests: no per-example deadline (CI machines are shared and timing is not behaviour).
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as _hsettings  # noqa: E402

_hsettings.register_profile(
    "gongkai", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
_hsettings.load_profile("gongkai")

# Playwright's sync API runs an event loop; Django must allow sync DB calls from tests then.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Override rows written by a rolled-back test must not leak into the next one."""
    from gongkai.workcalendar import services

    services.invalidate()
    yield
    services.invalidate()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in zh-hant or en leaves that language active in the thread (LocaleMiddleware
    does not deactivate it); every test starts, and ends, in the default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Letters render inline in tests whatever the shell exported (bin/start turns the background
    # mode on); tests of the background mode switch it on themselves.
    settings.GONGKAI = {**settings.GONGKAI, "LETTERS_IN_BACKGROUND": False}


@pytest.fixture
def demo(db):
    """The fictional 示例省: agencies and users for every role."""
    from gongkai.agencies import demo as demo_mod

    agencies = demo_mod.build_agencies()
    demo_mod.build_users(agencies)
    return agencies


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        msg = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if CI:
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login(page):
    """login(username) logs a demo user in through the real form."""
    from gongkai.agencies.demo import DEMO_PASSWORD

    def _login(username, password=DEMO_PASSWORD):
        page.goto(page.base_url + "/staff/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login


def _engine() -> str:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config, items):
    """Browser tests are marked; database-specific tests run only in their own pass.

    ``@pytest.mark.postgres_only`` / ``@pytest.mark.sqlite_only`` tests are *deselected* in the
    other pass (bin/test runs both), never skipped: under CI=true a skip is a failure.
    """
    engine = _engine()
    keep, dropped = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "page" in names or "browser" in names:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("postgres_only") and engine != "postgresql":
            dropped.append(item)
        elif item.get_closest_marker("sqlite_only") and engine != "sqlite3":
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"gongkai: database={engine} CI={CI} chromium={'yes' if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM) else 'no'}"


@pytest.fixture
def as_user(client):
    """as_user("clerk") → the test client logged in as that demo user (axes needs a request to
    authenticate, so tests log in with force_login; the real form is covered by browser tests)."""
    from django.contrib.auth import get_user_model

    def _as(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _as
