"""The benchmarks remove their throwaway database at exit unless --keep (they used to leave
/tmp/gongkai-bench-* directories behind on a machine shared by several people)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path, *args):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    for k in ("GONGKAI_DATABASE_URL", "GONGKAI_SQLITE_PATH", "GONGKAI_VAR_DIR"):
        env.pop(k, None)
    r = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r


@pytest.mark.sqlite_only  # the benchmarks pick their own database; once is enough
@pytest.mark.parametrize(
    "args",
    [
        ("bench/annualreport_bench.py", "--applications", "200"),
        ("bench/bench_supervision.py", "30", "2"),
    ],
    ids=["annualreport", "supervision"],
)
def test_bench_removes_its_database_unless_keep(tmp_path, args):
    _run(tmp_path, *args)
    assert list(tmp_path.glob("gongkai-bench-*")) == []
    r = _run(tmp_path, *args, "--keep")
    (kept,) = tmp_path.glob("gongkai-bench-*")
    assert (kept / "bench.sqlite3").stat().st_size > 0 and str(kept) in r.stderr
