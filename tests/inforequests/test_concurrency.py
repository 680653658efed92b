"""Two concurrent submissions never share a tracking number (threads, real transactions)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from gongkai.inforequests import services
from gongkai.inforequests.models import InfoRequest, TrackingCounter

from .conftest import PERSON

THREADS = 6
PER_THREAD = 5
N = THREADS * PER_THREAD


def _check(numbers):
    assert len(numbers) == N
    assert len(set(numbers)) == N  # no duplicates
    seqs = sorted(int(n.split("-")[1]) for n in numbers)
    assert seqs == list(range(1, N + 1))  # no gaps


# The in-memory SQLite test database cannot wait for locks: on SQLite the file-based test
# below covers the same property.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_database_under_test(demo):
    agency = demo["青山市:教育局"]
    errors = []
    barrier = threading.Barrier(THREADS)

    def worker():
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                services.submit(
                    agency,
                    channel="online",
                    applicant_type="natural",
                    applicant=dict(PERSON),
                    description="并发测试：2025年度部门预算",
                    form_requested="electronic",
                    delivery="email",
                )
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check(
        list(InfoRequest.objects.filter(agency=agency).values_list("tracking_number", flat=True))
    )
    assert TrackingCounter.objects.get(agency=agency).last == N


@pytest.mark.sqlite_only
def test_concurrent_submissions_sqlite_file(tmp_path):
    """SQLite as deployed (a WAL file, BEGIN IMMEDIATE): threads in a fresh process."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    env.pop("GONGKAI_DATABASE_URL", None)
    env.update(GONGKAI_SQLITE_PATH=str(tmp_path / "c.sqlite3"), GONGKAI_VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("_threads_script.py")),
            str(THREADS),
            str(PER_THREAD),
        ],  # fmt: skip
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert data["errors"] == []
    _check(data["numbers"])
