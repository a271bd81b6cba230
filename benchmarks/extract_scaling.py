"""Per-file cost of extraction against its size: time and peak memory for files of N units.

Each size runs in a fresh process (so peak RSS is that file's alone), next to bare
`libcst.parse_module` of the same text in that same process, so the ratio cancels noise:

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


def measure(count: int, kind: str) -> dict[str, float]:
    """One size, in this process: bare libcst parse, then our extractor, same text."""
    import libcst

    from pytorrent.drops import Drops
    from pytorrent.extract import extract_source

    text = synthetic_file(count, kind)
    start = time.perf_counter()
    libcst.parse_module(text)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    units = extract_source("big.py", text, Drops(), package="bench")
    ours = time.perf_counter() - start
    return {"n": count, "mb": len(text) / 1e6, "bare_s": bare, "ours_s": ours,
            "units": len(units), "peak_rss_mib": peak_rss_mib()}


def main() -> None:
    parser = argparse.ArgumentParser(description="per-file extraction scaling")
    parser.add_argument("--sizes", type=int, nargs="+", default=[12500, 25000, 50000, 100000])
    parser.add_argument("--kind", choices=["functions", "comments"], default="functions")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.kind)))
        return
    rows = []
    for count in args.sizes:
        command = [sys.executable, __file__, "--child", str(count), "--kind", args.kind]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
    first = rows[0]
    print(f"| {args.kind} | MB | units | bare parse s | ours s | ours/bare | time vs first "
          "| size vs first | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['n']} | {row['mb']:.2f} | {row['units']} | {row['bare_s']:.2f} "
            f"| {row['ours_s']:.2f} | {row['ours_s'] / row['bare_s']:.2f} "
            f"| {row['ours_s'] / first['ours_s']:.2f}x | {row['n'] / first['n']:.0f}x "
            f"| {row['peak_rss_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
