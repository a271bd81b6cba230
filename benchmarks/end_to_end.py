"""End to end: whole `pytorrent.pipeline.build` runs, local pool vs Dask, scaling and resume.

Builds the same corpus, one run after another in this process, with the local pool at 1
worker (the baseline), the local pool at 2 workers and a Dask LocalCluster of 2
single-threaded workers, each in a fresh work folder (nothing reused); then re-runs the
2-worker local build on the work folder of its cold run (resume). Prints wall time of the
build and of its per-package stage, MB of Python per core-hour, packages/s, peak RSS and CPU
time of each worker process (sampled from /proc by this script, beside the
`worker_peak_rss` that pytorrent reports from each worker's VmHWM), scaling efficiency T1 / (N * TN)
against the 1-worker run of this process, whether every configuration wrote byte-identical
output folders, and an extrapolation to a full PyTorrent rebuild on 32 cores.

Corpus: by default the pinned sdists of `PINNED`, downloaded once (no dependencies, no
build isolation) into `.bench-cache/sdists/` with `python -m pip download`, using pip's own
configured index; or any pytorrent SOURCE given with `--source` (repeatable), e.g.
`installed` with `--limit 40`, where more packages make the balance across workers finer.

    python benchmarks/end_to_end.py
    python benchmarks/end_to_end.py --repeat 3 --json end_to_end.json
    python benchmarks/end_to_end.py --source installed --limit 40

`--no-build-isolation` means pip prepares each sdist's metadata with the build backend that
the interpreter running pip has (setuptools and wheel for the pinned versions); pass
`--pip-python PYTHON` to download with another interpreter's pip, or put the files into the
folder by hand.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename

from pytorrent.config import BuildConfig
from pytorrent.executor import make_executor
from pytorrent.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
SDISTS = ROOT / ".bench-cache" / "sdists"

#: Pure-Python-heavy projects whose sdists build their metadata with setuptools alone
#: (rich, and newer Pygments / Pallets releases, need poetry-core, hatchling or flit_core).
PINNED = (
    ("click", "8.1.3"),
    ("docutils", "0.20.1"),
    ("Jinja2", "3.1.2"),
    ("Pygments", "2.14.0"),
    ("SQLAlchemy", "2.0.36"),
    ("Werkzeug", "2.2.3"),
)

#: PyTorrent as published: packages and bytes of Python to rebuild.
PYTORRENT_PACKAGES = 218_814
PYTORRENT_PYTHON_MB = 30_000.0
TARGET_CORES = 32

MIB = 1 << 20


@dataclass
class Setup:
    name: str
    executor: str
    workers: int


SETUPS = (
    Setup("local x1", "local", 1),
    Setup("local x2", "local", 2),
    Setup("dask x2", "dask", 2),
)


@dataclass
class Run:
    setup: str
    workers: int  # worker processes actually started (never more than packages)
    seconds: float
    extract_seconds: float
    packages: int
    reused: int
    failed: int
    python_bytes: int
    units: int
    worker_peak_rss: dict[str, int]  # as pytorrent reports it (report.run.worker_peak_rss)
    worker_hwm: dict[str, int] = field(default_factory=dict)  # worker -> VmHWM bytes, sampled
    worker_cpu: dict[str, float] = field(default_factory=dict)  # worker -> CPU seconds, sampled
    out_digest: str = ""
    messages: list[str] = field(default_factory=list)

    @property
    def mb_per_core_hour(self) -> float:
        return self.python_bytes / 1e6 / (self.workers * self.extract_seconds) * 3600


def download_pinned(folder: Path, pip_python: str) -> None:
    """Fetch every pinned sdist not already in `folder` (and nothing else)."""
    present = set()
    for path in folder.glob("*"):
        try:
            name, version = parse_sdist_filename(path.name)
        except InvalidSdistFilename:
            continue
        present.add((canonicalize_name(name), str(version)))
    missing = [
        f"{name}=={version}"
        for name, version in PINNED
        if (canonicalize_name(name), version) not in present
    ]
    if not missing:
        return
    folder.mkdir(parents=True, exist_ok=True)
    print(f"downloading {', '.join(missing)} into {folder}", flush=True)
    command = [pip_python, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    command += ["--no-build-isolation", "-d", str(folder), *missing]
    if subprocess.run(command, check=False).returncode != 0:
        sys.exit(
            "pip download failed. With --no-build-isolation the build backend of each sdist "
            f"(setuptools and wheel for {', '.join(n for n, _ in PINNED)}) must be importable "
            f"by {pip_python}: pass --pip-python with an interpreter that has them, or put "
            f"the sdists into {folder} by hand."
        )


class WorkerSampler:
    """Samples every process below this one (Linux /proc) while a build runs: its peak RSS
    (VmHWM, the high-water mark of its own address space) and its CPU time, as an
    independent check of what the workers report."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.hwm: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.available = Path("/proc/self/status").exists()

    def __enter__(self) -> WorkerSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # fields[0] is the state (field 3)
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._tick
        mine, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - mine
            mine |= frontier
        for pid in mine:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.hwm[pid] = max(self.hwm.get(pid, 0), int(line.split()[1]) * 1024)
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), times[pid])


def tree_digest(folder: Path) -> str:
    """One hash over every file's relative path and bytes: equal iff the trees are equal."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(path.relative_to(folder).as_posix().encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def corpus_rows(out: Path) -> list[dict[str, object]]:
    with gzip.open(out / "packages" / "packages.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def one_build(setup: Setup, sources: list[str], limit: int | None, out: Path, work: Path) -> Run:
    messages: list[str] = []
    config = BuildConfig(
        sources=tuple(sources),
        out=out,
        workers=setup.workers,
        executor=setup.executor,
        work=work,
        limit=limit,
    )
    with WorkerSampler() as sampler:
        report = build(config, on_message=messages.append)
    counts = report.manifest.counts
    pids = {w: int(w.rsplit(":", 1)[1]) for w in report.run.worker_peak_rss}
    return Run(
        setup=setup.name,
        workers=min(setup.workers, report.run.packages),
        seconds=report.seconds,
        extract_seconds=report.run.extract_seconds,
        packages=report.run.packages,
        reused=report.run.reused,
        failed=report.run.failed,
        python_bytes=int(counts["python_bytes"]),
        units=int(counts["units"]),
        worker_peak_rss=dict(sorted(report.run.worker_peak_rss.items())),
        worker_hwm={w: sampler.hwm[pid] for w, pid in sorted(pids.items()) if pid in sampler.hwm},
        worker_cpu={w: sampler.cpu[pid] for w, pid in sorted(pids.items()) if pid in sampler.cpu},
        messages=messages,
    )


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (the lower one of an even count)."""
    wall = statistics.median_low(r.seconds for r in runs)
    return next(r for r in runs if r.seconds == wall)


def balance_bound(sizes: Iterable[int], workers: int) -> float:
    """Best efficiency a pool can reach handing tasks out heaviest first (as the build does)
    to the first free worker, if a package's time were proportional to its bytes of Python."""
    loads = [0] * workers
    sizes = sorted(sizes, reverse=True)
    for size in sizes:
        loads[loads.index(min(loads))] += size
    return sum(sizes) / (workers * max(loads)) if max(loads) else 1.0


def _worker_pid() -> int:
    import pytorrent.tasks  # noqa: F401  (what a real worker imports first)

    return os.getpid()


def _lost(task: tuple[object, ...], reason: str) -> int:
    raise RuntimeError(f"start-up probe lost a task: {reason}")


def startup_seconds(executor: str, workers: int) -> float:
    """Start the executor's workers, run one trivial task per worker, shut down."""
    started = time.monotonic()
    tasks: list[tuple[object, ...]] = [() for _ in range(workers)]
    for _ in make_executor(executor, workers).map_unordered(_worker_pid, tasks, _lost):
        pass
    return time.monotonic() - started


def fmt_hours(hours: float) -> str:
    return f"{hours:,.1f} h ({hours / 24:.1f} days)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="a pytorrent SOURCE instead of the pinned sdists (repeatable)",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N packages only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (median)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--tmp", type=Path, default=None, help="where outputs and work go")
    parser.add_argument(
        "--pip-python", default=sys.executable, help="interpreter whose pip downloads sdists"
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    sources = args.source
    if not sources:
        download_pinned(SDISTS, args.pip_python)
        sources = [f"dir:{SDISTS}"]

    runs: dict[str, list[Run]] = {s.name: [] for s in SETUPS}
    with tempfile.TemporaryDirectory(prefix="pytorrent-e2e-", dir=args.tmp) as tmp:
        scratch = Path(tmp)
        rows: list[dict[str, object]] = []
        resume_work: Path | None = None
        number = 0
        for repeat in range(args.repeat):  # round robin: drift of a shared machine spreads
            for setup in SETUPS:
                number += 1
                out, work = scratch / f"out-{number}", scratch / f"work-{number}"
                print(f"[{repeat + 1}/{args.repeat}] {setup.name} ...", end=" ", flush=True)
                run = one_build(setup, sources, args.limit, out, work)
                run.out_digest = tree_digest(out)
                print(f"{run.seconds:.1f} s", flush=True)
                if not rows:
                    rows = corpus_rows(out)
                runs[setup.name].append(run)
                shutil.rmtree(out)
                if setup.name == "local x2":
                    if resume_work is not None:
                        shutil.rmtree(resume_work)
                    resume_work = work
                else:
                    shutil.rmtree(work)
        assert resume_work is not None
        cold = runs["local x2"][-1]
        print("resume: local x2 on the work folder of its last cold run ...", end=" ", flush=True)
        resumed = one_build(SETUPS[1], sources, args.limit, scratch / "out-resume", resume_work)
        resumed.setup = "local x2 resumed"
        resumed.out_digest = tree_digest(scratch / "out-resume")
        print(f"{resumed.seconds:.1f} s", flush=True)

    print("executor start-up probes ...", end=" ", flush=True)
    startup = {f"{s.executor} x{s.workers}": startup_seconds(s.executor, s.workers) for s in SETUPS}
    print("done\n")

    # corpus
    megabytes = sum(int(str(r["python_bytes"])) for r in rows) / 1e6
    print(f"sources: {', '.join(sources)}" + (f" (limit {args.limit})" if args.limit else ""))
    print(f"corpus: {len(rows)} packages, {megabytes:.1f} MB of Python")
    for row in rows:
        mb = int(str(row["python_bytes"])) / 1e6
        print(f"  {row['name']} {row['version']}: {row['python_files']} files, {mb:.2f} MB")
    base = runs["local x1"]
    t1 = statistics.median(r.seconds for r in base)
    t1_extract = statistics.median(r.extract_seconds for r in base)
    first = base[0]
    print(
        f"units: {first.units:,}; failed packages: {first.failed}; "
        f"runs per configuration: {args.repeat} (median)\n"
    )

    # table
    header = (
        f"{'configuration':14} {'build s':>8} {'extract s':>9} {'MB/core-h':>9} "
        f"{'pkg/s':>6} {'eff build':>9} {'eff extr':>8} {'RSS max MiB':>11}  RSS each MiB"
        f"  | worker CPU s each (busy)"
    )
    print(header)
    print("-" * len(header))
    figures: dict[str, dict[str, object]] = {}
    reported: list[str] = []
    for setup in SETUPS:
        group = runs[setup.name]
        seconds = statistics.median(r.seconds for r in group)
        extract = statistics.median(r.extract_seconds for r in group)
        middle = median_run(group)
        n = middle.workers
        rss = [v / MIB for v in middle.worker_hwm.values()]
        cpu = list(middle.worker_cpu.values())
        busy = sum(cpu) / (n * middle.extract_seconds)
        row = {
            "workers": n,
            "seconds": seconds,
            "extract_seconds": extract,
            "mb_per_core_hour": middle.python_bytes / 1e6 / (n * extract) * 3600,
            "packages_per_second": middle.packages / seconds,
            "efficiency_build": t1 / (n * seconds),
            "efficiency_extract": t1_extract / (n * extract),
            "peak_rss_mib_max": max(rss, default=0.0),
            "peak_rss_mib_each": rss,
            "reported_peak_rss_mib_each": [v / MIB for v in middle.worker_peak_rss.values()],
            "worker_cpu_seconds_each": cpu,
            "worker_busy_fraction": busy,
            "runs": [asdict(r) for r in group],
        }
        figures[setup.name] = row
        each = ", ".join(f"{v:.0f}" for v in rss) or "n/a"
        print(
            f"{setup.name:14} {seconds:8.1f} {extract:9.1f} {row['mb_per_core_hour']:9.1f} "
            f"{row['packages_per_second']:6.3f} {row['efficiency_build']:9.2f} "
            f"{row['efficiency_extract']:8.2f} {row['peak_rss_mib_max']:11.0f}  {each:12}"
            f"  | {', '.join(f'{c:.1f}' for c in cpu) or 'n/a'} ({busy:.0%})"
        )
        reported.append(
            f"{setup.name} " + ", ".join(f"{v / MIB:.0f}" for v in middle.worker_peak_rss.values())
        )
    print(
        "RSS: each worker process's VmHWM, sampled from /proc by this script; "
        "busy: worker CPU time / (workers x extract wall)\n"
        f"pytorrent's own report.run.worker_peak_rss (MiB): {'; '.join(reported)}\n"
    )

    # resume
    reuse = resumed.reused / resumed.packages if resumed.packages else 0.0
    print(
        f"resume (local x2, work folder of the cold run): {resumed.seconds:.1f} s vs "
        f"{cold.seconds:.1f} s cold = {resumed.seconds / cold.seconds:.0%} of the cold time "
        f"({cold.seconds / resumed.seconds:.1f}x faster); reused {resumed.reused} of "
        f"{resumed.packages} packages ({reuse:.0%}); extract stage {resumed.extract_seconds:.1f} s"
    )

    # byte identity
    every = [r for s in SETUPS for r in runs[s.name]] + [resumed]
    digests = {r.out_digest for r in every}
    identical = len(digests) == 1
    names = sorted({r.setup for r in every})
    if identical:
        print(f"output folders byte-identical across {len(every)} builds ({', '.join(names)}): yes")
    else:
        print(f"output folders byte-identical across {len(every)} builds: NO")
        for r in every:
            print(f"  {r.setup}: {r.out_digest[:16]}")

    # load balance and start-up
    sizes = [int(str(r["python_bytes"])) for r in rows]
    bound = balance_bound(sizes, 2)
    largest = max(sizes, default=0) / max(sum(sizes), 1)
    print(
        f"load-balance bound at 2 workers (time proportional to bytes, heaviest first): "
        f"efficiency <= {bound:.2f}; largest package {largest:.0%} of the bytes"
    )
    print(
        "executor start-up + shut-down, one trivial task per worker: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in startup.items())
    )
    routine = ("dask scheduler ", "work folder ")  # dashboard link, cache entries found
    notes = sorted({m for r in every for m in r.messages if not m.startswith(routine)})
    for message in notes:
        print(f"build message: {message}")

    # extrapolation
    rate1 = float(str(figures["local x1"]["mb_per_core_hour"]))
    eff2 = float(str(figures["local x2"]["efficiency_extract"]))
    two = figures["local x2"]
    serial_per_mb = (float(str(two["seconds"])) - float(str(two["extract_seconds"]))) / megabytes
    extract_hours = PYTORRENT_PYTHON_MB / (TARGET_CORES * rate1 * eff2)
    serial_hours = serial_per_mb * PYTORRENT_PYTHON_MB / 3600
    packages_per_core_second = first.packages / t1_extract
    by_packages_hours = PYTORRENT_PACKAGES / (TARGET_CORES * packages_per_core_second * eff2) / 3600
    print(
        f"\nextrapolation to PyTorrent ({PYTORRENT_PACKAGES:,} packages, "
        f"{PYTORRENT_PYTHON_MB / 1000:.0f} GB of Python) on {TARGET_CORES} cores\n"
        f"  assumptions: per-core throughput constant at the 1-worker {rate1:.1f} MB/core-hour; "
        f"parallel efficiency at {TARGET_CORES} cores = the {eff2:.2f} measured at 2 workers "
        f"(extract stage); the driver's serial stages (dedup clustering, split, write) grow "
        f"linearly with bytes, as measured at 2 workers ({serial_per_mb:.2f} s/MB, fixed costs "
        f"included, so an overestimate from a small corpus)\n"
        f"  per-package stage: {fmt_hours(extract_hours)}\n"
        f"  + serial driver stages: {fmt_hours(serial_hours)}\n"
        f"  = {fmt_hours(extract_hours + serial_hours)}\n"
        f"  cross-check by package count instead of bytes ({packages_per_core_second:.3f} "
        f"packages/core-second here, mean package {megabytes / max(first.packages, 1):.2f} MB vs "
        f"{PYTORRENT_PYTHON_MB / PYTORRENT_PACKAGES:.3f} MB in PyTorrent): "
        f"per-package stage {fmt_hours(by_packages_hours)}"
    )

    if args.json:
        payload = {
            "sources": sources,
            "limit": args.limit,
            "repeat": args.repeat,
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "python": sys.version.split()[0],
            "corpus": {
                "packages": [
                    {k: r[k] for k in ("name", "version", "python_files", "python_bytes")}
                    for r in rows
                ],
                "python_mb": megabytes,
                "units": first.units,
            },
            "configurations": figures,
            "resume": {
                "seconds": resumed.seconds,
                "cold_seconds": cold.seconds,
                "extract_seconds": resumed.extract_seconds,
                "reused": resumed.reused,
                "packages": resumed.packages,
                "reuse_fraction": reuse,
            },
            "byte_identical": identical,
            "balance_bound_2_workers": bound,
            "startup_seconds": startup,
            "extrapolation": {
                "packages": PYTORRENT_PACKAGES,
                "python_mb": PYTORRENT_PYTHON_MB,
                "cores": TARGET_CORES,
                "mb_per_core_hour": rate1,
                "efficiency": eff2,
                "extract_hours": extract_hours,
                "serial_hours": serial_hours,
                "total_hours": extract_hours + serial_hours,
                "by_packages_extract_hours": by_packages_hours,
            },
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
