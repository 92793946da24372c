"""`make bench`: every benchmark in turn, each in its own process, printing its figures.

    .venv/bin/python bench/run.py [--quick]      (or BENCH_QUICK=1)

1. bench/served_bench.py — the pages as served: gunicorn with the production settings on the
   10,000-person demo organisation, driven by wrk, next to a bare Flask app served the same way
   (requests/s, p50, p99 and share of bare per page).
2. bench/network_bench.py — graph build and full analysis at 1,000 / 10,000 / 100,000 people
   (time and peak memory per step), then `network analyze` end to end (load, analyse per step,
   store), peak memory and what-if on the stored snapshot, on the 10,000- and 100,000-person
   demo organisations in SQLite (built once into instance/bench/: about 2 and 12 minutes) and,
   with NETWORK_BENCH_DATABASE_URL, in PostgreSQL; against the targets (1.5 s / 12 s, 1 GB,
   50 ms).
3. bench/pool_bench.py — topic demand, substitutes, fading mentors and circle proposals at
   10,000 / 100,000 people.

--quick runs smaller sizes (a smoke run of the benchmarks themselves; the network one end to
end on a 1,000-person demo). Nothing here asserts: speed and memory goals are read from the
printed figures (a benchmark that misses one exits 1), not enforced by timed tests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    runs = [
        ["served_bench.py"],
        ["network_bench.py", "--sizes", "300,1000" if quick else "1000,10000,100000",
         "--db-sizes", "1000" if quick else "10000,100000"],
        ["pool_bench.py", "--sizes", "1000,10000" if quick else "10000,100000"],
    ]
    failed = 0
    for script, *options in runs:
        print(f"\n== {script} {' '.join(options)}", flush=True)
        started = time.perf_counter()
        env = {**os.environ, "BENCH_QUICK": "1" if quick else os.environ.get("BENCH_QUICK", "")}
        result = subprocess.run([sys.executable, str(HERE / script), *options], check=False, env=env)  # noqa: S603 - our own scripts
        print(f"-- {script}: {time.perf_counter() - started:.0f} s, exit {result.returncode}", flush=True)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
