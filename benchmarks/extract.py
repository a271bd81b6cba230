"""Extraction throughput: bare `libcst.parse_module`, our extractor and `ast.parse`.

Runs all three over the same files in one process and prints MB/s per core and ratios, so
machine noise cancels. Corpus: the .py files of packages installed in this environment
(`--packages`), or any folders (`--paths`).

    python benchmarks/extract.py --packages libcst scrapy datasets --repeat 3
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import libcst

from pytorrent.drops import Drops
from pytorrent.extract import extract_source
from pytorrent.sources.decode import UndecodableFile, decode_python_source


def corpus(packages: list[str], paths: list[str]) -> list[tuple[str, str]]:
    roots = [Path(p) for p in paths]
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"package {name!r} is not installed")
        roots.extend(Path(p) for p in spec.submodule_search_locations)
    files = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            try:
                text = decode_python_source(path.read_bytes())
            except UndecodableFile:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    ast.parse(text)
                    libcst.parse_module(text)
                except Exception:
                    continue  # every contender sees only files all of them accept
            files.append((str(path), text))
    return files


def timed(run: Callable[[str, str], object], files: list[tuple[str, str]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        for path, text in files:
            run(path, text)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="*", default=["libcst", "scrapy", "datasets"])
    parser.add_argument("--paths", nargs="*", default=[])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = corpus(args.packages, args.paths)
    megabytes = sum(len(t.encode()) for _, t in files) / 1e6
    print(f"corpus: {len(files)} files, {megabytes:.1f} MB ({', '.join(args.packages)})")

    def ast_parse(_: str, text: str) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)

    contenders: dict[str, Callable[[str, str], object]] = {
        "ast.parse": ast_parse,
        "libcst.parse_module": lambda _, text: libcst.parse_module(text),
        "pytorrent extract_source": lambda path, text: extract_source(path, text, Drops()),
    }
    results = {name: megabytes / timed(run, files, args.repeat) for name, run in contenders.items()}
    base = results["libcst.parse_module"]
    print(f"{'contender':28} {'MB/s/core':>10} {'x libcst parse':>15}")
    for name, rate in results.items():
        print(f"{name:28} {rate:10.2f} {rate / base:15.2f}")
    units = sum(len(extract_source(p, t, Drops())) for p, t in files)
    print(f"units extracted: {units}")


if __name__ == "__main__":
    main()
