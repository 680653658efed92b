"""Write the letters that are missing, pending or failed (e.g. a render failed after an action).

gongkai letters            # render them now
gongkai letters --check    # only count them
"""

from django.core.management.base import BaseCommand

from gongkai.inforequests.letters import (
    EVENT_LETTERS,
    LetterError,
    generate_for_event,
    render_pending,
)
from gongkai.inforequests.models import InfoRequestEvent, Letter, LetterStatus


class Command(BaseCommand):
    help = "Generate missing, pending or failed notices and replies (DOCX + PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only count them")

    def handle(self, check=False, **opts):
        missing = (
            InfoRequestEvent.objects.filter(kind__in=list(EVENT_LETTERS), letters__isnull=True)
            .select_related("request__agency")
            .order_by("pk")
        )
        unrendered = Letter.objects.exclude(status=LetterStatus.READY).order_by("pk")
        n, u = missing.count(), unrendered.count()
        if check:
            self.stdout.write(f"缺少文书的办理记录：{n}；未生成或生成失败的文书：{u}")
            return
        made = failed = 0
        for event in missing.iterator(chunk_size=100):
            try:
                made += len(generate_for_event(event))
            except LetterError as e:
                failed += 1
                self.stderr.write(f"办理记录 {event.pk}：{e}")
        for pk in list(unrendered.values_list("pk", flat=True)):
            try:
                render_pending(pk)
                made += 1
            except LetterError as e:
                failed += 1
                self.stderr.write(f"文书 {pk}：{e}")
        self.stdout.write(f"已生成文书 {made} 份，失败 {failed} 份")
