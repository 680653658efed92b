from django.core.management.base import BaseCommand, CommandError

from gongkai.workcalendar.services import calendar_for_command

KIND_ZH = {"holiday": "放假", "makeup_workday": "调休上班"}
SOURCE_ZH = {"override": "管理员录入", "chinese_calendar": "chinesecalendar 数据包"}
WEEKDAY_ZH = "一二三四五六日"


class Command(BaseCommand):
    help = "Print a year's holidays and make-up working days and where each came from."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--region", default="", help="6-digit region code (autonomous areas)")
        parser.add_argument("--json", action="store_true")

    def handle(self, year, region, json: bool = False, **opts):
        if not 1900 <= year <= 2200:
            raise CommandError("年份应在1900至2200之间")
        cal, notes = calendar_for_command(region)
        days = cal.holidays_and_makeups(year)
        summary = cal.year_summary(year)
        summary["checks"] = notes + summary["checks"]
        if json:
            import json as _json

            self.stdout.write(
                _json.dumps(
                    {"summary": summary, "days": [d.to_dict() for d in days]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{year}年工作日历{'（地区 ' + region + '）' if region else ''}")
        self.stdout.write(
            f"工作日 {summary['workdays']} 天；放假 {summary['holidays']} 天；调休上班 {summary['makeup_workdays']} 天"
        )
        for d in days:
            self.stdout.write(
                f"  {d.day.isoformat()} 周{WEEKDAY_ZH[d.day.weekday()]}  "
                f"{KIND_ZH.get(d.kind, d.kind):<4}  {d.name or '':<6}  来源：{SOURCE_ZH.get(d.source, d.source)}"
            )
        for check in summary["checks"]:
            self.stdout.write(self.style.WARNING(f"注意：{check['message']}"))
