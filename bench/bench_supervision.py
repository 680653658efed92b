"""The supervision table over a large subtree: time and query count. Prints figures.

python bench/bench_supervision.py [agencies] [requests-per-agency] [--keep]

Builds a throwaway SQLite database (GONGKAI_SQLITE_PATH, default a file in a /tmp/gongkai-bench-*
directory removed at exit unless --keep) with one
province, N agencies below it and some applications and problem lists, then times
selectors.dashboard_rows for the province supervisor.
"""

import atexit
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
KEEP = "--keep" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--keep"]
if "GONGKAI_SQLITE_PATH" in os.environ:
    tmp = tempfile.mkdtemp(prefix="gongkai-bench-")  # only for the profile below
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
else:
    from bench.tmpdir import bench_dir

    tmp = bench_dir(KEEP)  # removed at exit unless --keep
    os.environ["GONGKAI_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
os.environ.setdefault("GONGKAI_VAR_DIR", tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main():
    n = int(ARGS[0]) if len(ARGS) > 0 else 5000
    per = int(ARGS[1]) if len(ARGS) > 1 else 20
    call_command("migrate", verbosity=0)
    from gongkai.agencies.models import Agency, Membership
    from gongkai.rules.uscc import make_uscc
    from gongkai.supervision import selectors
    from gongkai.supervision.models import ProblemList

    rnd = random.Random(1)
    t0 = time.perf_counter()
    prov = Agency.objects.create(
        name="测试省人民政府",
        level="province",
        kind="government",
        uscc=make_uscc("1", "1", "990000", "88000000"),
    )
    parents = [prov]
    created = [prov]
    for i in range(1, n):
        parent = rnd.choice(parents[-200:])
        level = ["city", "county", "township"][min(parent.depth, 2)]
        a = Agency.objects.create(
            name=f"测试机关{i}",
            level=level,
            kind=rnd.choice(["government", "department"]),
            parent=parent,
            region_code=rnd.choice(["990100", "990200", "990300"]),
            uscc=make_uscc("1", "1", "990000", f"88{i:06d}"),
        )
        created.append(a)
        if level != "township":
            parents.append(a)
    print(f"{n} agencies built in {time.perf_counter() - t0:.1f} s")
    user = get_user_model().objects.create_user("bench")
    Membership.objects.create(user=user, agency=prov, role="supervisor")
    today = timezone.localdate()
    try:
        from gongkai.inforequests.models import InfoRequest
    except ImportError:
        InfoRequest = None
    if InfoRequest is not None:
        t0 = time.perf_counter()
        rows = []
        for a in created:
            for k in range(rnd.randint(0, per * 2)):
                rows.append(
                    InfoRequest(
                        agency=a,
                        tracking_number=f"B{a.pk}-{k}",
                        channel="online",
                        submitted_at=timezone.now(),
                        applicant_type="natural",
                        description="x",
                        form_requested="electronic",
                        delivery="email",
                        received_on=today - timedelta(days=30),
                        status=rnd.choice(["in_progress", "replied", "consultation"]),
                        due_on=today + timedelta(days=rnd.randint(-10, 10)),
                    )
                )
        InfoRequest.objects.bulk_create(rows, batch_size=5000)
        print(f"{len(rows)} applications in {time.perf_counter() - t0:.1f} s")
    ProblemList.objects.bulk_create(
        ProblemList(issuer=prov, agency=a, title="t", issued_on=today, due_on=today)
        for a in rnd.sample(created, min(500, n))
    )
    for run in range(3):
        connection.queries_log.clear()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            rows, totals, available = selectors.dashboard_rows(user, prov, today=today)
        dt = time.perf_counter() - t0
        print(
            f"run {run + 1}: dashboard_rows over {len(rows)} agencies: {dt * 1000:.0f} ms, "
            f"{len(ctx.captured_queries)} queries; sources {sorted(available)}; "
            f"overdue total {totals['overdue']}"
        )
    seeds = sorted(Path("/work/shared/seeds").glob("*.txt"))
    if seeds:
        from gongkai.supervision import checking

        uploads = [(p.name, p.read_bytes()) for p in seeds] * 4
        t0 = time.perf_counter()
        batch = checking.create_batch(user, prov, uploads)
        checking.run_batch(batch.pk)
        dt = time.perf_counter() - t0
        print(
            f"checker: {len(uploads)} seed reports stored, checked and compared in "
            f"{dt:.2f} s ({dt / len(uploads) * 1000:.0f} ms per report)"
        )
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]
    for q in slow:
        print(f"  {float(q['time']) * 1000:.0f} ms  {q['sql'][:90]}")
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        prof = str(Path(tmp) / "sv.prof")

        cProfile.runctx(
            "selectors.dashboard_rows(user, prov, today=today)", globals(), locals(), prof
        )
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()
