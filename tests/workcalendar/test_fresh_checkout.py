"""`gongkai deadline` and `gongkai calendar` on a database that was never migrated: they answer
from the built-in schedule and say that the override rows were not read (no traceback)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gongkai(tmp_path, *args):
    env = dict(os.environ, GONGKAI_SQLITE_PATH=str(tmp_path / "empty.sqlite3"))
    env.pop("GONGKAI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deadline_without_migrations(tmp_path):
    r = _gongkai(tmp_path, "deadline", "--received", "2026-12-20", "--as-of", "2026-12-21")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["due_on"] == "2027-01-15"
    codes = [w["code"] for w in out["warnings"]]
    assert codes == ["overrides_unavailable", "calendar_fallback"]
    assert "gongkai migrate" in out["warnings"][0]["message"]
    assert "Traceback" not in r.stderr


def test_calendar_without_migrations(tmp_path):
    r = _gongkai(tmp_path, "calendar", "2026")
    assert r.returncode == 0, r.stderr
    assert "2026-10-01" in r.stdout and "国庆节" in r.stdout
    assert "数据库尚未初始化" in r.stdout
