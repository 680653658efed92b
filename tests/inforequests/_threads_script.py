"""Run by test_concurrency in a subprocess against a fresh file-based SQLite database
(GONGKAI_SQLITE_PATH): migrate, build the demo agencies, submit from threads, print JSON."""

import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main(threads: int, per_thread: int) -> None:
    call_command("migrate", verbosity=0)
    from gongkai.agencies.demo import build_agencies
    from gongkai.inforequests import services
    from gongkai.inforequests.models import InfoRequest

    agency = build_agencies()["青山市:教育局"]
    errors = []
    barrier = threading.Barrier(threads)

    def worker():
        try:
            barrier.wait()
            for _ in range(per_thread):
                services.submit(
                    agency,
                    channel="online",
                    applicant_type="natural",
                    applicant={
                        "name": "并发",
                        "id_type": "passport",
                        "id_number": "E1234567",
                        "email": "a@example.com",
                    },  # fmt: skip
                    description="并发测试：2025年度部门预算",
                    form_requested="electronic",
                    delivery="email",
                )
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        finally:
            connection.close()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    numbers = list(InfoRequest.objects.values_list("tracking_number", flat=True))
    print(json.dumps({"errors": errors, "numbers": numbers}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
