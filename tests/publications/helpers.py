from datetime import date

from django.contrib.auth import get_user_model

from gongkai.publications import services
from gongkai.publications.models import Column

# A valid 18-digit 居民身份证号码 (GB 11643 check character) of a fictional person.
ID_NUMBER = "350102199003071234"


def user(name):
    return get_user_model().objects.get(username=name)


def column(agency, code="art20-01"):
    services.ensure_catalogue(agency)
    return Column.objects.get(agency=agency, code=code)


def draft(agency, by="clerk", **kw):
    data = {
        "column": column(agency, kw.pop("column_code", "art20-01")),
        "title": "关于做好2026年义务教育招生工作的通知",
        "formed_on": date(2026, 3, 2),
        "body": "<p>各区县教育局：现将有关事项通知如下。</p>",
        "kind": "normative_document",
        "document_number": "青教〔2026〕3号",
    }
    data.update(kw)
    data.setdefault("issued_on", data["formed_on"])
    return services.create_publication(user(by), agency, data)


def publish_flow(pub):
    """Draft → published through every review step with the demo users."""
    pub = services.submit(user("clerk"), pub)
    pub = services.review(user("reviewer"), pub, disclosure_mode="proactive", secrecy_ok=True)
    pub = services.approve(user("head"), pub)
    return services.publish(user("head"), pub)
