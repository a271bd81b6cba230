"""Is a build's cost linear in its input? Whole builds of 1x, 2x, 4x, 8x as many packages.

Each size is built in a fresh child process (so its peak memory and CPU accounting are its
own), 1 worker (`--workers`), default settings, from the `installed` source with `--limit` base * k.
Prints per size: MB of Python read, CPU-seconds of the driver and of its worker processes,
CPU-seconds per MB (flat when the cost is linear), the driver's share of the CPU, wall time
and peak RSS of the driver and of the worker. CPU-seconds, not wall time, so a busy machine
changes the numbers little.

    python benchmarks/linearity.py
    python benchmarks/linearity.py --base 5 --factors 1,2,4,8
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pytorrent import BuildConfig, build

if __name__ == "__main__":
    started = time.monotonic()
    config = BuildConfig(
        sources=("installed",), out=sys.argv[1], limit=int(sys.argv[2]), workers=int(sys.argv[3])
    )
    report = build(config)
    wall = time.monotonic() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "packages": report.manifest.counts["packages"],
        "units": report.manifest.counts["units"],
        "mb": report.manifest.counts["python_bytes"] / 1e6,
        "driver_cpu": own.ru_utime + own.ru_stime,
        "worker_cpu": children.ru_utime + children.ru_stime,
        "extract_wall": report.run.extract_seconds,
        "wall": wall,
        "driver_rss_mib": own.ru_maxrss / 1024,
        "worker_rss_mib": max(report.run.worker_peak_rss.values(), default=0) / 2**20,
    }))
"""


def run_size(limit: int, workers: int, scratch: Path) -> dict[str, float]:
    script = scratch / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    out = scratch / f"corpus-{limit}"
    done = subprocess.run(
        [sys.executable, str(script), str(out), str(limit), str(workers)],
        capture_output=True,
        text=True,
        check=True,
        cwd=scratch,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=5, help="packages of the 1x size")
    parser.add_argument("--factors", default="1,2,4,8")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]
    with tempfile.TemporaryDirectory(prefix="pytorrent-bench-linear-") as folder:
        rows = [(k, run_size(args.base * k, args.workers, Path(folder))) for k in factors]
    print(
        "| size | packages | units | MB | driver CPU-s | worker CPU-s | CPU-s/MB "
        "| driver share | extract wall | wall | driver RSS | worker RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, r in rows:
        cpu = r["driver_cpu"] + r["worker_cpu"]
        print(
            f"| {k}x | {r['packages']:.0f} | {r['units']:,.0f} | {r['mb']:.1f} "
            f"| {r['driver_cpu']:.1f} | {r['worker_cpu']:.1f} | {cpu / r['mb']:.2f} "
            f"| {r['driver_cpu'] / cpu:.0%} | {r['extract_wall']:.1f} s | {r['wall']:.1f} s "
            f"| {r['driver_rss_mib']:.0f} MiB | {r['worker_rss_mib']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
