"""gongkai send_reminders [--date YYYY-MM-DD] [--schedule]

Sends the day's reminder e-mails (3 working days before the reply is due, and on the first
overdue day). Idempotent. ``--schedule`` instead queues the self-rescheduling background task for
the ``gongkai db_worker`` worker.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "发送依申请公开到期提醒邮件（可重复运行，不会重复发送）"

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="按哪一天计算（默认今天）")
        parser.add_argument(
            "--schedule", action="store_true", help="改为排入后台任务队列，每天08:00自动运行"
        )

    def handle(self, *args, date=None, schedule=False, **opts):
        if schedule:
            from gongkai.inforequests.tasks import schedule_next

            queued = schedule_next()
            self.stdout.write("已排入后台任务队列" if queued else "队列中已有待运行的提醒任务")
            return
        from gongkai.inforequests.reminders import send_reminders

        try:
            day = _parse(date) if date else None
        except ValueError:
            raise CommandError(f"无法识别的日期“{date}”，请使用 YYYY-MM-DD") from None
        counts = send_reminders(day)
        self.stdout.write(json.dumps(counts, ensure_ascii=False))


def _parse(s):
    return date.fromisoformat(s)
