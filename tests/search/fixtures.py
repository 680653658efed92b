"""Fixtures shared by the search, portal and portal accessibility tests."""

from datetime import date, timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def make_pub(demo, django_capture_on_commit_callbacks):
    """make_pub(title, body_text, agency_key=..., status=..., **fields) → a Publication, with
    the search index updated as after a real commit."""
    from gongkai.publications import services
    from gongkai.publications.models import Column, Publication

    counter = {"n": 0}

    def _make(title, body_text="", agency_key="青山市:教育局", column_code=None, **kw):
        agency = demo[agency_key]
        cols = services.ensure_catalogue(agency)
        column = Column.objects.get(agency=agency, code=column_code) if column_code else cols[0]
        counter["n"] += 1
        status = kw.pop("status", "published")
        issued = kw.pop("issued_on", date(2024, 3, 1))
        fields = {
            "agency": agency,
            "column": column,
            "publisher": agency,
            "title": title,
            "index_number": f"{agency.org_code}/{issued.year}-{counter['n']:05d}",
            "issued_on": issued,
            "formed_on": issued,
            "body": "<p>" + body_text.replace("<", "&lt;") + "</p>",
            "body_text": body_text,
            "status": status,
            "published_at": (
                timezone.now() - timedelta(days=counter["n"]) if status == "published" else None
            ),
        }
        fields.update(kw)
        with django_capture_on_commit_callbacks(execute=True):
            return Publication.objects.create(**fields)

    return _make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo users' argon2 hashing dominates these tests; no test here checks passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
