from django.apps import AppConfig


class AnnualreportsConfig(AppConfig):
    name = "gongkai.annualreports"
    label = "annualreports"
