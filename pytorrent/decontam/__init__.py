"""Decontamination: drop units that overlap evaluation benchmarks (HumanEval by default).

    index = DecontamIndex.from_config(DecontamConfig())   # once per worker
    hits = index.check(record)                           # [] for a clean unit

`pytorrent.filters` runs this as its last step and counts drops under stage "decontam"
with the benchmark name as reason. docs/dedup.md says what is caught and what is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytorrent.lazy import lazy_exports

if TYPE_CHECKING:
    from pytorrent.decontam.benchmarks import (
        HUMANEVAL,
        BenchmarkSpec,
        BenchmarkTask,
        load_tasks,
        mbpp,
        split_python,
    )
    from pytorrent.decontam.config import DecontamConfig
    from pytorrent.decontam.index import Contamination, DecontamIndex

__getattr__ = lazy_exports(
    __name__,
    {
        "HUMANEVAL": "benchmarks",
        "BenchmarkSpec": "benchmarks",
        "BenchmarkTask": "benchmarks",
        "load_tasks": "benchmarks",
        "mbpp": "benchmarks",
        "split_python": "benchmarks",
        "DecontamConfig": "config",
        "Contamination": "index",
        "DecontamIndex": "index",
    },
)

__all__ = [
    "HUMANEVAL",
    "BenchmarkSpec",
    "BenchmarkTask",
    "Contamination",
    "DecontamConfig",
    "DecontamIndex",
    "load_tasks",
    "mbpp",
    "split_python",
]
