"""Letters are rendered after the action's commit: a slow or failing render never holds or rolls
back the recorded action; a failed letter is visible to staff and can be retried."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from gongkai.inforequests import letters, services
from gongkai.inforequests.models import InfoRequestEvent, Letter, LetterStatus, Status


def _broken(kind, ctx):
    raise RuntimeError("renderer crashed")


@pytest.mark.django_db
def test_failed_render_keeps_the_action_and_can_be_retried(
    make_case, users, letters_after_commit, django_capture_on_commit_callbacks, monkeypatch, client
):
    req = make_case(day="2025-06-03", actor="clerk")  # in person: receipt letter
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_amendment(req, users["clerk"], on=date(2025, 6, 5), items="请写明年份")
    # Inside the action's transaction only the pending row was written: no rendering yet.
    letter = Letter.objects.get(request=req, kind="amendment")
    assert letter.status == LetterStatus.PENDING and not letter.pdf and not letter.docx
    assert letter.number == f"{req.tracking_number}-02"
    assert callbacks  # rendering waits for the commit

    monkeypatch.setattr(letters, "render_letter", _broken)
    for cb in callbacks:
        cb()  # what Django runs after the commit (robust: nothing raised)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED and letter.attempts == 1
    assert "RuntimeError" in letter.error and "张三" not in letter.error
    req.refresh_from_db()
    assert req.status == Status.AWAITING_AMENDMENT  # the action stands
    assert InfoRequestEvent.objects.filter(request=req, kind="amendment_requested").exists()

    # Staff see the failure with a retry button; the applicant cannot download anything.
    client.force_login(users["clerk"])
    page = client.get(reverse("inforequests:detail", args=[req.pk])).content.decode()
    assert "生成失败" in page and reverse("inforequests:letter_retry", args=[letter.pk]) in page
    assert (
        client.get(reverse("inforequests_public:letter", args=[letter.pk, "pdf"])).status_code
        == 404
    )

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("inforequests:letter_retry", args=[letter.pk]))
    assert r.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY and letter.pdf and letter.docx and not letter.error
    assert letter.attempts == 2
    assert (
        client.get(reverse("inforequests_public:letter", args=[letter.pk, "pdf"])).status_code
        == 200
    )
    # A ready letter is not retried again.
    client.post(reverse("inforequests:letter_retry", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.attempts == 2


@pytest.mark.django_db
def test_retry_needs_edit_permission(make_case, users, letters_after_commit, client):
    req = make_case(day="2025-06-03")
    letter = Letter.objects.get(request=req)
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.FAILED, error="x")
    client.force_login(users["township"])
    assert client.post(reverse("inforequests:letter_retry", args=[letter.pk])).status_code == 403
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_rendering_runs_after_the_commit(make_case, users, letters_after_commit, monkeypatch):
    """Real commits: the renderer runs outside any transaction of the action."""
    seen = []
    real = letters.render_letter

    def spy(kind, ctx):
        # The action is already committed and its case lock released.
        seen.append((kind, connection.in_atomic_block, len(connection.savepoint_ids)))
        return real(kind, ctx)

    monkeypatch.setattr(letters, "render_letter", spy)
    req = make_case(day="2025-06-03")
    services.grant_extension(req, users["head"], on=date(2025, 6, 20), workdays=10, reason="调档")
    assert [k for k, *_ in seen] == ["receipt", "extension"]
    # render_pending's own short transaction only (no savepoint of an enclosing action).
    assert all(depth == 0 for _k, _atomic, depth in seen)
    assert set(Letter.objects.filter(request=req).values_list("status", flat=True)) == {"ready"}
    # A crash after commit: the extension is recorded all the same.
    monkeypatch.setattr(letters, "render_letter", _broken)
    services.reply(req, users["clerk"], on=date(2025, 6, 25), outcome="disclosed")
    req.refresh_from_db()
    assert req.status == Status.REPLIED
    reply = Letter.objects.get(request=req, kind="reply")
    assert reply.status == LetterStatus.FAILED
    # ``gongkai letters`` renders what failed.
    monkeypatch.setattr(letters, "render_letter", real)
    call_command("letters")
    reply.refresh_from_db()
    assert reply.status == LetterStatus.READY and reply.pdf


@pytest.mark.django_db
def test_background_rendering_through_the_task_queue(
    make_case, users, letters_after_commit, django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    from gongkai.inforequests.tasks import render_letter_task

    settings.GONGKAI = {**settings.GONGKAI, "LETTERS_IN_BACKGROUND": True}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        req = make_case(day="2025-06-03")
    letter = Letter.objects.get(request=req)
    assert letter.status == LetterStatus.PENDING  # the request returned without rendering
    job = DBTaskResult.objects.get(task_path=render_letter_task.module_path)
    assert job.args_kwargs["args"] == [letter.pk]
    # What the worker (gongkai db_worker) does:
    assert job.task.call(*job.args_kwargs["args"]) == "ready"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY and letter.pdf
