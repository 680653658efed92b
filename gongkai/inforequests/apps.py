from django.apps import AppConfig


class InforequestsConfig(AppConfig):
    name = "gongkai.inforequests"
    label = "inforequests"
    verbose_name = "依申请公开"

    def ready(self):
        # Stored due dates depend on the working-day calendar: recompute when overrides change.
        from gongkai.workcalendar.services import calendar_changed

        from . import services

        calendar_changed.connect(
            services.on_calendar_changed, dispatch_uid="inforequests_calendar_changed"
        )
