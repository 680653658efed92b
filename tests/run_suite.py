"""The one test command (bin/test): every pass the project has, and a clear account of it.

Passes: ruff; pytest on SQLite (browser tests included); pytest on PostgreSQL in a throwaway
cluster (browser tests excluded: they exercise the UI, not the database). With CI=true a missing
PostgreSQL or chromium fails the run; otherwise the run says what it skipped and why.
Extra arguments go to every pytest pass (e.g. ``bin/test -k deadline``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PY = sys.executable
OUT = ROOT / "var" / "test-results"


def _counts(xml_path: Path) -> dict[str, int]:
    c = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    if not xml_path.exists():
        return c
    root = ET.parse(xml_path).getroot()
    for suite in root.iter("testsuite"):
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0))
        errors = int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        c["failed"] += failed
        c["errors"] += errors
        c["skipped"] += skipped
        c["passed"] += tests - failed - errors - skipped
    return c


def _workers() -> list[str]:
    n = os.environ.get("GONGKAI_TEST_WORKERS", "2")
    return [] if n in ("0", "1") else ["-n", n, "--dist", "loadgroup"]


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    not_run: list[str] = []
    totals = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    rc_all = 0

    print("==> ruff check", flush=True)
    if subprocess.call([PY, "-m", "ruff", "check", "."], cwd=ROOT) != 0:
        problems.append("ruff check found problems")
        rc_all = 1

    chromium = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")
    have_browser = os.path.exists(chromium)
    sys.path.insert(0, str(ROOT))
    from tests.pgcluster import find_bindir

    have_pg = find_bindir() is not None
    if CI:
        if not have_browser:
            problems.append(f"CI=true but chromium is missing at {chromium}")
        if not have_pg:
            problems.append("CI=true but PostgreSQL server binaries are missing")

    base = [PY, "-m", "pytest", "-p", "no:cacheprovider", *_workers(), *argv]

    print(
        "\n==> pytest on SQLite"
        + ("" if have_browser else " (browser tests skipped: no chromium)"),
        flush=True,
    )
    xml = OUT / "sqlite.xml"
    cmd = [*base, f"--junitxml={xml}"]
    if not have_browser:
        cmd += ["-m", "not browser"]
        not_run.append(
            f"browser tests: chromium not found at {chromium} (apt-get install chromium)"
        )
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_DATABASE_URL"}
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    rc_all |= rc if rc != 5 else 0
    for k, v in _counts(xml).items():
        totals[k] += v

    if have_pg:
        print(
            "\n==> pytest on PostgreSQL (throwaway cluster; browser tests run once, above)",
            flush=True,
        )
        xml = OUT / "postgres.xml"
        cmd = [PY, "-m", "tests.pgcluster", "--", *base, "-m", "not browser", f"--junitxml={xml}"]
        rc = subprocess.call(cmd, cwd=ROOT, env=env)
        rc_all |= rc if rc != 5 else 0
        for k, v in _counts(xml).items():
            totals[k] += v
    else:
        not_run.append("PostgreSQL pass: no initdb found (apt-get install postgresql)")

    print("\n==> summary")
    for item in not_run:
        print(f"NOT RUN: {item}")
    for p in problems:
        print(f"PROBLEM: {p}")
    if CI and totals["skipped"]:
        problems.append(f"{totals['skipped']} tests skipped under CI=true")
        print(
            f"PROBLEM: {totals['skipped']} tests were skipped; with CI=true nothing may be skipped"
        )
    failed = totals["failed"] + totals["errors"]
    ok = rc_all == 0 and not problems and failed == 0 and totals["passed"] > 0
    print(f"{totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
