"""The stats stage's read-back alone: `collect_stats` serial in the driver against one task
per shard through a local pool of 1 and 2 workers started for the call, and through a pool of
2 already running (as a build's is), over the same built output folder.

Builds a corpus from SOURCE once (all scenarios, shards of `--shard-records`, so each config
has many shards as at full scale), then collects its statistics each way, alternating,
`--repeat` times, and prints best wall seconds, driver and worker CPU seconds, the ratio to
the serial pass, and whether every way gave the same statistics.

    python benchmarks/stats_collect.py
    python benchmarks/stats_collect.py --source installed --limit 40 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from pytorrent.config import BuildConfig
from pytorrent.executor import Executor, LocalExecutor, make_executor
from pytorrent.pipeline import build
from pytorrent.stats import collect_stats


def worker_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def timed(out: Path, executor: Executor | None) -> tuple[float, float, float, str]:
    wall, cpu, workers = time.perf_counter(), time.process_time(), worker_cpu()
    stats = collect_stats(out, executor=executor).stats.model_dump_json()
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        worker_cpu() - workers,
        stats,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="installed")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--shard-records", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        out = Path(tmp) / "out"
        built = build(
            BuildConfig(
                sources=(args.source,),
                out=out,
                limit=args.limit,
                workers=2,
                scenarios=(0, 1, 2, 3, 4, 5),
                shard_records=args.shard_records,
                tokenizer=False,
            )
        )
        units = built.manifest.counts["units"]
        files = sum(1 for _ in out.rglob("*.parquet"))
        print(f"corpus: {units:,} units, {files} parquet shards")
        kept = LocalExecutor(2).__enter__()  # a build's pool: started before the stats stage
        list(kept.map_unordered(len, [("warm",)] * 4, lambda task, reason: 0))
        ways: dict[str, Executor | None] = {
            "serial (driver)": None,
            "pool of 1": make_executor("local", 1),
            "pool of 2": make_executor("local", 2),
            "kept pool of 2": kept,
        }
        best: dict[str, tuple[float, float, float]] = {}
        results: set[str] = set()
        for _ in range(args.repeat):
            for name, executor in ways.items():
                wall, cpu, workers, stats = timed(out, executor)
                results.add(stats)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu, workers)
        serial = best["serial (driver)"][0]
        print(f"{'way':<16} {'wall s':>7} {'driver CPU s':>13} {'worker CPU s':>13} {'ratio':>6}")
        for name, (wall, cpu, workers) in best.items():
            print(f"{name:<16} {wall:7.2f} {cpu:13.2f} {workers:13.2f} {serial / wall:6.2f}")
        print("same statistics every way:", len(results) == 1)
        kept.__exit__(None, None, None)


if __name__ == "__main__":
    main()
