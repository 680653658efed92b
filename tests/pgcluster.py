"""A throwaway PostgreSQL cluster on loopback for the test run (no Docker, no system service).

`python -m tests.pgcluster -- pytest ...` runs initdb into a temporary directory, starts the
server on a free 127.0.0.1 port, runs the command with GONGKAI_DATABASE_URL pointing at it, and
removes everything afterwards. As root, the server runs as the `postgres` system user (initdb
refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bindir() -> str | None:
    for pattern in ("/usr/lib/postgresql/*/bin",):
        for d in sorted(glob.glob(pattern), reverse=True):
            if os.path.exists(os.path.join(d, "initdb")):
                return d
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster():
    bindir = find_bindir()
    if not bindir:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb) not found; apt-get install postgresql"
        )
    tmp = tempfile.mkdtemp(prefix="gongkai-pg-")
    data = os.path.join(tmp, "data")
    port = _free_port()
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        pw = pwd.getpwnam("postgres")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [
            *prefix,
            f"{bindir}/initdb",
            "-D",
            data,
            "-U",
            "gongkai",
            "-E",
            "UTF8",
            "--auth=trust",
            "-N",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    subprocess.run(
        [
            *prefix,
            f"{bindir}/pg_ctl",
            "-D",
            data,
            "-o",
            opts,
            "-l",
            os.path.join(tmp, "log"),
            "-w",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    try:
        subprocess.run(
            [f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "gongkai", "gongkai"],
            check=True,
            env=env,
        )
        yield f"postgres://gongkai@127.0.0.1:{port}/gongkai"
    finally:
        subprocess.run(
            [*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(0.2)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    with cluster() as url:
        env = {**os.environ, "GONGKAI_DATABASE_URL": url}
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
