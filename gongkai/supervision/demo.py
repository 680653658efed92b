"""Demo data: one problem list from 青山市 to 青山市教育局 with two items (idempotent: keyed by
issuer, addressee and title)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Category, Problem, ProblemList

DEMO_TITLE = "关于青山市教育局政府信息公开工作问题的整改通知（示例）"
DEMO_ITEMS = [
    (
        Category.STALE_COLUMN,
        "“政策解读”栏目超过三个月未更新，请及时更新（《条例》第五十二条）。",
    ),
    (
        Category.REPORT_FINDING,
        "年度报告表三“本年新收政府信息公开申请数量”与办理结果总计不平衡，请核实并更正。",
    ),
]


@transaction.atomic
def build(agencies: dict) -> ProblemList:
    issuer, target = agencies["青山市"], agencies["青山市:教育局"]
    today = timezone.localdate()
    plist, created = ProblemList.objects.get_or_create(
        issuer=issuer,
        agency=target,
        title=DEMO_TITLE,
        defaults={"issued_on": today, "due_on": today + timedelta(days=21)},
    )
    if created:
        Problem.objects.bulk_create(
            Problem(problem_list=plist, position=i, category=c, description=d)
            for i, (c, d) in enumerate(DEMO_ITEMS, start=1)
        )
    return plist
