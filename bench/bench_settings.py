"""Settings for bench/portal_bench.py: the real settings plus a bare view for the baseline."""

from gongkai.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
