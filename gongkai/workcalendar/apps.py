from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "gongkai.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日历"

    def ready(self):
        from . import services

        services.install_provider()
