"""`write_stats`: `stats/stats.json`, `stats/report.md` and `stats/*.png` of an output folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pytorrent.atomic import atomic_file
from pytorrent.errors import OutputError
from pytorrent.executor import Executor
from pytorrent.stats.collect import collect_stats
from pytorrent.stats.models import CorpusStats, TokenizerStats
from pytorrent.stats.report import render_report

STATS_DIR = "stats"
STATS_JSON = "stats/stats.json"
REPORT_MD = "stats/report.md"
TOKENIZER_JSON = "stats/tokenizer.json"


@dataclass
class StatsOutput:
    """What `write_stats` wrote: the statistics, the tokenizer's (if trained) and the files."""

    stats: CorpusStats
    tokenizer: TokenizerStats | None
    files: list[Path] = field(default_factory=list)


def write_text(path: Path, text: str) -> Path:
    with atomic_file(path) as handle:
        handle.write(text.encode("utf-8"))
    return path


def write_model(path: Path, model: CorpusStats | TokenizerStats) -> Path:
    return write_text(path, model.model_dump_json(indent=2) + "\n")


def _load(path: Path, model: type[CorpusStats] | type[TokenizerStats]) -> object | None:
    if not path.is_file():
        return None
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError:
        raise OutputError(f"{path} is not valid; re-run the command that wrote it") from None


def load_stats(out: Path) -> CorpusStats | None:
    """`out/stats/stats.json`, or None when stats were never computed."""
    stats = _load(out / STATS_JSON, CorpusStats)
    return stats if isinstance(stats, CorpusStats) else None


def load_tokenizer_stats(out: Path) -> TokenizerStats | None:
    """`out/stats/tokenizer.json`, or None when no tokenizer was trained."""
    stats = _load(out / TOKENIZER_JSON, TokenizerStats)
    return stats if isinstance(stats, TokenizerStats) else None


def write_report(out: Path) -> Path | None:
    """Re-render `stats/report.md` from the JSON files (after a tokenizer is trained)."""
    stats = load_stats(out)
    if stats is None:
        return None
    return write_text(out / REPORT_MD, render_report(stats, load_tokenizer_stats(out)))


def write_stats(
    out: Path,
    drops: Mapping[str, Mapping[str, int]] | None = None,
    *,
    plots: bool = True,
    executor: Executor | None = None,
) -> StatsOutput:
    """Compute the statistics of the output folder `out` and write them under `out/stats/`.

    `drops` (stage -> reason -> count) defaults to those of `out/build.json`; the pipeline
    passes its own because it calls this before `build.json` exists. Plots of an earlier run
    that this run does not draw are removed. `stats/tokenizer.json`, written by the tokenizer,
    is included in the report when present. `executor` reads the shards in parallel.
    """
    from pytorrent.stats.plots import draw_plots  # matplotlib: imported only to draw

    data = collect_stats(out, drops, executor)
    folder = out / STATS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    pngs = draw_plots(data, folder) if plots else []
    for stale in sorted(folder.glob("*.png")):
        if stale not in pngs:
            stale.unlink()
    stats = data.stats.model_copy(update={"plots": [p.relative_to(out).as_posix() for p in pngs]})
    tokenizer = load_tokenizer_stats(out)
    files = [*pngs, write_model(out / STATS_JSON, stats)]
    files.append(write_text(out / REPORT_MD, render_report(stats, tokenizer)))
    if tokenizer is not None:
        files.append(out / TOKENIZER_JSON)
    return StatsOutput(stats, tokenizer, sorted(files))
