"""The write stage alone: the driver's single pass (`write_shards`) against the two-phase
segmented writer (`write_shards_segmented`) inline and at 1 and 2 workers, over the same
real units files, alternating.

Builds a corpus from SOURCE once (kept work folder) to get real units files, then writes
every config (pairs, acs0-5, the `--jsonl` export) each way, `--repeat` times, and prints
the best wall seconds, the CPU seconds of the driver and its worker processes, the time
of the segments phase, and whether every way wrote a byte-identical folder.

    python benchmarks/segment_write.py
    python benchmarks/segment_write.py --source installed --limit 20 --repeat 2
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pytorrent.config import BuildConfig
from pytorrent.executor import make_executor
from pytorrent.models import Split
from pytorrent.pipeline import build
from pytorrent.units_file import read_records
from pytorrent.write.corpus import write_shards
from pytorrent.write.segments import write_shards_segmented

SCENARIOS = (0, 1, 2, 3, 4, 5)


def folder_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cpu_seconds() -> float:
    """This process's CPU time plus that of its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="installed")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--chunks", type=int, default=8, help="phase-1 tasks (package chunks)")
    parser.add_argument(
        "--shard-records",
        type=int,
        default=50_000,
        help="records per shard; below a stream's rows, many shards per config as at full scale",
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pytorrent-bench-segments-"))
    try:
        work = scratch / "work"
        build(
            BuildConfig(sources=(args.source,), out=scratch / "corpus", limit=args.limit, work=work)
        )
        paths = sorted(str(p) for p in work.rglob("*.units.jsonl.zst"))
        splits: tuple[Split, ...] = ("train", "train", "train", "train", "validation", "test")
        units = [(path, splits[i % len(splits)]) for i, path in enumerate(paths)]
        per_chunk = max(1, -(-len(units) // args.chunks))

        def rows() -> Iterator[tuple[Split, dict[str, object]]]:
            for path, split in units:
                for record in read_records(path):
                    yield split, record

        phase_one: dict[str, float] = {}
        scratch_bytes: dict[str, int] = {}

        def segmented(way: str, workers: int) -> Callable[[Path], object]:
            """`workers` 0: the inline executor (the writer's own cost, no pool start-up)."""

            def run(out: Path) -> object:
                started = time.perf_counter()

                def on_progress(phase: str, done: int, total: int) -> None:
                    if phase == "segments" and done == total:
                        phase_one[way] = time.perf_counter() - started
                        files = (scratch / "segments").rglob("*")
                        scratch_bytes[way] = sum(p.stat().st_size for p in files if p.is_file())

                return write_shards_segmented(
                    make_executor("local", workers) if workers else make_executor("inline", 1),
                    units,
                    frozenset(),
                    str(out),
                    str(scratch / "segments"),
                    scenarios=SCENARIOS,
                    shard_records=args.shard_records,
                    jsonl=True,
                    packages_per_chunk=per_chunk,
                    on_progress=on_progress,
                )

            return run

        ways: dict[str, Callable[[Path], object]] = {
            "single pass": lambda out: write_shards(
                rows(), out, scenarios=SCENARIOS, shard_records=args.shard_records, jsonl=True
            ),
            "segments inline": segmented("segments inline", 0),
            "segments 1w": segmented("segments 1w", 1),
            "segments 2w": segmented("segments 2w", 2),
        }
        wall: dict[str, list[float]] = {way: [] for way in ways}
        cpu: dict[str, list[float]] = {way: [] for way in ways}
        digests: dict[str, str] = {}
        for _ in range(args.repeat):
            for way, write in ways.items():
                out = scratch / way.replace(" ", "-")
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                started, cpu_started = time.perf_counter(), cpu_seconds()
                write(out)
                wall[way].append(time.perf_counter() - started)
                cpu[way].append(cpu_seconds() - cpu_started)
                digests[way] = folder_digest(out)
        records = sum(1 for _ in rows())
        output = sum(p.stat().st_size for p in (scratch / "single-pass").rglob("*") if p.is_file())
        print(
            f"{records:,} records from {len(paths)} packages, {per_chunk} packages per chunk, "
            f"{args.shard_records:,} records per shard"
        )
        print(f"output {output / 2**20:.0f} MiB")
        serial = min(wall["single pass"])
        for way in ways:
            best = min(wall[way])
            extra = ""
            if way in phase_one:
                size = scratch_bytes[way] / 2**20
                extra = f"  (segments phase {phase_one[way]:5.2f} s, {size:.0f} MiB of segments)"
            print(
                f"{way:15s} best {best:6.2f} s wall {min(cpu[way]):6.2f} CPU-s"
                f"  {serial / best:4.2f}x{extra}"
            )
        same = all(d == digests["single pass"] for d in digests.values())
        print("byte-identical:", same)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
