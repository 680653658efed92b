"""The calendar the whole platform uses: built-in data plus the override rows.

``calendar_for(region)`` returns a cached ``WorkdayCalendar``; saving or deleting an override
drops the cache and sends ``calendar_changed`` so that stored due dates are recomputed
(inforequests and publications listen to it).
"""

import threading
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from gongkai.rules import workdays

from .models import WorkdayOverride

# Sent with ``years`` (the set of years whose rows changed) after an override row changes.
calendar_changed = Signal()

_lock = threading.Lock()
_cache: dict[str, workdays.WorkdayCalendar] = {}
_stamp: tuple | None = None
_checked_at = 0.0
# Other processes may change rows: re-read the table's fingerprint at most this often.
RECHECK_SECONDS = 30.0


def _fingerprint():
    from django.db.models import Count, Max

    agg = WorkdayOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def invalidate() -> None:
    global _stamp, _checked_at
    with _lock:
        _cache.clear()
        _stamp = None
        _checked_at = 0.0


def calendar_for(region: str = "") -> workdays.WorkdayCalendar:
    global _stamp, _checked_at
    now = time.monotonic()
    with _lock:
        if now - _checked_at > RECHECK_SECONDS:
            stamp = _fingerprint()
            if stamp != _stamp:
                _cache.clear()
                _stamp = stamp
            _checked_at = now
        cal = _cache.get(region)
        if cal is None:
            rows = WorkdayOverride.objects.all()
            rules = [r.as_rule() for r in rows if r.region in ("", region)]
            cal = workdays.WorkdayCalendar(overrides=rules, region=region)
            _cache[region] = cal
        return cal


# Shown by commands run before `gongkai migrate` (no override table yet).
NO_TABLE_MESSAGE = "数据库尚未初始化（请先运行 gongkai migrate），未使用管理员录入的放假调休数据"


def calendar_for_command(region: str = "") -> tuple[workdays.WorkdayCalendar, list[dict]]:
    """The platform calendar for a command line tool, and warnings about it.

    A command such as ``gongkai deadline`` must work on a fresh checkout: without the override
    table it uses the built-in schedule and says so, instead of failing with a traceback."""
    from django.db import connection

    if WorkdayOverride._meta.db_table not in connection.introspection.table_names():
        return workdays.WorkdayCalendar(region=region), [
            {"code": "overrides_unavailable", "message": NO_TABLE_MESSAGE, "params": {}}
        ]
    return calendar_for(region), []


def install_provider() -> None:
    workdays.set_default_calendar_provider(calendar_for)


@receiver(post_save, sender=WorkdayOverride)
@receiver(post_delete, sender=WorkdayOverride)
def _on_change(sender, instance, **kwargs):
    invalidate()
    calendar_changed.send(sender=WorkdayOverride, years={instance.day.year})
