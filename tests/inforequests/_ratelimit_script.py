"""Run by test_ratelimit in separate processes: ``migrate`` prepares a file-based SQLite database;
``hit N LIMIT START`` waits until the Unix time START, counts N portal hits from one address and
prints how many were let through (JSON)."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

WINDOW = 10**8  # one window for the whole run (no boundary in the middle of the test)


def main(argv) -> None:
    if argv[0] == "migrate":
        call_command("migrate", verbosity=0)
        print(json.dumps({"ok": True}))
        return
    from gongkai.inforequests.public_services import rate_limited

    hits, limit, start = int(argv[1]), int(argv[2]), float(argv[3])
    while time.time() < start:
        time.sleep(0.01)
    allowed = sum(not rate_limited("apply", "203.0.113.9", limit, WINDOW) for _ in range(hits))
    print(json.dumps({"allowed": allowed}))


if __name__ == "__main__":
    main(sys.argv[1:])
