"""A withdrawn publication corrected and republished through the whole review path."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.publications import selectors, services
from gongkai.publications.models import Publication, ReviewRecord, Status
from gongkai.publications.services import PublicationError

from .helpers import draft, publish_flow, user


def _withdrawn(demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    return services.withdraw(user("head"), pub, "附件版本有误")


def test_reopen_needs_a_note_and_a_withdrawn_record(demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    with pytest.raises(PublicationError, match="当前状态"):
        services.reopen(user("head"), pub, "更正附件")
    pub = services.withdraw(user("head"), pub, "附件版本有误")
    with pytest.raises(PublicationError, match="更正说明"):
        services.reopen(user("head"), pub, "  ")
    assert Publication.objects.get(pk=pub.pk).status == Status.WITHDRAWN


def test_republish_keeps_index_number_and_first_date(demo):
    pub = _withdrawn(demo)
    index, first = pub.index_number, pub.published_at
    pub = services.reopen(user("head"), pub, "更正第二段中的招生日期")
    assert pub.status == Status.DRAFT and pub.published_at == first
    # The corrected text is edited as a draft, but the Art. 26 clock is history.
    with pytest.raises(PublicationError, match="形成或者变更日期"):
        services.update_publication(user("clerk"), pub, {"formed_on": date(2026, 4, 1)})
    pub = services.update_publication(
        user("clerk"), pub, {"body": "<p>招生日期为7月1日。</p>"}, "更正招生日期"
    )
    # Not an unpublished record on the publication clock while it is being corrected.
    assert pub not in selectors.late_unpublished([pub.agency_id], today=date(2030, 1, 1))
    # No shortcut: the draft cannot be published without review and approval.
    with pytest.raises(PublicationError, match="当前状态"):
        services.publish(user("head"), pub)
    pub = publish_flow(pub)
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED and pub.is_public
    assert pub.index_number == index and pub.published_at == first
    assert pub.republished_at is not None and pub.republished_at > first
    assert pub.corrected_at == pub.republished_at
    assert pub.change_note == "更正第二段中的招生日期"
    assert pub.withdrawn_at is None and pub.body == "<p>招生日期为7月1日。</p>"
    steps = list(pub.review_records.values_list("step", flat=True))
    assert steps == [
        "submit", "secrecy_review", "approve", "publish", "withdraw",
        "reopen", "submit", "secrecy_review", "approve", "publish",
    ]  # fmt: skip
    # The version history: every snapshot carries the first publication date.
    versions = list(pub.versions.order_by("number"))
    published = [v for v in versions if v.data["status"] == "published"]
    assert {v.data["published_at"] for v in published} == {first.isoformat()}
    last = versions[-1]
    assert last.is_public_note and last.change_note == "更正第二段中的招生日期"
    assert last.data["republished_at"] == pub.republished_at.isoformat()
    assert any(v.change_note.startswith("撤回：") and v.is_public_note for v in versions)


def test_republish_through_the_staff_pages_and_the_portal(as_user, demo):
    pub = _withdrawn(demo)
    first = pub.published_at
    detail = reverse("publications:detail", args=[pub.pk])
    # A clerk may not reopen (head's decision, like withdrawal and correction).
    clerk = as_user("clerk")
    assert 'id="btn-reopen"' not in clerk.get(detail).content.decode()
    assert clerk.post(reverse("publications:action", args=[pub.pk, "reopen"])).status_code == 403
    head = as_user("head")
    assert 'id="btn-reopen"' in head.get(detail).content.decode()
    head.post(reverse("publications:action", args=[pub.pk, "reopen"]), {"note": "更正文号错误"})
    pub.refresh_from_db()
    assert pub.status == Status.DRAFT
    assert ReviewRecord.objects.filter(publication=pub, step="reopen").count() == 1
    publish_flow(pub)
    html = as_user("head").get(detail).content.decode()
    assert 'id="pub-republished-at"' in html
    page = head.get(reverse("publications_public:document", args=[pub.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "更正文号错误" in text and "更正后重新发布" in text
    assert timezone.localtime(first).strftime("%Y-%m-%d") in text
