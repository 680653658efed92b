from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        # All coupling to the publications app lives in hooks.py.
        from . import hooks

        hooks.connect()
