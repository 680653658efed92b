"""gongkai publication_clock — recompute due dates and late flags (run daily, e.g. from cron),
then list what is late or due within five working days."""

from django.core.management.base import BaseCommand

from gongkai.agencies.models import Agency
from gongkai.publications import selectors, services
from gongkai.publications.models import Publication, PublicationChange


class Command(BaseCommand):
    help = "Recompute publication due dates/late flags (Art. 26, 20 working days) and list them."

    def add_arguments(self, parser):
        parser.add_argument("--agency", type=int, help="only list this agency")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument("--all", action="store_true", help="recompute published records too")

    def handle(self, agency=None, quiet=False, all=False, **opts):
        # Published records only change with the calendar (handled by calendar_changed);
        # daily, only the unpublished ones can turn late.
        qs = Publication.objects.all()
        if not all:
            qs = qs.filter(status__in=services.PRE_PUBLICATION)
        changed = services.refresh_clock(qs)
        # Changes (corrections, republications) have their own clock: open ones daily.
        changes = PublicationChange.objects.all()
        if not all:
            changes = changes.filter(published_at__isnull=True)
        changed += services.refresh_change_clock(changes)
        ids = [agency] if agency else list(Agency.objects.values_list("pk", flat=True))
        late = list(selectors.late_unpublished(ids))
        soon = list(selectors.due_soon(ids))
        late_changes = list(selectors.changes_late_unpublished(ids))
        soon_changes = list(selectors.changes_due_soon(ids))
        self.stdout.write(
            f"已更新{changed}条；逾期未公开{len(late) + len(late_changes)}条，"
            f"5个工作日内到期{len(soon) + len(soon_changes)}条"
        )
        if not quiet:
            for label, rows in (("逾期", late), ("将到期", soon)):
                for p in rows:
                    self.stdout.write(
                        f"{label}\t{p.publication_due_on}\t{p.agency.name}\t{p.index_number}\t{p.title}"
                    )
            for label, rows in (("变更逾期", late_changes), ("变更将到期", soon_changes)):
                for c in rows:
                    p = c.publication
                    self.stdout.write(
                        f"{label}\t{c.due_on}\t{p.agency.name}\t{p.index_number}\t{p.title}"
                    )
