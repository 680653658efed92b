from importlib import import_module

from django.core.management.base import BaseCommand

from gongkai.agencies import demo


class Command(BaseCommand):
    help = "Build the fictional 示例省 demo data (idempotent: safe to run again, keeps your data)."

    def handle(self, **opts):
        result = demo.build()
        # Each bounded context may add demo records (gongkai.<app>.demo.build(agencies)).
        for app in ("publications", "inforequests", "appeals", "annualreports", "supervision"):
            try:
                mod = import_module(f"gongkai.{app}.demo")
            except ImportError:
                continue
            mod.build(result["agencies"])
        self.stdout.write(f"示例数据就绪：{len(result['agencies'])} 个机关。")
        self.stdout.write(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for username, desc in result["users"]:
            self.stdout.write(f"  {username:<12} {desc}")
