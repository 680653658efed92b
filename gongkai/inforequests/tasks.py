"""Background tasks (django-tasks; the worker runs ``gongkai db_worker``).

``send_reminders`` runs the daily reminder job and, on the database backend, queues its own next
run for 08:00 tomorrow (Asia/Shanghai) unless one is already queued — so enqueuing it once (e.g.
from ``gongkai send_reminders --schedule``) keeps it going. A cron/systemd timer calling
``gongkai send_reminders`` works as well; reminders are idempotent either way.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

TASK_PATH = "gongkai.inforequests.tasks.send_reminders"


@task()
def send_reminders() -> dict:
    from .reminders import send_reminders as run

    counts = run()
    schedule_next()
    return counts


@task()
def recompute_after_calendar_change(years: list[int] | None = None) -> int:
    """Re-derive stored due dates after calendar overrides changed (large installations)."""
    from .services import recompute_open_cases

    return recompute_open_cases(years=set(years) if years else None)


def schedule_next() -> bool:
    """Queue tomorrow's run (08:00 local) if none is queued. Returns True if it queued one."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return False
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
        return False
    tomorrow = timezone.localdate() + timedelta(days=1)
    run_after = timezone.make_aware(datetime.combine(tomorrow, time(8)))
    send_reminders.using(run_after=run_after).enqueue()
    return True


@task()
def render_letter_task(letter_id: int) -> str:
    """Render one pending letter (``GONGKAI["LETTERS_IN_BACKGROUND"]``); a failure is recorded on
    the letter (status ``failed``) for staff to retry, not raised again."""
    from .letters import LetterError, render_pending

    try:
        letter = render_pending(letter_id)
    except LetterError:
        return "failed"
    return letter.status if letter is not None else "missing"
