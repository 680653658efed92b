from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from gongkai.inforequests import services
from gongkai.inforequests.models import Reminder
from gongkai.inforequests.reminders import send_reminders


def _cal(agency):
    from gongkai.workcalendar.services import calendar_for

    return calendar_for(agency.region_code)


@pytest.fixture
def assigned(make_case, users):
    users["reviewer"].email = "reviewer@example.gov.cn"
    users["reviewer"].save()
    req = make_case(day="2025-09-26")
    services.assign(req, users["clerk"], users["reviewer"])
    req.refresh_from_db()
    return req


@pytest.mark.django_db
def test_due_soon_once(assigned):
    cal = _cal(assigned.agency)
    day = assigned.due_on - timedelta(days=2)
    while not cal.is_workday(day):
        day -= timedelta(days=1)
    assert cal.workdays_between(day, assigned.due_on) <= 3
    assert send_reminders(day)["due_soon"] == 1
    assert send_reminders(day)["due_soon"] == 0
    assert len(mail.outbox) == 1
    m = mail.outbox[0]
    assert m.to == ["reviewer@example.gov.cn"]
    assert assigned.tracking_number in m.subject and "即将到期" in m.subject
    assert "张三" not in m.body and "13800000000" not in m.body


@pytest.mark.django_db
def test_not_yet_due_soon(assigned):
    day = assigned.due_on - timedelta(days=14)
    assert send_reminders(day)["due_soon"] == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_overdue_once(assigned):
    day = assigned.due_on + timedelta(days=1)
    assert send_reminders(day)["overdue"] == 1
    assert send_reminders(day + timedelta(days=1))["overdue"] == 0
    assert [m.subject for m in mail.outbox if "已超期" in m.subject] and len(mail.outbox) == 1
    assert Reminder.objects.filter(kind="overdue").count() == 1


@pytest.mark.django_db
def test_unassigned_goes_to_clerks(make_case, users):
    users["clerk"].email = "clerk@example.gov.cn"
    users["clerk"].save()
    req = make_case(day="2025-09-26")
    send_reminders(req.due_on + timedelta(days=3))
    assert [m.to for m in mail.outbox] == [["clerk@example.gov.cn"]]


@pytest.mark.django_db
def test_replied_cases_get_nothing(assigned, users):
    services.reply(assigned, users["clerk"], on=assigned.due_on, outcome="disclosed")
    assert send_reminders(assigned.due_on + timedelta(days=5)) == {
        "due_soon": 0,
        "overdue": 0,
        "refreshed": 0,
        "rate_limits_purged": 0,
    }
    assert mail.outbox == []


@pytest.mark.django_db
def test_command_and_task(assigned, capsys):
    from django_tasks_db.models import DBTaskResult

    from gongkai.inforequests.tasks import TASK_PATH
    from gongkai.inforequests.tasks import send_reminders as task

    call_command("send_reminders", "--date", (assigned.due_on + timedelta(days=1)).isoformat())
    assert '"overdue": 1' in capsys.readouterr().out
    result = task.call()
    assert result["overdue"] == 0  # idempotent across command and task
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1  # next run queued
    call_command("send_reminders", "--schedule")
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1


@pytest.mark.django_db
def test_daily_run_ends_expired_consultation_pause(make_case, users, today):
    from datetime import date

    today(date(2025, 6, 12))
    req = make_case(day="2025-06-03")
    services.start_consultation(req, users["clerk"], on=date(2025, 6, 10), party="某公司")
    req.refresh_from_db()
    assert req.status == "consultation"
    later = today(date(2025, 8, 1))  # the third party's 15 WD have run out: the clock runs again
    assert send_reminders(later)["refreshed"] == 1
    req.refresh_from_db()
    assert req.status == "in_progress"
