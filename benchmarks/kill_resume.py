"""Kill and resume: how much of an interrupted build a re-run reuses, and what it costs.

Builds a generated environment (`--packages` packages of `--functions` functions each) once
uninterrupted, then again with the same work folder, SIGKILLs that build's process group at
`--kill-at` of the uninterrupted time, re-runs it, and prints what was finished at the kill,
what the re-run reused, its time against the uninterrupted build, and whether the output is
byte-identical to it.

    python benchmarks/kill_resume.py --packages 16 --functions 200 --kill-at 0.5
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.envs import folder_bytes, make_bulky_site  # what the tests use


def build_command(site: Path, out: Path, work: Path, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "pytorrent", "build", f"installed:{site}", "--out", str(out),
        "--work", str(work), "--workers", str(workers), "--quiet",
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=16)
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the cold time")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pytorrent-kill-"))
    site = make_bulky_site(root / "env", args.packages, args.functions)

    started = time.monotonic()
    subprocess.run(
        build_command(site, root / "reference", root / "reference-work", args.workers),
        check=True, capture_output=True,
    )  # fmt: skip
    cold = time.monotonic() - started

    out, work = root / "out", root / "work"
    killed = subprocess.Popen(
        build_command(site, out, work, args.workers),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(cold * args.kill_at)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    finished = len(list(work.glob("cache/*/*.json")))

    started = time.monotonic()
    resumed = subprocess.run(
        build_command(site, out, work, args.workers), check=True, capture_output=True, text=True
    )
    again = time.monotonic() - started
    summary = next(line for line in resumed.stdout.splitlines() if "reused" in line)
    identical = folder_bytes(out) == folder_bytes(root / "reference")
    print(f"uninterrupted build: {cold:.1f} s, {args.packages} packages, {args.workers} workers")
    print(f"killed at {args.kill_at:.0%} ({cold * args.kill_at:.1f} s): {finished} finished")
    print(f"re-run: {again:.1f} s ({again / cold:.0%} of uninterrupted); {summary.split(';')[0]}")
    print(f"output byte-identical to the uninterrupted build: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()
