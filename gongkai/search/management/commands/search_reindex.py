from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重建全文检索索引（仅已发布的主动公开信息）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--background", action="store_true", help="交给后台任务队列执行 (django-tasks)"
        )

    def handle(self, *args, background=False, **options):
        from gongkai.search import backend, hooks
        from gongkai.search.tasks import reindex

        if background:
            result = reindex.enqueue(ids=None)
            self.stdout.write(f"已排队：{result.id}")
            return
        n = hooks.rebuild()
        backend().optimize()
        self.stdout.write(f"已索引 {n} 条")
