"""Report checker throughput on one core: seeds, the pingtan corpus and a synthetic batch.

    python bench/checker_bench.py [--n 300]

Prints reports per second per core and the ratio to the target (100 reports/s/core).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.checker import check  # noqa: E402
from gongkai.checker.batch import near_copies  # noqa: E402
from gongkai.reportschema import render_html, render_text, sample_cells  # noqa: E402

TARGET = 100.0
SHARED = Path("/work/shared")


def synthetic(n: int, seed: int = 1) -> list[tuple[bytes | str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        fk = rng.choice(["2019", "2021"])
        year = rng.choice([2019, 2020]) if fk == "2019" else rng.randint(2021, 2025)
        title = f"某某县第{i}局{year}年政府信息公开工作年度报告"
        cells = sample_cells(fk, rng)
        shape = rng.choice(["html", "pipes", "lines", "gbk"])
        if shape == "html":
            out.append((render_html(fk, cells, title=title).encode(), "r.html"))
        elif shape == "gbk":
            out.append((render_text(fk, cells, title=title).encode("gbk"), "r.txt"))
        else:
            out.append((render_text(fk, cells, style=shape, title=title), "r.txt"))
    return out


def run(label: str, items: list[tuple[bytes | str, str]], repeat: int = 1) -> float:
    for src, name in items[:3]:  # warm caches (regex compilation, OpenCC table)
        check(src, name=name)
    t0 = time.process_time()
    reports = []
    for _ in range(repeat):
        reports = [check(src, name=name) for src, name in items]
    cpu = time.process_time() - t0
    count = len(items) * repeat
    rate = count / cpu if cpu else float("inf")
    errors = sum(1 for r in reports if r.error)
    print(
        f"{label:<28} {count:>5} reports  {cpu:7.2f} s CPU  {rate:8.1f} reports/s/core  "
        f"×{rate / TARGET:.2f} of target" + (f"  ({errors} unreadable)" if errors else "")
    )
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="synthetic reports")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    print(f"target: {TARGET:.0f} reports/s/core (CPU time of one process)")
    rates = []
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if seeds:
        rates.append(
            run("seeds (5 real reports)", [(p.read_bytes(), p.name) for p in seeds], repeat=20)
        )
    pt = sorted((SHARED / "corpus" / "pingtan").glob("*/page.*"))
    if pt:
        rates.append(
            run(f"pingtan ({len(pt)} txt+html)", [(p.read_bytes(), p.name) for p in pt], repeat=3)
        )
    rates.append(run(f"synthetic ({args.n}, mixed)", synthetic(args.n)))
    # worst case, reported apart: every table run together with no separators, so glued
    # digits must be split by search (the pingtan page.txt case)
    flat = [
        (
            render_text(
                fk,
                sample_cells(fk, random.Random(i)),
                style="flat",
                title=f"某县{y}年政府信息公开工作年度报告",
            ),
            "r.txt",
        )
        for i in range(60)
        for fk, y in [(("2019", 2020), ("2021", 2022))[i % 2]]
    ]
    run("synthetic flattened (60)", flat)
    reps = [check(src, name=name) for src, name in synthetic(200, seed=2)]
    t0 = time.process_time()
    near_copies(reps)
    print(f"{'near-copy scan of 200':<28} {time.process_time() - t0:7.2f} s CPU")
    overall = len(rates) / sum(1 / r for r in rates)
    print(
        f"overall (harmonic mean): {overall:.1f} reports/s/core = ×{overall / TARGET:.2f} of the {TARGET:.0f}/s target"
    )


if __name__ == "__main__":
    main()
