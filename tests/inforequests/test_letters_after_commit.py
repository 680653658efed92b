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


@pytest.fixture
def background_case(make_case, letters_after_commit, django_capture_on_commit_callbacks, settings):
    """A case received with letters rendered by the worker (GONGKAI_LETTERS_IN_BACKGROUND):
    its letters are queued in the database task backend, not rendered yet."""
    settings.GONGKAI = {**settings.GONGKAI, "LETTERS_IN_BACKGROUND": True}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        return make_case(day="2025-06-03")


@pytest.mark.django_db
def test_background_rendering_through_the_task_queue(background_case, users):
    from django_tasks_db.models import DBTaskResult

    from gongkai.inforequests.tasks import render_letter_task

    req = background_case
    letter = Letter.objects.get(request=req)
    assert letter.status == LetterStatus.PENDING  # the request returned without rendering
    job = DBTaskResult.objects.get(task_path=render_letter_task.module_path)
    assert job.args_kwargs["args"] == [letter.pk]
    # What the worker (gongkai db_worker) does:
    assert job.task.call(*job.args_kwargs["args"]) == "ready"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY and letter.pdf


def _grant_applicant(client, req):
    """The session a successful tracking-page lookup (number + access code) gives."""
    import time

    from gongkai.inforequests.public_views import TRACK_SESSION_KEY

    session = client.session
    session[TRACK_SESSION_KEY] = {str(req.pk): time.time() + 3600}
    session.save()


@pytest.mark.django_db
def test_background_letter_is_generating_for_staff_and_hidden_from_the_applicant(
    background_case, users, client
):
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    req = background_case
    letter = Letter.objects.get(request=req, kind="receipt")
    assert letter.status == LetterStatus.PENDING and letter.public
    detail = reverse("inforequests:detail", args=[req.pk])
    pdf = reverse("inforequests_public:letter", args=[letter.pk, "pdf"])

    staff = Client()
    staff.force_login(users["clerk"])
    page = staff.get(detail).content.decode()
    item = page.split(f'id="letter-{letter.pk}"', 1)[1].split("</li>", 1)[0]
    assert "生成中" in item and pdf not in item  # no download link yet
    assert "生成失败" not in item and "重新生成" not in item

    _grant_applicant(client, req)
    track = reverse("inforequests_public:track_case", args=[req.pk])
    page = client.get(track).content.decode()
    assert page.count(req.tracking_number) >= 1  # the applicant's own case page
    assert 'data-kind="receipt"' not in page and "生成中" not in page and pdf not in page
    assert client.get(pdf).status_code == 404

    # The worker (gongkai db_worker) runs the queued job: now the applicant sees the letter.
    job = DBTaskResult.objects.get(task_path="gongkai.inforequests.tasks.render_letter_task")
    assert job.task.call(*job.args_kwargs["args"]) == "ready"
    page = client.get(track).content.decode()
    assert 'data-kind="receipt"' in page and pdf in page
    assert client.get(pdf).status_code == 200
    item = staff.get(detail).content.decode().split(f'id="letter-{letter.pk}"', 1)[1]
    assert "生成中" not in item.split("</li>", 1)[0]


def test_background_mode_is_an_environment_switch_bin_start_turns_on():
    """Off unless GONGKAI_LETTERS_IN_BACKGROUND=1 (a server without a worker renders inline);
    bin/start, which starts the worker, exports it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gongkai.settings');"
        "django.setup(); from django.conf import settings;"
        "print(settings.GONGKAI['LETTERS_IN_BACKGROUND'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_LETTERS_IN_BACKGROUND"}

    def flag(**extra):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    assert flag() == "False"
    assert flag(GONGKAI_LETTERS_IN_BACKGROUND="1") == "True"
    start = (root / "bin" / "start").read_text()
    worker = start.index("db_worker")
    export = start.index("export GONGKAI_LETTERS_IN_BACKGROUND=${GONGKAI_LETTERS_IN_BACKGROUND:-1}")
    assert worker < export < start.index("runserver")


@pytest.mark.django_db
def test_a_letter_stuck_without_worker_is_flagged_and_rendered_on_request(
    background_case, users, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    req = background_case
    letter = Letter.objects.get(request=req, kind="receipt")
    staff = Client()
    staff.force_login(users["clerk"])
    detail = reverse("inforequests:detail", args=[req.pk])

    def item():
        page = staff.get(detail).content.decode()
        return page.split(f'id="letter-{letter.pk}"', 1)[1].split("</li>", 1)[0]

    assert "生成中" in item() and "db_worker" not in item()  # just queued: nothing to say yet
    Letter.objects.filter(pk=letter.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert "db_worker" in item() and "立即生成" in item()
    # Nobody runs the worker: "立即生成" renders it in the staff member's request.
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(reverse("inforequests:letter_retry", args=[letter.pk]))
    assert r.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY and letter.pdf
    assert "生成中" not in item()
