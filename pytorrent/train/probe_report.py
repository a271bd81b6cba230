"""The probe's results as `probe.json`, a markdown table (`probe.md`) and `probe.png`.

The figure is drawn with `matplotlib.figure.Figure` on the Agg canvas (no pyplot, no global
backend), under the default style and without the PNG `Software` tag, as the stats plots are.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytorrent.atomic import atomic_file
from pytorrent.train.probe_baselines import Baselines
from pytorrent.train.probe_distance import Dependency
from pytorrent.train.probe_samples import SampleMeasures

JSON_FILE = "probe.json"
MARKDOWN_FILE = "probe.md"
PLOT_FILE = "probe.png"


@dataclass(frozen=True)
class ProbeResult:
    settings: dict[str, Any]
    validation: dict[str, Any]  # documents, chars, closers, unknown characters
    dependency: Dependency
    baselines: Baselines
    samples: dict[float, SampleMeasures]  # by temperature


def _finite(value: Any) -> Any:
    """JSON has no infinity or NaN: such a float becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def as_json(result: ProbeResult) -> dict[str, Any]:
    samples = []
    for temperature, measures in result.samples.items():
        samples.append(
            {
                "temperature": temperature,
                **dataclasses.asdict(measures),
                "balanced_fraction": measures.balanced_fraction,
                "well_nested_fraction": measures.well_nested_fraction,
                "parsed_fraction": measures.parsed_fraction,
            }
        )
    dependency = dataclasses.asdict(result.dependency)
    cleaned: dict[str, Any] = _finite(
        {
            "settings": result.settings,
            "validation": result.validation,
            "bits_per_char": {
                "model": result.dependency.bits_per_char,
                "unigram": result.baselines.unigram_bits,
                "unigram_own": result.baselines.unigram_own_bits,
                "gzip": result.baselines.gzip_bits,
                "xz": result.baselines.xz_bits,
            },
            "dependency": dependency["buckets"],
            "samples": samples,
        }
    )
    return cleaned


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.{digits}f}"


def markdown(result: ProbeResult) -> str:
    base, dep = result.baselines, result.dependency
    lines = [
        "# Probe",
        "",
        f"Validation text: {result.validation['documents']:,} documents, {dep.chars:,} characters "
        f"({result.validation['unknown']:,} outside the vocabulary), {dep.closers:,} closers.",
        "",
        "| bits per character | model | unigram | unigram (own) | gzip -9 | xz -9e |",
        "|---|---|---|---|---|---|",
        f"| validation | {_number(dep.bits_per_char)} | {_number(base.unigram_bits)} | "
        f"{_number(base.unigram_own_bits)} | {_number(base.gzip_bits)} | {_number(base.xz_bits)} |",
        "",
        "| distance to opener | closers | P(right closer) | top-1 | brackets | P | quotes | P |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for bucket in dep.buckets:
        lines.append(
            f"| {bucket.label} | {bucket.count:,} | {_number(bucket.mean_probability)} | "
            f"{_number(bucket.top1)} | {bucket.brackets:,} | "
            f"{_number(bucket.bracket_probability)} | {bucket.quotes:,} | "
            f"{_number(bucket.quote_probability)} |"
        )
    lines += [
        "",
        "| temperature | samples | balanced | well nested | def blocks | parse | cut by the end |",
        "|---|---|---|---|---|---|---|",
    ]
    for temperature, measures in result.samples.items():
        lines.append(
            f"| {temperature:g} | {measures.samples} | {_number(measures.balanced_fraction)} | "
            f"{_number(measures.well_nested_fraction)} | {measures.def_blocks} | "
            f"{_number(measures.parsed_fraction)} | {measures.def_truncated} |"
        )
    return "\n".join(lines) + "\n"


def draw(result: ProbeResult, path: Path) -> None:
    import matplotlib.style
    from matplotlib.figure import Figure

    with matplotlib.style.context("default"):
        figure = Figure(figsize=(11, 4.5), dpi=100, layout="constrained")
        left, right = figure.subplots(1, 2)
        labels = [f"{b.label}\n({b.count:,})" for b in result.dependency.buckets]
        for name, values in (
            ("all closers", [b.mean_probability for b in result.dependency.buckets]),
            ("brackets", [b.bracket_probability for b in result.dependency.buckets]),
            ("quotes", [b.quote_probability for b in result.dependency.buckets]),
        ):
            left.plot(labels, [math.nan if v is None else v for v in values], "o-", label=name)
        left.set_ylim(0, 1.02)
        left.set_xlabel("distance to the opener in characters (closers)")
        left.set_ylabel("mean P(right closer)")
        left.set_title("Long-range dependency on validation text")
        left.legend()
        temperatures = list(result.samples)
        for name, attribute in (
            ("balanced", "balanced_fraction"),
            ("well nested", "well_nested_fraction"),
            ("def blocks that parse", "parsed_fraction"),
        ):
            values = [getattr(result.samples[t], attribute) for t in temperatures]
            right.plot(
                temperatures, [math.nan if v is None else v for v in values], "o-", label=name
            )
        right.set_ylim(0, 1.02)
        right.set_xlabel("sampling temperature")
        right.set_ylabel("fraction")
        right.set_title("Generated samples")
        right.legend()
        with atomic_file(path) as handle:
            figure.savefig(handle, format="png", metadata={"Software": None})


def write_report(result: ProbeResult, folder: Path) -> list[Path]:
    """Write `probe.json`, `probe.md` and `probe.png` into `folder`; return their paths."""
    paths = [folder / JSON_FILE, folder / MARKDOWN_FILE, folder / PLOT_FILE]
    with atomic_file(paths[0]) as handle:
        handle.write((json.dumps(as_json(result), indent=2) + "\n").encode("utf-8"))
    with atomic_file(paths[1]) as handle:
        handle.write(markdown(result).encode("utf-8"))
    draw(result, paths[2])
    return paths
