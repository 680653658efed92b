"""The portal/API rate limit is a database counter: it holds across server processes."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from gongkai.inforequests.models import RateLimitCounter
from gongkai.inforequests.public_services import rate_limited

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("_ratelimit_script.py")
PROCESSES, HITS, LIMIT = 3, 10, 12


def _run(env, *args, timeout=300):
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(proc, timeout=300):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.django_db
def test_counts_per_scope_and_address_and_stores_no_address():
    assert [rate_limited("apply", "198.51.100.1", 2, 3600) for _ in range(4)] == [
        False, False, True, True,
    ]  # fmt: skip
    assert rate_limited("apply", "198.51.100.2", 2, 3600) is False  # another address
    assert rate_limited("track", "198.51.100.1", 2, 3600) is False  # another limit
    rows = list(RateLimitCounter.objects.order_by("pk"))
    assert [r.count for r in rows] == [4, 1, 1]
    assert not any("198.51.100" in r.key for r in rows)  # a keyed hash, not the address


@pytest.mark.django_db
def test_past_windows_are_cleaned_up(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    rate_limited("apply", "198.51.100.1", 5, 60)
    later = timezone.now() + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert rate_limited("apply", "198.51.100.1", 5, 60) is False  # a new window
    assert RateLimitCounter.objects.count() == 1


@pytest.mark.django_db
def test_daily_job_deletes_windows_of_clients_that_never_came_back(monkeypatch):
    """Without a new window nobody sweeps: the daily reminders job (task and command) does."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from gongkai.inforequests.tasks import send_reminders as daily_task

    rate_limited("track", "198.51.100.3", 5, 86400)  # a day-long window, still running
    real_now = timezone.now
    earlier = real_now() - timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: earlier)
    for ip in ("198.51.100.1", "198.51.100.2"):
        rate_limited("apply", ip, 5, 60)  # one-minute windows, ended long ago
    monkeypatch.setattr(timezone, "now", real_now)
    assert RateLimitCounter.objects.count() == 3
    result = daily_task.call()
    assert result["rate_limits_purged"] == 2
    assert list(RateLimitCounter.objects.values_list("scope", flat=True)) == ["track"]
    # The running window still counts where it left off.
    assert RateLimitCounter.objects.get().count == 1
    rate_limited("track", "198.51.100.3", 5, 86400)
    assert RateLimitCounter.objects.get().count == 2
    # The command runs the same upkeep (nothing left to delete now).
    call_command("send_reminders")
    assert RateLimitCounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_processes(tmp_path):
    """Three server processes hit the limit at once: together they let through exactly LIMIT
    requests (a per-process cache would let each process through LIMIT)."""
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_DATABASE_URL"}
    env.update(PYTHONPATH=str(ROOT), GONGKAI_VAR_DIR=str(tmp_path), GONGKAI_SECRET_KEY="x" * 50)
    if connection.vendor == "sqlite":  # the in-memory test database is not shared: a file
        env["GONGKAI_SQLITE_PATH"] = str(tmp_path / "rl.sqlite3")
        _result(_run(env, "migrate"))
    else:  # the test database itself
        s = connection.settings_dict
        env["GONGKAI_DATABASE_URL"] = (
            f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}"
            f"@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{quote(s['NAME'])}"
        )
    start = time.time() + 5  # all processes booted: they hit at the same moment
    procs = [_run(env, "hit", HITS, LIMIT, start) for _ in range(PROCESSES)]
    allowed = [_result(p)["allowed"] for p in procs]
    assert sum(allowed) == LIMIT, allowed
    if connection.vendor != "sqlite":
        assert RateLimitCounter.objects.get().count == PROCESSES * HITS
