"""gongkai catalogue — create the statutory catalogue columns (RULES C2–C4, CONVENTIONS §4).

    gongkai catalogue                        # every active agency
    gongkai catalogue --agency 12            # one agency (id or 统一社会信用代码)
    gongkai catalogue --agency 12 --subtree  # the agency and all its subordinate agencies
    gongkai catalogue --dry-run              # only list what is missing

The columns are those of ``publications.catalogue.statutory_columns``: 政府信息公开指南,
政府信息公开制度, 法定主动公开内容 with Art. 20's 15 items and Art. 21's items by level
(city/county governments and their departments, townships), 政府信息公开年报 and 依申请公开.
Idempotent: existing columns (also renamed or deactivated ones, matched by code) are kept, only
the missing ones are created, and every created column is printed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gongkai.agencies.models import Agency
from gongkai.publications import services


class Command(BaseCommand):
    help = "Create the statutory catalogue columns (Arts. 20/21, guide, rules, annual report, on request)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--agency", help="agency id or 统一社会信用代码 (default: all agencies)"
        )
        parser.add_argument(
            "--subtree", action="store_true", help="with --agency: include subordinate agencies"
        )
        parser.add_argument("--dry-run", action="store_true", help="only list the missing columns")

    def handle(self, agency=None, subtree=False, dry_run=False, **opts):
        if subtree and not agency:
            raise CommandError("--subtree 须与 --agency 一起使用")
        if agency:
            key = agency.strip()
            root = Agency.objects.filter(
                Q(uscc=key.upper()) | (Q(pk=int(key)) if key.isdigit() else Q(pk__in=[]))
            ).first()
            if root is None:
                raise CommandError(f"机关 {key} 不存在")
            agencies = root.subtree() if subtree else Agency.objects.filter(pk=root.pk)
        else:
            agencies = Agency.objects.all()
        agencies = agencies.filter(is_active=True).order_by("path")
        total = touched = 0
        for a in agencies:
            if dry_run:
                names = [spec.name for spec in services.missing_columns(a)]
            else:
                names = [c.name for c in services.create_missing_columns(a)]
            if not names:
                continue
            touched += 1
            total += len(names)
            verb = "缺少" if dry_run else "新建"
            self.stdout.write(f"{a.name}（{a.pk}）{verb}栏目 {len(names)} 个：{'、'.join(names)}")
        n = agencies.count()
        if dry_run:
            self.stdout.write(f"共检查机关 {n} 个，{touched} 个缺少栏目，共缺 {total} 个（未写入）")
        else:
            self.stdout.write(f"共检查机关 {n} 个，为 {touched} 个机关新建栏目 {total} 个")
