"""Corpus statistics: `stats/stats.json`, `stats/report.md` and PNG plots of an output folder.

`write_stats(out)` reads the parquet shards in batches (exact integer histograms, bounded
memory), draws the plots headless and writes the report; `register_files(out, paths)` adds
files written after `build.json` to its `files`. See docs/stats.md.
"""

from __future__ import annotations

from pytorrent.stats.collect import collect_stats
from pytorrent.stats.histogram import PERCENTILES, IntHistogram, Summary
from pytorrent.stats.manifest import read_manifest, register_files
from pytorrent.stats.models import CorpusStats, TokenizerStats
from pytorrent.stats.report import render_report
from pytorrent.stats.write import (
    StatsOutput,
    load_stats,
    load_tokenizer_stats,
    write_report,
    write_stats,
)

__all__ = [
    "PERCENTILES",
    "CorpusStats",
    "IntHistogram",
    "StatsOutput",
    "Summary",
    "TokenizerStats",
    "collect_stats",
    "load_stats",
    "load_tokenizer_stats",
    "read_manifest",
    "register_files",
    "render_report",
    "write_report",
    "write_stats",
]
