"""gongkai deadline --received 2025-06-03 --event amendment_requested:2025-06-06 … [--as-of DATE]

Prints the legal clock (gongkai.rules.deadlines) as JSON: due_on, workdays_used, workdays_left,
paused, warnings and the rest of the state. Uses the platform calendar (overrides included);
``--region`` selects an ethnic-autonomous area's calendar.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from gongkai.rules import deadlines


class Command(BaseCommand):
    help = "计算政府信息公开申请的答复期限（输出 JSON）"

    def add_arguments(self, parser):
        parser.add_argument("--received", required=True, help="收到申请之日 YYYY-MM-DD")
        parser.add_argument(
            "--event",
            action="append",
            default=[],
            help="计时事件 kind:YYYY-MM-DD[:附加值]，可重复；类型："
            + ", ".join(deadlines.EVENT_KINDS),
        )
        parser.add_argument("--as-of", dest="as_of", default=None, help="计算日期（默认今天）")
        parser.add_argument("--region", default="", help="行政区划代码（民族自治地方）")

    def handle(self, *args, received, event, as_of, region, **opts):
        from gongkai.workcalendar.services import calendar_for_command

        calendar, notes = calendar_for_command(region)
        try:
            out = deadlines.compute_from_cli_args(received, event, as_of, calendar=calendar)
        except deadlines.ClockError as e:
            raise CommandError(e.message) from None
        out["warnings"] = notes + out["warnings"]
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
