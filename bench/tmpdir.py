"""A throwaway directory for a benchmark's database, removed when the benchmark exits.

`bench_dir(keep)` makes ``/tmp/gongkai-bench-*`` (under $TMPDIR) and, unless ``keep`` (the
benchmarks' ``--keep``), removes it at exit: normal end, an exception, Ctrl-C or SIGTERM.
With --keep it prints where the database stays, to be inspected or re-used.
"""

from __future__ import annotations

import atexit
import shutil
import signal
import sys
import tempfile


def bench_dir(keep: bool = False) -> str:
    tmp = tempfile.mkdtemp(prefix="gongkai-bench-")
    if keep:
        atexit.register(
            print, f"database kept in {tmp} (--keep): delete it afterwards", file=sys.stderr
        )
        return tmp
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        # SIGTERM would end the process without running atexit handlers
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    return tmp
