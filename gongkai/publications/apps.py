from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "gongkai.publications"
    label = "publications"

    def ready(self):
        from django.db.models.signals import post_migrate

        from gongkai.workcalendar.services import calendar_changed

        from . import dblock, services

        # The published_at lock trigger survives SQLite table rebuilds (dblock.py).
        post_migrate.connect(
            dblock.ensure_after_migrate, sender=self, dispatch_uid="publications_published_at_lock"
        )

        # Due dates follow the working-day calendar: recompute when an override changes.
        calendar_changed.connect(
            services._on_calendar_changed, dispatch_uid="publications_calendar_changed"
        )
