"""Portal benchmark: the document page against a bare Django view, then behind nginx.

    python bench/portal_bench.py                 # ~2 minutes
    python bench/portal_bench.py --duration 20   # longer runs

Builds a throwaway SQLite site with the demo data, starts gunicorn (loopback port, one worker
per core) and measures with wrk:
1. requests/s of a document page (/documents/<id>/) against a bare Django view on the same
   server, same run (target ≥ 0.5×);
2. nginx with deploy/nginx/gongkai.conf (micro-cache) in front: the document page against
   nginx serving a static file (target ≥ 0.8×).
Loopback traffic only; every process started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wrk(url: str, duration: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def nginx_conf(tmp: Path, nginx_port: int, app_port: int, static_root: Path) -> Path:
    site = (ROOT / "deploy" / "nginx" / "gongkai.conf").read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("/var/cache/nginx/gongkai", str(tmp / "nginx-cache"))
    site = site.replace("/srv/gongkai/var/static/", f"{static_root}/")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{nginx_port};")
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""user root;
worker_processes auto;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
{site}
}}
"""
    )
    return conf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    ap.add_argument("--rounds", type=int, default=3, help="alternating runs per pair (median)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} not found (apt-get install wrk nginx)")

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-portal-bench-"))
    os.chmod(tmp, 0o755)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "GONGKAI_VAR_DIR": str(tmp),
        "GONGKAI_SQLITE_PATH": str(tmp / "gongkai.sqlite3"),
        "GONGKAI_DEBUG": "0",
        "GONGKAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    procs: list[subprocess.Popen] = []
    try:
        manage = [PY, str(ROOT / "manage.py")]
        print("setting up a demo site …", file=sys.stderr)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True, cwd=ROOT
        )
        doc_id = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from gongkai.publications.selectors import public_publications as p;"
                "from django.db.models.functions import Length;"
                "print('DOC', p().annotate(n=Length('body')).order_by('-n').first().pk)",
            ],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        doc_id = re.search(r"DOC (\d+)", doc_id).group(1)

        app_port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "gongkai.wsgi",
                    "-b",
                    f"127.0.0.1:{app_port}",
                    "-w",
                    str(args.workers),
                    "--pythonpath",
                    str(ROOT),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
        )
        app = f"http://127.0.0.1:{app_port}"
        doc_path = f"/documents/{doc_id}/"
        wait_for(app + "/__bench/bare/")
        wait_for(app + doc_path)
        size = len(urllib.request.urlopen(app + doc_path).read())
        print(
            f"gunicorn ({args.workers} workers) on {app}; document page {doc_path} "
            f"({size:,} bytes)",
            file=sys.stderr,
        )
        wrk(app + doc_path, 2, args.connections)  # warm-up
        # The machine is shared: alternate the two URLs and take each one's median.
        bare_runs, doc_runs = [], []
        for _ in range(args.rounds):
            bare_runs.append(wrk(app + "/__bench/bare/", args.duration, args.connections))
            doc_runs.append(wrk(app + doc_path, args.duration, args.connections))
        bare, doc = statistics.median(bare_runs), statistics.median(doc_runs)

        nginx_port = free_port()
        # gongkai/static is not an app's static folder, so collectstatic misses site.css;
        # serve the source folder (the static file is what matters here).
        conf = nginx_conf(tmp, nginx_port, app_port, ROOT / "gongkai" / "static")
        procs.append(subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp)]))
        front = f"http://127.0.0.1:{nginx_port}"
        wait_for(front + "/static/gongkai/site.css")
        wait_for(front + doc_path)
        with urllib.request.urlopen(front + doc_path) as r:
            cache = r.headers.get("X-Cache")
        static_runs, cached_runs = [], []
        for _ in range(args.rounds):
            static_runs.append(
                wrk(front + "/static/gongkai/site.css", args.duration, args.connections)
            )
            cached_runs.append(wrk(front + doc_path, args.duration, args.connections))
        static, cached = statistics.median(static_runs), statistics.median(cached_runs)

        ok = lambda c: "ok" if c else "MISSED"  # noqa: E731
        fmt = lambda runs: ", ".join(f"{r:,.0f}" for r in runs)  # noqa: E731
        print(
            f"\n== portal · wrk -t2 -c{args.connections} -d{args.duration}s, loopback, "
            f"{os.cpu_count()} cores =="
        )
        print(f"bare Django view (gunicorn):   {bare:10,.0f} req/s   runs {fmt(bare_runs)}")
        print(
            f"document page (gunicorn):      {doc:10,.0f} req/s   ratio {doc / bare:.2f}  "
            f"target ≥ 0.5: {ok(doc / bare >= 0.5)}"
        )
        print(f"nginx static file:             {static:10,.0f} req/s   runs {fmt(static_runs)}")
        print(
            f"document page (nginx cache):   {cached:10,.0f} req/s   ratio {cached / static:.2f}  "
            f"target ≥ 0.8: {ok(cached / static >= 0.8)}   (X-Cache after first hit: {cache})"
        )
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
