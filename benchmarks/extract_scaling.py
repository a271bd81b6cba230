"""Per-file cost of extraction against its size: time and peak memory for files of N units.

Each size runs in fresh processes, one for our extractor and one for bare
`libcst.parse_module` of the same text (so each peak RSS is its own); times are CPU seconds,
so a busy machine inflates both alike:

    python benchmarks/extract_scaling.py --sizes 12500 25000 50000 100000

Cost is linear when time(N) / time(first) stays near N / first and ours/bare stays flat.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def synthetic_file(count: int, kind: str) -> str:
    """`count` documented functions, or `count` commented statements, in one file."""
    if kind == "functions":
        doc = '"""Add the two numbers {i}."""'
        return "".join(
            f"def f{i}(a, b):\n    {doc.format(i=i)}\n    return a + b\n\n" for i in range(count)
        )
    return "".join(f"# step {i} of the plan\nx{i} = {i}\n\n" for i in range(count))


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(count: int, kind: str, which: str) -> dict[str, float]:
    """One size in this (fresh) process: the bare libcst parse or our extractor, so each
    peak RSS is its own."""
    import libcst

    from pytorrent.drops import Drops
    from pytorrent.extract import extract_source

    text = synthetic_file(count, kind)
    drops = Drops()
    start = time.process_time()
    if which == "bare":
        libcst.parse_module(text)
        units = count
    else:
        units = len(extract_source("big.py", text, drops, package="bench"))
    seconds = time.process_time() - start
    skipped = ",".join(sorted(drops.by_stage().get("extract", {})))
    return {
        "n": count,
        "mb": len(text) / 1e6,
        "s": seconds,
        "units": units,
        "peak_rss_mib": peak_rss_mib(),
        "skipped": skipped,
    }


def run_child(count: int, kind: str, which: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(count), "--kind", kind, "--which", which]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description="per-file extraction scaling")
    parser.add_argument("--sizes", type=int, nargs="+", default=[12500, 25000, 50000, 100000])
    parser.add_argument("--kind", choices=["functions", "comments"], default="functions")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--which", choices=["bare", "ours"], help=argparse.SUPPRESS)
    parser.add_argument(
        "--bare-limit",
        type=int,
        default=50_000,
        help="largest size the bare parse runs at (it has no caps)",
    )
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.kind, args.which)))
        return
    print(
        f"| {args.kind} | MB | units | bare parse CPU s | ours CPU s | ours/bare | ours vs first "
        "| size vs first | bare peak MiB | ours peak MiB | skipped as |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    first = None
    for count in args.sizes:
        ours = run_child(count, args.kind, "ours")
        bare = run_child(count, args.kind, "bare") if count <= args.bare_limit else None
        first = first or ours
        ratio = f"{ours['s'] / bare['s']:.2f}" if bare and not ours["skipped"] else "-"
        print(
            f"| {count} | {ours['mb']:.2f} | {ours['units']} "
            f"| {bare['s'] if bare else float('nan'):.2f} | {ours['s']:.2f} | {ratio} "
            f"| {ours['s'] / first['s']:.2f}x | {count / first['n']:.0f}x "
            f"| {bare['peak_rss_mib'] if bare else float('nan'):.0f} | {ours['peak_rss_mib']:.0f} "
            f"| {ours['skipped'] or '-'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
