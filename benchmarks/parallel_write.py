"""The write stage alone: the driver's single pass (`write_shards`) against one pool task per
config (`write_shards_parallel`), over the same units files, in this process, alternating.

Builds a corpus from SOURCE once (kept work folder) to get real units files, then writes
every config (pairs, acs0-5, `--jsonl` export) from them both ways, `--repeat` times each,
and prints wall seconds, the speed-up, the cost of one config alone and whether both ways
wrote byte-identical folders.

    python benchmarks/parallel_write.py
    python benchmarks/parallel_write.py --source installed --limit 40 --workers 2
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pytorrent.config import BuildConfig
from pytorrent.executor import make_executor
from pytorrent.models import Split
from pytorrent.pipeline import build
from pytorrent.units_file import read_records
from pytorrent.write.corpus import write_shards
from pytorrent.write.parallel import config_groups, write_shards_parallel

SCENARIOS = (0, 1, 2, 3, 4, 5)


def folder_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="installed")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pytorrent-bench-write-"))
    try:
        work = scratch / "work"
        build(
            BuildConfig(sources=(args.source,), out=scratch / "corpus", limit=args.limit, work=work)
        )
        paths = sorted(str(p) for p in work.rglob("*.units.jsonl.zst"))
        splits: tuple[Split, ...] = ("train", "train", "train", "train", "validation", "test")
        units = [(path, splits[i % len(splits)]) for i, path in enumerate(paths)]

        def rows() -> Iterator[tuple[Split, dict[str, object]]]:
            for path, split in units:
                for record in read_records(path):
                    yield split, record

        records = sum(1 for _ in rows())
        executor = make_executor("local", args.workers)
        times: dict[str, list[float]] = {"single pass": [], "parallel": []}
        digests: dict[str, str] = {}
        for _ in range(args.repeat):
            for way in times:
                out = scratch / way.replace(" ", "-")
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                started = time.perf_counter()
                if way == "single pass":
                    write_shards(rows(), out, scenarios=SCENARIOS, shard_records=50_000, jsonl=True)
                else:
                    write_shards_parallel(
                        executor,
                        units,
                        frozenset(),
                        str(out),
                        scenarios=SCENARIOS,
                        shard_records=50_000,
                        jsonl=True,
                    )
                times[way].append(time.perf_counter() - started)
                digests[way] = folder_digest(out)
        print(f"{records:,} records from {len(paths)} packages, {args.workers} workers")
        for way, seconds in times.items():
            print(f"{way:12s} best {min(seconds):6.2f} s wall")
        print(f"speed-up {min(times['single pass']) / min(times['parallel']):.2f}x")
        print("byte-identical:", digests["single pass"] == digests["parallel"])
        for pairs, group in config_groups(SCENARIOS):
            out = scratch / "alone"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            started = time.process_time()
            write_shards(
                rows(), out, scenarios=group, shard_records=50_000, jsonl=True, pairs_config=pairs
            )
            name = "pairs" if pairs else f"acs{group[0]}"
            print(f"  {name:6s} alone {time.process_time() - started:6.2f} CPU-s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
