"""Every page reachable by following links, as every demo role and as the public: no server
errors, and no applicant's personal data on any page the public can reach.

The demo is the full `gongkai demo` (every bounded context's demo records), so this walks the
platform the way a new user clicking around would.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

HREF = re.compile(r'href="([^"#][^"]*)"')
SKIP = re.compile(
    r"^/(admin/|i18n/|static/|media/|api/docs)|logout|/download|\.(pdf|docx|xlsx|csv|json|xml|atom|png|svg)(\?|$)"
)
LIMIT = 250


@pytest.fixture
def full_demo(db):
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))


def _shape(url: str) -> str:
    u = urlparse(url)
    keys = sorted(k.split("=")[0] for k in u.query.split("&") if k)
    return re.sub(r"\d+", "N", u.path) + "?" + "&".join(keys)


def crawl(client, starts, per_shape=3):
    """Breadth-first over same-site links; at most ``per_shape`` URLs of one shape (digits
    folded), so the budget covers many kinds of page rather than many rows of one list."""
    seen, queue, errors = set(), deque(starts), []
    shapes: dict[str, int] = {}
    pages = {}
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        shape = _shape(url)
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(url)
        r = client.get(url)
        if r.status_code >= 500:
            errors.append((url, r.status_code))
            continue
        if r.status_code in (301, 302):
            loc = r.headers.get("Location", "")
            if loc.startswith("/") and loc not in seen:
                queue.append(loc)
            continue
        ctype = r.headers.get("Content-Type", "")
        if r.status_code != 200 or "text/html" not in ctype:
            continue
        html = r.content.decode("utf-8", "replace")
        pages[url] = html
        for href in HREF.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href):
                continue
            if urlparse(href).path.count("/") > 8:
                continue
            if href not in seen:
                queue.append(href)
    return seen, errors, pages


@pytest.mark.parametrize(
    "username",
    [None, "clerk", "reviewer", "head", "cityclerk", "supervisor", "province", "township", "admin"],
)
def test_no_page_fails(client, full_demo, username):
    from django.contrib.auth import get_user_model

    if username:
        client.force_login(get_user_model().objects.get(username=username))
    seen, errors, _pages = crawl(client, ["/staff/", "/"] if username else ["/"])
    assert len(seen) > 10
    assert not errors, f"server errors as {username or 'the public'}: {errors}"


def test_public_pages_carry_no_applicant_data(client, full_demo):
    from gongkai.inforequests.models import Applicant

    secrets = set()
    for a in Applicant.objects.all():
        for field in ("id_number", "phone", "email", "address"):
            v = getattr(a, field, "") or ""
            if len(v) >= 6:
                secrets.add(v)
    assert secrets, "the demo should contain applicants"
    _seen, errors, pages = crawl(client, ["/"])
    assert not errors
    for url, html in pages.items():
        for s in secrets:
            assert s not in html, f"{url} shows an applicant's personal data"
