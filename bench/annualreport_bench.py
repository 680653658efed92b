"""Annual report benchmark: a synthetic province, every agency's report and every roll-up,
timed against one bare GROUP BY over the same tables in the same run.

    python bench/annualreport_bench.py [--applications 1000000] [--year 2025] [--keep]
    python -m tests.pgcluster -- python bench/annualreport_bench.py      # PostgreSQL

Without GONGKAI_DATABASE_URL (or GONGKAI_SQLITE_PATH) it uses a fresh SQLite file in a
/tmp/gongkai-bench-* directory, removed at exit unless --keep. Builds
about 2,000 agencies (province → cities → counties → townships, with departments), the
applications spread over 2021–2025 and ~2% as many appeals, with bulk_create. Target: building
all reports + roll-ups (builder.build_many + builder.rollups) ≤ 2× the bare GROUP BY queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django(keep: bool = False):
    if not os.environ.get("GONGKAI_DATABASE_URL") and not os.environ.get("GONGKAI_SQLITE_PATH"):
        from bench.tmpdir import bench_dir

        tmp = bench_dir(keep)  # removed at exit unless --keep
        os.environ["GONGKAI_SQLITE_PATH"] = os.path.join(tmp, "bench.sqlite3")
        os.environ.setdefault("GONGKAI_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_agencies(rng):
    from gongkai.agencies.models import Agency
    from gongkai.rules.uscc import make_uscc

    Agency.objects.all().delete()
    rows = []
    n = [0]

    def add(name, level, kind, parent):
        n[0] += 1
        pk = n[0]
        uscc = make_uscc("1", "1", "990000", f"{pk:08d}")
        path = (parent.path if parent else "/") + f"{pk}/"
        a = Agency(
            pk=pk,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent.pk if parent else None,
            uscc=uscc,
            org_code=uscc[8:17],
            path=path,
            depth=path.count("/") - 2,
        )
        rows.append(a)
        return a

    prov = add("示例省人民政府", "province", "government", None)
    for d in range(30):
        add(f"省厅{d}", "province", "department", prov)
    for c in range(15):
        city = add(f"市{c}人民政府", "city", "government", prov)
        for d in range(30):
            add(f"市{c}局{d}", "city", "department", city)
        for k in range(5):
            county = add(f"市{c}县{k}人民政府", "county", "government", city)
            for d in range(15):
                add(f"市{c}县{k}局{d}", "county", "department", county)
            for t in range(4):
                add(f"市{c}县{k}镇{t}", "township", "government", county)
    Agency.objects.bulk_create(rows, batch_size=1000)
    return rows


def _raw_inserter(model, variable: list[str]):
    """A fast INSERT for synthetic rows: `variable` columns come per row, every other column
    takes its field default prepared once by Django (bulk_create's per-value preparation
    dominates at a million rows)."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    const = {}
    for f in fields:
        if f.name in variable or f.attname in variable:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        const[f.column] = f.get_db_prep_save(value, connection)
    var_cols = [model._meta.get_field(n).column for n in variable]
    cols = var_cols + list(const)
    tail = tuple(const.values())
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) "
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )

    def insert(rows):
        if connection.vendor == "postgresql":  # COPY: an order of magnitude faster
            connection.ensure_connection()
            with connection.connection.cursor() as cur:
                copy_sql = (
                    f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN"
                )
                with cur.copy(copy_sql) as copy:
                    for r in rows:
                        copy.write_row(r + tail)
            return
        with connection.cursor() as cur:
            cur.executemany(sql, [r + tail for r in rows])

    return insert


def make_applications(agencies, total, rng, years=(2021, 2022, 2023, 2024, 2025)):
    from django.db import connection, transaction
    from django.utils import timezone

    from gongkai.inforequests.models import OUTCOME_KEYS, InfoRequest
    from gongkai.reportschema import APPLICANT_TYPES

    insert = _raw_inserter(
        InfoRequest,
        [
            "agency_id",
            "tracking_number",
            "submitted_at",
            "applicant_type",
            "received_on",
            "replied_on",
            "outcome",
            "status",
            "access_code_hash",
            "channel",
            "description",
            "form_requested",
            "delivery",
        ],
    )
    ops = connection.ops
    ids = [a.pk for a in agencies]
    # a few busy agencies, a long tail of quiet ones
    weights = [rng.paretovariate(1.2) for _ in ids]
    outcomes = list(OUTCOME_KEYS)
    o_weights = [
        40 if o == "disclosed" else 10 if o == "partially_disclosed" else 2 for o in outcomes
    ]
    types = list(APPLICANT_TYPES)
    t_weights = [70, 15, 2, 2, 6, 5]
    tz = timezone.get_current_timezone()
    days = [
        {
            d: (
                ops.adapt_datefield_value(dt.date(y, 1, 1) + dt.timedelta(days=d)),
                ops.adapt_datetimefield_value(
                    dt.datetime.combine(dt.date(y, 1, 1) + dt.timedelta(days=d), dt.time(9), tz)
                ),
            )
            for d in range(366)
        }
        for y in years
    ]
    batch = 50000
    done = counter = 0
    per_year = total // len(years)
    for yi, year in enumerate(years):
        left = per_year
        while left > 0:
            k = min(batch, left)
            agency_ids = rng.choices(ids, weights, k=k)
            types_k = rng.choices(types, t_weights, k=k)
            outs = rng.choices(outcomes, o_weights, k=k)
            rows = []
            for i in range(k):
                counter += 1
                d = rng.randrange(365)
                received, submitted = days[yi][d]
                if rng.random() < 0.03:
                    replied, outcome, status = None, None, "in_progress"
                else:
                    r = d + rng.randrange(45)
                    replied = (
                        days[yi][r][0]
                        if r < 366
                        else ops.adapt_datefield_value(dt.date(year, 1, 1) + dt.timedelta(days=r))
                    )
                    outcome, status = outs[i], "replied"
                rows.append(
                    (
                        agency_ids[i],
                        f"{year}-{counter:07d}",
                        submitted,
                        types_k[i],
                        received,
                        replied,
                        outcome,
                        status,
                        "x",
                        "online",
                        "-",
                        "electronic",
                        "email",
                    )
                )
            with transaction.atomic():
                insert(rows)
            left -= k
            done += k
            print(f"\r  applications {done:,}/{total:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def make_appeals(agencies, n, rng):
    from gongkai.appeals.models import Appeal

    ids = [a.pk for a in agencies]
    kinds = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    objs = []
    for _ in range(n):
        filed = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
        if rng.random() < 0.25:
            objs.append(
                Appeal(
                    agency_id=rng.choice(ids), kind=rng.choice(kinds), subject="-", filed_on=filed
                )
            )
        else:
            objs.append(
                Appeal(
                    agency_id=rng.choice(ids),
                    kind=rng.choice(kinds),
                    subject="-",
                    filed_on=filed,
                    decided_on=filed + dt.timedelta(days=rng.randrange(120)),
                    result=rng.choice(["upheld", "corrected", "other"]),
                )
            )
    Appeal.objects.bulk_create(objs, batch_size=5000)


def bare_group_by(year):
    """The floor: one plain GROUP BY per table over the rows a year's report looks at."""
    from django.db import connection

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT agency_id, applicant_type, outcome, COUNT(*) FROM inforequests_inforequest "
            "WHERE received_on IS NOT NULL AND (replied_on IS NULL OR replied_on >= %s) "
            "AND (received_on <= %s OR replied_on <= %s) GROUP BY agency_id, applicant_type, outcome",
            [start, end, end],
        )
        a = cur.fetchall()
        cur.execute(
            "SELECT agency_id, kind, result, COUNT(*) FROM appeals_appeal "
            "WHERE filed_on >= %s AND filed_on <= %s GROUP BY agency_id, kind, result",
            [start, end],
        )
        b = cur.fetchall()
    return len(a) + len(b)


def best_of(fn, n=3):
    times = []
    out = None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--applications", type=int, default=1_000_000)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="keep the data already in the database")
    ap.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite database after the run"
    )
    args = ap.parse_args()
    t_setup = time.perf_counter()
    setup_django(args.keep)
    print(f"migrate: {time.perf_counter() - t_setup:.1f}s", file=sys.stderr)
    from django.db import connection

    from gongkai.agencies.models import Agency
    from gongkai.annualreports import builder
    from gongkai.appeals.selectors import table4_counts_by_agency
    from gongkai.inforequests import selectors as t3
    from gongkai.reportschema import check_cells

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    if args.reuse and Agency.objects.exists():
        agencies = list(Agency.objects.all())
    else:
        agencies = make_agencies(rng)
        print(f"agencies: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        make_applications(agencies, args.applications, rng)
        print(f"applications: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        make_appeals(agencies, args.applications // 50, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    gen = time.perf_counter() - t0
    from gongkai.inforequests.models import InfoRequest

    n_apps = InfoRequest.objects.count()
    print(
        f"database: {connection.vendor}; agencies {len(agencies):,}; applications {n_apps:,}; generated in {gen:.1f}s"
    )

    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    year = args.year
    bare, groups = best_of(lambda: bare_group_by(year))

    def build_all():
        many = builder.build_many(None, year)
        ups = builder.rollups(many, parents)
        return many, ups

    build, (many, ups) = best_of(build_all)
    t = time.perf_counter()
    bad = sum(1 for cells in many.values() if check_cells("2021", cells))
    bad += sum(1 for cells in ups.values() if check_cells("2021", cells))
    checks = time.perf_counter() - t
    n_rollups = sum(1 for a in parents if any(p == a for p in parents.values()))
    print(f"bare GROUP BY (2 queries, {groups:,} groups): {bare:.3f}s")
    print(
        f"build_many + rollups ({len(many):,} reports, {n_rollups:,} roll-ups with subordinates): {build:.3f}s"
    )
    print(f"ratio build / bare: {build / bare:.2f}x (target <= 2x)")
    phases = [
        ("table 三 grouped query", lambda: t3._fetch(t3.table3_grouped(None, year, True))),
        ("table 三 query + distribution", lambda: builder.table3_by_agency(None, year)),
        ("table 四 grouped", lambda: table4_counts_by_agency(None, year)),
        ("table 二 (publications)", lambda: builder._table2_many(None, year, "2021")),
        ("roll-ups", lambda: builder.rollups(many, parents)),
    ]
    for label, fn in phases:
        print(f"  {label}: {best_of(fn)[0]:.3f}s")
    print(
        f"identity checks on every report and roll-up: {checks:.3f}s; reports with findings: {bad}"
    )
    province = min(parents, key=lambda a: 0 if parents[a] is None else 1)
    print(
        f"province roll-up: new {ups[province]['applications.new.total']:,}, finished "
        f"{ups[province]['applications.outcomes_total.total']:,}, appeals "
        f"{ups[province]['appeals.reconsideration.total']:,} reconsiderations"
    )


if __name__ == "__main__":
    main()
