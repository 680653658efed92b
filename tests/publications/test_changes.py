"""Art. 26 for changes: the original 形成日期 is locked after first publication (service, form,
model, database trigger), while a correction or a republication after withdrawal records its own
变更日期 and runs its own 20-working-day clock (``PublicationChange``), shown to staff and counted
by supervision. Runs on SQLite and PostgreSQL (the trigger has a variant for each)."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.publications import dblock, selectors, services
from gongkai.publications.forms import CorrectionForm, PublicationForm
from gongkai.publications.models import (
    FormedDateLocked,
    Publication,
    PublicationChange,
    Status,
)
from gongkai.publications.services import PublicationError
from gongkai.supervision import sources

from .helpers import draft, publish_flow, user

TABLE = Publication._meta.db_table
FORMED = date(2026, 3, 2)  # helpers.draft's 形成日期: published "now" (Dec 2026), so late


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
        return c.rowcount


def _stored(pk):
    return Publication.objects.values_list("formed_on", "publication_due_on", "is_late").get(pk=pk)


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


@pytest.fixture
def published(edu):
    return publish_flow(draft(edu))


def test_correction_cannot_move_the_original_date_to_hide_lateness(published):
    before = _stored(published.pk)
    assert before[2] is True  # formed in March, published in December: late
    with pytest.raises(PublicationError, match="形成日期不能修改"):
        services.correct_publication(
            user("head"), published, {"formed_on": date(2026, 11, 30)}, "更正形成日期"
        )
    assert _stored(published.pk) == before
    assert not PublicationChange.objects.exists()  # nothing half-saved
    # The unchanged date may come along (a full form's data); the late flag stays, even after
    # the daily clock refresh.
    pub = services.correct_publication(
        user("head"), published, {"formed_on": FORMED, "title": "更正后的名称"}, "更正名称"
    )
    services.refresh_clock()
    assert pub.title == "更正后的名称" and _stored(pub.pk) == before
    # The correction form has no 形成日期 field; it asks for the change date instead.
    form = CorrectionForm(instance=pub, agency=pub.agency)
    assert "formed_on" not in form.fields and form.fields["changed_on"].required


def test_formed_on_is_locked_below_the_service(edu, published):
    pub = Publication.objects.get(pk=published.pk)
    pub.formed_on = date(2026, 11, 30)
    with pytest.raises(FormedDateLocked):
        pub.save()
    with pytest.raises(FormedDateLocked):
        Publication.objects.filter(pk=published.pk).update(formed_on=date(2026, 11, 30))
    pub.formed_on = date(2026, 11, 30)
    with pytest.raises(FormedDateLocked):
        Publication.objects.bulk_update([pub], ["formed_on"])
    # Raw SQL: the database trigger (SQLite RAISE(ABORT), PostgreSQL check_violation).
    assert dblock.installed(connection, "formed_on")
    sql = f"UPDATE {TABLE} SET formed_on = %s WHERE id = %s"
    with pytest.raises(IntegrityError, match="formed_on_locked"):
        _raw(sql, [date(2026, 11, 30), published.pk])
    assert _stored(published.pk)[0] == FORMED
    # Drafts never published keep an editable date, at every layer; same-value writes pass.
    fresh = draft(edu, title="新草稿")
    assert _raw(sql, [date(2026, 11, 30), fresh.pk]) == 1
    assert Publication.objects.filter(pk=fresh.pk).update(formed_on=date(2026, 11, 2)) == 1
    assert _raw(f"UPDATE {TABLE} SET formed_on = formed_on WHERE id = %s", [published.pk]) == 1
    published.refresh_from_db()
    published.keywords = "招生"
    published.save()  # the model writes every column, formed_on unchanged


def test_trigger_is_recreated_after_migrate(published):
    from django.apps import apps

    dblock.uninstall(connection, ["formed_on"])
    assert not dblock.installed(connection, "formed_on")
    assert dblock.installed(connection, "published_at")
    dblock.ensure_after_migrate(apps.get_app_config("publications"), using="default")
    assert dblock.installed(connection, "formed_on")
    with pytest.raises(IntegrityError, match="formed_on_locked"):
        _raw(f"UPDATE {TABLE} SET formed_on = %s WHERE id = %s", [date(2026, 4, 1), published.pk])


def test_a_correction_runs_its_own_clock_from_the_change_date(edu, published):
    today = timezone.localdate()
    with pytest.raises(PublicationError, match="变更日期不能晚于今天"):
        services.correct_publication(
            user("head"), published, {}, "更正", changed_on=today + timedelta(days=1)
        )
    with pytest.raises(PublicationError, match="变更日期不能早于形成日期"):
        services.correct_publication(
            user("head"), published, {}, "更正", changed_on=FORMED - timedelta(days=1)
        )
    # Changed in early September, corrected version published only now: late on its own clock.
    pub = services.correct_publication(
        user("head"),
        published,
        {"summary": "九月调整"},
        "招生范围调整",
        changed_on=date(2026, 9, 1),
    )
    late = pub.changes.get()
    assert late.kind == "correction" and late.changed_on == date(2026, 9, 1)
    assert late.due_on == services.due_date(date(2026, 9, 1), edu)
    assert late.published_at == pub.corrected_at and late.is_late
    assert late.change_note == "招生范围调整"
    # Changed today and corrected today: on time.
    pub = services.correct_publication(user("head"), pub, {"summary": "再调整"}, "再次更正")
    on_time = pub.changes.exclude(pk=late.pk).get()
    assert on_time.changed_on == today and not on_time.is_late
    # The change clock does not touch the original record's clock.
    assert _stored(pub.pk)[0] == FORMED
    # Counted as a late publication of this year, once per late clock (original + change).
    assert list(selectors.late_published_changes([edu.pk], today.year)) == [late]
    assert sources.late_publications([edu.pk], today) == {edu.pk: 2}


def test_republication_after_withdrawal_is_a_change_on_the_clock(as_user, edu, published):
    today = timezone.localdate()
    pub = services.withdraw(user("head"), published, "附件版本有误")
    pub = services.reopen(user("head"), pub, "更正附件", changed_on=date(2026, 10, 9))
    change = pub.changes.get()
    assert change.kind == "republication" and change.published_at is None
    assert change.due_on == services.due_date(date(2026, 10, 9), edu)
    assert change.due_on < today and change.is_late
    # On the unpublished lists through the change (not through the original record).
    assert list(selectors.changes_late_unpublished([edu.pk], today)) == [change]
    assert pub not in selectors.late_unpublished([edu.pk], today)
    # Supervision: the original late publication (still late although withdrawn) + the change.
    assert sources.late_publications([edu.pk], today) == {edu.pk: 2}
    # The staff clock page and the record page show it.
    head = as_user("head")
    clock = head.get(reverse("publications:clock")).content.decode()
    section = clock.split('id="h-late"', 1)[1].split("</section>", 1)[0]
    assert pub.title in section and "2026-10-09" in section
    detail = head.get(reverse("publications:detail", args=[pub.pk])).content.decode()
    table = detail.split('id="pub-changes"', 1)[1].split("</table>", 1)[0]
    assert "撤回后更正重新发布" in table and "尚未发布" in table and "逾期公开" in table
    # The draft's form cannot move the original date either.
    assert PublicationForm(instance=pub, agency=edu).fields["formed_on"].disabled
    # Republished through the whole review path: the change clock stops, late for good.
    pub = publish_flow(pub)
    change.refresh_from_db()
    assert change.published_at == pub.republished_at and change.is_late
    assert not selectors.changes_late_unpublished([edu.pk], today).exists()
    assert list(selectors.late_published_changes([edu.pk], today.year)) == [change]
    assert sources.late_publications([edu.pk], today) == {edu.pk: 2}
    assert _stored(pub.pk)[0] == FORMED and pub.status == Status.PUBLISHED


def test_reopen_through_the_page_records_the_change_date(as_user, edu, published):
    pub = services.withdraw(user("head"), published, "文号错误")
    head = as_user("head")
    url = reverse("publications:action", args=[pub.pk, "reopen"])
    head.post(url, {"note": "更正文号", "changed_on": "2026-13-01"})
    assert Publication.objects.get(pk=pub.pk).status == Status.WITHDRAWN  # refused, no change
    assert not PublicationChange.objects.exists()
    head.post(url, {"note": "更正文号", "changed_on": timezone.localdate().isoformat()})
    change = PublicationChange.objects.get()
    assert change.changed_on == timezone.localdate() and not change.is_late
    assert Publication.objects.get(pk=pub.pk).status == Status.DRAFT
    # Due within 5 working days only near the end of its clock: the daily refresh marks it late
    # once the due date has passed.
    later = change.due_on + timedelta(days=1)
    assert list(selectors.changes_due_soon([edu.pk], change.due_on)) == [change]
    assert services.refresh_change_clock(today=later) == 1
    change.refresh_from_db()
    assert change.is_late


def test_correction_page_records_the_change(as_user, edu, published):
    head = as_user("head")
    url = reverse("publications:correct", args=[published.pk])
    page = head.get(url).content.decode()
    assert 'name="changed_on"' in page and 'name="formed_on"' not in page
    data = {
        "column": published.column_id,
        "title": published.title,
        "issued_on": published.issued_on.isoformat(),
        "kind": published.kind,
        "validity": "in_force",
        "body": published.body,
        "change_note": "更正正文",
        "changed_on": "2026-09-01",
    }
    assert head.post(url, data).status_code == 302
    change = PublicationChange.objects.get()
    assert change.changed_on == date(2026, 9, 1) and change.is_late
    # The staff list's "仅逾期" filter and the clock page's late-published list include it.
    listing = head.get(reverse("publications:index"), {"late": "1"}).content.decode()
    assert published.title in listing
    clock = head.get(reverse("publications:clock")).content.decode()
    assert "本年逾期发布的更正和重新发布" in clock and "2026-09-01" in clock
    # The supervision drill-down lists the late change next to the late first publication.
    sup = as_user("supervisor")
    html = sup.get(reverse("supervision:agency_detail", args=[edu.pk])).content.decode()
    late = html.split('id="late"', 1)[1].split("</section>", 1)[0]
    assert "变更后已发布（逾期）" in late and "已发布（逾期）" in late and "2026-09-01" in late
