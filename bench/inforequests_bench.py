"""Benchmark of applications (依申请公开). One command, figures printed, nothing asserted:

    /work/venv/bin/python bench/inforequests_bench.py [--seconds 10] [--clients 8] [--workers 2]
                                                      [--only sqlite|postgresql]

For each database (a fresh SQLite file in WAL mode, and a throwaway PostgreSQL cluster started
with tests.pgcluster):

1. migrate, build the demo agencies;
2. start a real HTTP server (gunicorn, ``--workers`` processes × 4 threads, DEBUG off) and let
   ``--clients`` client threads POST applications to /api/requests/ over keep-alive HTTP for
   ``--seconds`` (the per-IP rate limit is switched off with GONGKAI_SUBMIT_RATE_PER_MINUTE=0,
   since every client comes from 127.0.0.1);
3. check at the end: every 201 response's tracking number is in the database (lost = 0), no
   number was issued twice (duplicates = 0) and the numbers of the year run 1..n without gaps;
4. due-date computations per second: the pure clock (gongkai.rules.deadlines.compute_clock on
   random event sets), ``services.recompute`` of a stored case (read events, replay, write the
   derived columns) and ``recompute_open_cases`` after a calendar change (cases per second).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ parent side


def run_backend(name: str, env: dict, args) -> None:
    env = {
        **env,
        "GONGKAI_DEBUG": "0",
        "GONGKAI_SUBMIT_RATE_PER_MINUTE": "0",
        "GONGKAI_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    print(f"\n=== {name} ===", flush=True)
    setup = subprocess.run(
        [PY, __file__, "--setup"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if setup.returncode:
        print(setup.stderr[-3000:])
        return
    agency_id = int(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [GUNICORN, "gongkai.wsgi:application", "-b", f"127.0.0.1:{port}", "-w",
         str(args.workers), "-k", "gthread", "--threads", "4", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_port(port)
        _load(port, agency_id, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Verify against the database, then the clock figures.
    out = subprocess.run(
        [PY, __file__, "--verify", str(agency_id), str(args.seconds)],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    print(out.stdout, end="")
    if out.returncode:
        print(out.stderr[-3000:])


def _wait_port(port: int, timeout: float = 60) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


RESULTS_FILE = Path(tempfile.gettempdir()) / f"ir-bench-{os.getpid()}.json"


def _load(port: int, agency_id: int, args) -> None:
    stop = time.time() + args.seconds
    statuses: Counter = Counter()
    numbers: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client(k: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        rnd = random.Random(k)
        i = 0
        local_st, local_no, local_lat = Counter(), [], []
        while time.time() < stop:
            i += 1
            body = json.dumps(
                {
                    "agency_id": agency_id,
                    "applicant_type": "natural",
                    "applicant": {
                        "name": f"压测{k}-{i}",
                        "id_type": "passport",
                        "id_number": f"E{rnd.randrange(10**7):07d}",
                        "email": f"b{k}x{i}@example.com",
                    },  # fmt: skip
                    "description": f"基准测试申请：{rnd.choice(['预算', '招生', '工程', '统计'])}{i}",
                    "form_requested": "electronic",
                    "delivery": "email",
                }
            )
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/requests/", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                local_st["conn_error"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            local_lat.append(time.perf_counter() - t0)
            local_st[resp.status] += 1
            if resp.status == 201:
                local_no.append(json.loads(data)["tracking_number"])
        conn.close()
        with lock:
            statuses.update(local_st)
            numbers.extend(local_no)
            latencies.extend(local_lat)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.time() - t0
    lat = sorted(latencies) or [0.0]
    ok = statuses.get(201, 0)
    print(
        f"submissions: {ok} accepted in {dt:.1f} s with {args.clients} clients, "
        f"{args.workers} gunicorn workers × 4 threads → {ok / dt:.1f} submissions/s; "
        f"latency p50 {lat[len(lat) // 2] * 1000:.0f} ms, p95 {lat[int(len(lat) * .95)] * 1000:.0f} ms",
        flush=True,
    )  # fmt: skip
    other = {k: v for k, v in statuses.items() if k != 201}
    if other:
        print(f"other responses: {dict(other)}")
    RESULTS_FILE.write_text(json.dumps(numbers))
    os.environ["IR_BENCH_RESULTS"] = str(RESULTS_FILE)


# ------------------------------------------------------------------------------ child side


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def child_setup() -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gongkai.agencies.demo import build_agencies

    print(build_agencies()["青山市:教育局"].pk)


def child_verify(agency_id: int, seconds: float) -> None:
    _django()
    from gongkai.inforequests.models import InfoRequest

    numbers = json.loads(Path(os.environ.get("IR_BENCH_RESULTS", RESULTS_FILE)).read_text())
    stored = list(
        InfoRequest.objects.filter(agency_id=agency_id).values_list("tracking_number", flat=True)
    )
    stored_set = set(stored)
    lost = sum(1 for n in numbers if n not in stored_set)
    dup_responses = len(numbers) - len(set(numbers))
    dup_stored = len(stored) - len(stored_set)
    seqs = sorted(int(n.split("-")[1]) for n in stored)
    gapless = seqs == list(range(1, len(seqs) + 1))
    print(
        f"check: {len(numbers)} accepted, {len(stored)} stored, lost = {lost}, "
        f"duplicates = {dup_responses + dup_stored}, numbers 1..n without gaps: {gapless}"
    )
    _clock_figures(agency_id, seconds)


def _rate(fn, seconds: float, batch: int = 50) -> float:
    n, t0 = 0, time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        n += batch
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return n / dt


def _clock_figures(agency_id: int, seconds: float) -> None:
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from gongkai.agencies.models import Agency, Membership, Role
    from gongkai.inforequests import services
    from gongkai.inforequests.models import InfoRequest
    from gongkai.rules.deadlines import ClockEvent, compute_clock
    from gongkai.workcalendar.services import calendar_for

    cal = calendar_for("")
    rnd = random.Random(7)
    days = [date(2025, 1, 2) + timedelta(days=i) for i in range(600)]

    def random_case():
        d0 = rnd.choice(days)
        evs = []
        if rnd.random() < 0.3:
            evs.append(ClockEvent("amendment_requested", cal.add_workdays(d0, 3)))
            evs.append(ClockEvent("amendment_received", cal.add_workdays(d0, 8)))
        if rnd.random() < 0.3:
            s = cal.add_workdays(d0, 12)
            evs.append(ClockEvent("consultation_started", s))
            evs.append(ClockEvent("consultation_answered", cal.add_workdays(s, 6)))
        if rnd.random() < 0.2:
            evs.append(ClockEvent("extension_granted", cal.add_workdays(d0, 15), workdays=20))
        return d0, evs

    pool = [random_case() for _ in range(500)]
    it = iter(lambda: rnd.choice(pool), None)

    def pure():
        d0, evs = next(it)
        compute_clock(d0, evs, as_of=d0 + timedelta(days=40), calendar=cal)

    n_pure = _rate(pure, min(seconds, 3), batch=200)
    print(f"clock: {n_pure:,.0f} due-date computations/s (pure compute_clock, random events)")

    agency = Agency.objects.get(pk=agency_id)
    clerk, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    Membership.objects.get_or_create(user=clerk, agency=agency, role=Role.CLERK)
    # Give some stored cases a receipt and a clock event so recompute has work to do.
    cases = list(InfoRequest.objects.filter(agency=agency, status="to_confirm")[:200])
    with services.letters_suspended():
        for req in cases:
            services.confirm_receipt(req, clerk, on=date.today(), method="system")
    cases = cases or list(InfoRequest.objects.filter(agency=agency)[:200])
    cit = iter(lambda: rnd.choice(cases), None)

    def stored():
        with transaction.atomic():
            services.recompute(next(cit))

    n_db = _rate(stored, min(seconds, 3), batch=20)
    print(f"clock: {n_db:,.0f} recomputes/s of a stored case (read events, replay, write)")
    t0 = time.perf_counter()
    n = services.recompute_open_cases(years={date.today().year})
    dt = time.perf_counter() - t0
    total = InfoRequest.objects.filter(status__in=("in_progress",)).count()
    print(
        f"calendar change: recompute_open_cases scanned {total} open cases in {dt:.2f} s "
        f"({total / dt if dt else 0:,.0f} cases/s; {n} changed)"
    )


# ------------------------------------------------------------------------------ main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--only", choices=["sqlite", "postgresql"])
    p.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--verify", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.setup:
        return child_setup()
    if args.verify:
        return child_verify(int(args.verify[0]), float(args.verify[1]))

    base = {k: v for k, v in os.environ.items() if k != "GONGKAI_DATABASE_URL"}
    with tempfile.TemporaryDirectory(prefix="ir-bench-") as tmp:
        base["IR_BENCH_RESULTS"] = str(RESULTS_FILE)
        if args.only in (None, "sqlite"):
            env = {**base, "GONGKAI_VAR_DIR": f"{tmp}/sqlite",
                   "GONGKAI_SQLITE_PATH": f"{tmp}/sqlite/bench.sqlite3"}  # fmt: skip
            Path(env["GONGKAI_VAR_DIR"]).mkdir()
            run_backend("SQLite (WAL file)", env, args)
        if args.only in (None, "postgresql"):
            from tests.pgcluster import cluster

            with cluster() as url:
                env = {**base, "GONGKAI_VAR_DIR": f"{tmp}/pg", "GONGKAI_DATABASE_URL": url}
                Path(env["GONGKAI_VAR_DIR"]).mkdir()
                run_backend("PostgreSQL", env, args)
    RESULTS_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
