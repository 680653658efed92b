from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "gongkai.publications"
    label = "publications"

    def ready(self):
        from gongkai.workcalendar.services import calendar_changed

        from . import services

        # Due dates follow the working-day calendar: recompute when an override changes.
        calendar_changed.connect(
            services._on_calendar_changed, dispatch_uid="publications_calendar_changed"
        )
