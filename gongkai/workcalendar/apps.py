from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "gongkai.workcalendar"
    label = "workcalendar"
