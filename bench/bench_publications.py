"""Figures for the publications module on a throwaway database. Prints figures; asserts nothing.

python bench/bench_publications.py [number-of-publications]      (default 200000)

Uses a fresh SQLite file in a temporary directory, or PostgreSQL when GONGKAI_DATABASE_URL is set
(then it must point to an empty database you may write to).
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("GONGKAI_DATABASE_URL"):
    os.environ["GONGKAI_VAR_DIR"] = tempfile.mkdtemp(prefix="gongkai-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(label, fn, repeat=3):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(f"{label:<58} {best * 1000:9.1f} ms")
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    call_command("migrate", verbosity=0)
    from gongkai.agencies import demo as agency_demo
    from gongkai.publications import importer, selectors, services
    from gongkai.publications.models import Column, Publication

    agencies = agency_demo.build_agencies()
    agency_demo.build_users(agencies)
    ags = list(agencies.values())
    t0 = time.perf_counter()
    for a in ags:
        services.ensure_catalogue(a)
    print(f"database: {connection.vendor}; {len(ags)} agencies")
    print(f"{'ensure_catalogue for all agencies':<58} {(time.perf_counter() - t0) * 1000:9.1f} ms")
    cols = {
        a.pk: list(Column.objects.filter(agency=a, update_cycle_days__isnull=False)) for a in ags
    }
    rnd = random.Random(7)
    kinds = ["regulation", "normative_document", "other", "other", "other"]
    t0 = time.perf_counter()
    batch = []
    for i in range(n):
        a = rnd.choice(ags)
        issued = date(2019, 1, 1) + timedelta(days=rnd.randrange(2500))
        pub_at = timezone.make_aware(
            datetime.combine(issued + timedelta(days=rnd.randrange(30)), datetime.min.time())
        )
        validity = rnd.choice(["in_force"] * 8 + ["repealed", "expired"])
        batch.append(
            Publication(
                agency=a,
                column=rnd.choice(cols[a.pk]),
                publisher=a,
                title=f"关于第{i}号事项的通知",
                index_number=f"B{a.pk}/{issued.year}-{i:07d}",
                formed_on=issued,
                issued_on=issued,
                published_at=pub_at,
                status="published",
                kind=rnd.choice(kinds),
                validity=validity,
                validity_changed_on=(issued + timedelta(days=rnd.randrange(1, 900)))
                if validity != "in_force"
                else None,
                publication_due_on=issued + timedelta(days=28),
            )
        )
        if len(batch) == 5000:
            Publication.objects.bulk_create(batch)
            batch = []
    Publication.objects.bulk_create(batch)
    print(f"{f'bulk-load {n} publications':<58} {(time.perf_counter() - t0) * 1000:9.1f} ms")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    all_ids = [a.pk for a in ags]
    timed("table2_counts(all agencies, 2024)", lambda: selectors.table2_counts(all_ids, 2024))
    timed("table2_counts(one agency, 2024)", lambda: selectors.table2_counts([ags[5].pk], 2024))
    stale = timed(
        "stale_columns(all agencies, today)", lambda: selectors.stale_columns(all_ids, date.today())
    )
    print(f"  → {len(stale)} stale columns")
    timed(
        "late_unpublished(all agencies) count", lambda: selectors.late_unpublished(all_ids).count()
    )

    edu = agencies["青山市:教育局"]
    m = 300
    t0 = time.perf_counter()
    for _ in range(m):
        services.allocate_index_number(edu, date(2026, 5, 1))
    dt = time.perf_counter() - t0
    print(f"{'allocate_index_number':<58} {m / dt:9.0f} /s")

    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.get(username="clerk")
    col = Column.objects.get(agency=edu, code="art20-01")
    body = "<p>" + "各县教育局要严格落实免试就近入学政策，联系电话0591-87654321。" * 200 + "</p>"
    m = 100
    t0 = time.perf_counter()
    for i in range(m):
        services.create_publication(
            clerk,
            edu,
            {"column": col, "title": f"草稿{i}", "formed_on": date(2026, 5, 1), "body": body},
        )
    dt = time.perf_counter() - t0
    print(f"{'create_publication (6 KB body, privacy scan, version)':<58} {m / dt:9.0f} /s")

    import io

    rows = ["名称,发布日期,索引号,文号"] + [
        f"导入文件{i},2021-05-{i % 28 + 1:02d},LEGACY/{i:06d},青教[2021]{i}号" for i in range(2000)
    ]
    data = io.BytesIO("\n".join(rows).encode())
    data.name = "bench.csv"
    t0 = time.perf_counter()
    r = importer.import_file(data, edu, filename="bench.csv")
    dt = time.perf_counter() - t0
    print(
        f"{'import_publications CSV (2000 rows, savepoint per row)':<58} {r.imported / dt:9.0f} rows/s"
    )

    t0 = time.perf_counter()
    changed = services.refresh_clock()
    dt = time.perf_counter() - t0
    total = Publication.objects.count()
    print(f"{f'refresh_clock over {total} rows ({changed} changed)':<58} {dt * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
