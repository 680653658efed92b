"""Write the letters that are missing (e.g. a rendering failed and was logged).

gongkai letters            # generate missing letters for every event that needs one
gongkai letters --check    # only count them
"""

from django.core.management.base import BaseCommand

from gongkai.inforequests.letters import EVENT_LETTERS, LetterError, generate_for_event
from gongkai.inforequests.models import InfoRequestEvent


class Command(BaseCommand):
    help = "Generate missing notices and replies (DOCX + PDF) for application events."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only count missing letters")

    def handle(self, check=False, **opts):
        missing = (
            InfoRequestEvent.objects.filter(kind__in=list(EVENT_LETTERS), letters__isnull=True)
            .select_related("request__agency")
            .order_by("pk")
        )
        n = missing.count()
        if check:
            self.stdout.write(f"缺少文书的办理记录：{n}")
            return
        made = failed = 0
        for event in missing.iterator(chunk_size=100):
            try:
                made += len(generate_for_event(event))
            except LetterError as e:
                failed += 1
                self.stderr.write(f"办理记录 {event.pk}：{e}")
        self.stdout.write(f"已生成文书 {made} 份，失败 {failed} 份")
