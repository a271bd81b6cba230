"""The dataset card `README.md`: YAML configs that `datasets.load_dataset` reads, and prose.

Everything in the card is generated from the build's own numbers, so it never drifts from
the data it describes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from pytorrent import layout
from pytorrent.records import SCENARIOS
from pytorrent.split import SPLITS
from pytorrent.stats.collect import read_packages
from pytorrent.stats.manifest import read_manifest
from pytorrent.stats.models import CorpusStats, TokenizerStats
from pytorrent.stats.report import (
    category_table,
    main_table,
    token_table,
    tokenizer_summary,
    tokenizer_table,
)
from pytorrent.stats.write import load_stats, load_tokenizer_stats, write_text
from pytorrent.write.card_files import fields_section, files_section
from pytorrent.write.public import md_cell

CITATION = """@article{bahrami2021pytorrent,
  title   = {PyTorrent: A Python Library Corpus for Large-scale Language Models},
  author  = {Bahrami, Mehdi and Shrikanth, N. C. and Ruangwan, Shade and Liu, Lei and
             Mizobuchi, Yuji and Fukuyori, Masahiro and Chen, Wei-Peng and Munakata,
             Kazuki and Menzies, Tim},
  journal = {arXiv preprint arXiv:2110.01710},
  year    = {2021}
}"""

# Hub license ids of the licenses packages most often declare.
_HUB_LICENSES = {
    "mit": "mit",
    "mit license": "mit",
    "apache-2.0": "apache-2.0",
    "apache 2.0": "apache-2.0",
    "apache software license": "apache-2.0",
    "apache license 2.0": "apache-2.0",
    "bsd-3-clause": "bsd-3-clause",
    "bsd-2-clause": "bsd-2-clause",
    "bsd": "bsd",
    "bsd license": "bsd",
    "gpl-3.0": "gpl-3.0",
    "gpl-3.0-or-later": "gpl-3.0",
    "lgpl-3.0": "lgpl-3.0",
    "mpl-2.0": "mpl-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "mpl-2.0",
    "isc": "isc",
    "isc license (iscl)": "isc",
    "psf-2.0": "other",
    "unlicense": "unlicense",
    "the unlicense (unlicense)": "unlicense",
    "apache license, version 2.0": "apache-2.0",
    "bsd 3-clause": "bsd-3-clause",
    "bsd 2-clause": "bsd-2-clause",
    "gnu general public license v3 (gplv3)": "gpl-3.0",
    "gnu general public license v2 (gplv2)": "gpl-2.0",
    "gpl-2.0": "gpl-2.0",
    "gnu lesser general public license v3 (lgplv3)": "lgpl-3.0",
    "lgpl-2.1": "lgpl-2.1",
    "agpl-3.0": "agpl-3.0",
    "cc0-1.0": "cc0-1.0",
    "zlib": "zlib",
    # SPDX ids as pytorrent.metadata.licenses normalises them
    "gpl-2.0-only": "gpl-2.0",
    "gpl-2.0-or-later": "gpl-2.0",
    "gpl-3.0-only": "gpl-3.0",
    "lgpl-2.1-only": "lgpl-2.1",
    "lgpl-2.1-or-later": "lgpl-2.1",
    "lgpl-3.0-only": "lgpl-3.0",
    "lgpl-3.0-or-later": "lgpl-3.0",
    "agpl-3.0-only": "agpl-3.0",
    "agpl-3.0-or-later": "agpl-3.0",
    "bsl-1.0": "bsl-1.0",
}


def hub_license_id(name: str) -> str:
    """The Hub license id of one declared license (a classifier's last part counts), or 'other'."""
    key = name.rsplit("::", 1)[-1].strip().lower()
    return _HUB_LICENSES.get(key, "other")


def hub_license(licenses: Counter[str]) -> str:
    """One Hub license id when every package agrees on a known license, else 'other'."""
    ids = {hub_license_id(name) for name in licenses}
    return ids.pop() if len(ids) == 1 else "other"


def size_category(n: int) -> str:
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
    ]
    for bound, label in bounds:
        if n < bound:
            return label
    return "100M<n<1B"


def card_configs(
    split_counts: Mapping[str, Mapping[str, int]], scenarios: Sequence[int]
) -> list[dict[str, object]]:
    """`configs:` entries: one for `pairs` (default) and one per scenario; empty splits left out."""
    configs: list[dict[str, object]] = []
    for name, pattern in [("pairs", "pairs/{split}-*.parquet")] + [
        (f"acs{n}", f"acs{n}/{{split}}-*.parquet") for n in scenarios
    ]:
        files = [
            {"split": split, "path": pattern.format(split=split)}
            for split in SPLITS
            if split_counts.get(name, {}).get(split, 0) > 0
        ]
        if not files:
            continue
        entry: dict[str, object] = {"config_name": name, "data_files": files}
        if name == "pairs":
            entry["default"] = True
        configs.append(entry)
    return configs


def render_card(
    *,
    split_counts: Mapping[str, Mapping[str, int]],
    scenarios: Sequence[int],
    licenses: Counter[str],
    inputs: Sequence[str],
    config: Mapping[str, object],
    counts: Mapping[str, int],
    drops: Mapping[str, Mapping[str, int]],
    version: str,
    stats: CorpusStats | None = None,
    tokenizer: TokenizerStats | None = None,
) -> str:
    """The full README.md text of an output folder; `stats` and `tokenizer` (from
    `pytorrent.stats.write_stats` and `pytorrent.tokenizer.train_tokenizer`) add their
    sections when given."""
    total = sum(split_counts.get("pairs", {}).values())
    license_id = hub_license(licenses)
    header = {
        "license": license_id,
        "language": ["en", "code"],
        "task_categories": ["text-generation", "summarization"],
        "tags": ["code", "python", "pytorrent", "codesearchnet", "docstring", "code-search"],
        "size_categories": [size_category(total)],
        "pretty_name": "PyTorrent-style Python corpus",
        "configs": card_configs(split_counts, scenarios),
    }
    lines = ["---", yaml.safe_dump(header, sort_keys=False).rstrip(), "---", ""]
    lines += _intro(split_counts, scenarios, inputs, counts, version)
    lines += _built_section(inputs, config, drops)
    if stats is not None:
        lines += _stats_section(stats)
    if tokenizer is not None:
        lines += _tokenizer_section(tokenizer)
    lines += fields_section()
    lines += files_section(config)
    lines += _loading_section(scenarios)
    lines += _license_section(licenses, license_id)
    lines += ["## Citation", "", "```bibtex", CITATION, "```", ""]
    return "\n".join(lines)


def _intro(
    split_counts: Mapping[str, Mapping[str, int]],
    scenarios: Sequence[int],
    inputs: Sequence[str],
    counts: Mapping[str, int],
    version: str,
) -> list[str]:
    total = sum(split_counts.get("pairs", {}).values())
    lines = [
        "# PyTorrent-style corpus of Python package source code",
        "",
        f"Built by pytorrent {version} from {', '.join(f'`{i}`' for i in inputs)}: "
        f"{counts.get('packages', 0):,} packages, {counts.get('files', 0):,} Python files, "
        f"{total:,} units (functions with their docstrings and developer comments with the code "
        f"under them) in CodeSearchNet's schema, split by package into {'/'.join(SPLITS)}.",
        "",
        "## Configurations and splits",
        "",
        "| config | " + " | ".join(SPLITS) + " |",
        "|---|" + "---:|" * len(SPLITS),
    ]
    for name in ["pairs", *(f"acs{n}" for n in scenarios)]:
        row = split_counts.get(name, {})
        lines.append(f"| {name} | " + " | ".join(f"{row.get(s, 0):,}" for s in SPLITS) + " |")
    lines += [
        "",
        "`pairs` holds every field of every unit. Each `acs{N}` config is a view with "
        "CodeSearchNet's fields for one Augmented-Code Scenario of the PyTorrent paper; a unit "
        "enters a scenario only when its natural language is not empty. All configs are "
        "parquet; CodeSearchNet-style jsonl.gz copies of the views are in `csn/` when the "
        "build was run with `--jsonl`.",
        "",
        "| ACS | docstring / docstring_tokens (X) | code / code_tokens (Y) |",
        "|---|---|---|",
    ]
    lines += [f"| {n} | {SCENARIOS[n].x} | {SCENARIOS[n].y} |" for n in scenarios]
    return [*lines, ""]


def _built_section(
    inputs: Sequence[str],
    config: Mapping[str, object],
    drops: Mapping[str, Mapping[str, int]],
) -> list[str]:
    lines = [
        "## How it was built",
        "",
        f"- Sources: {', '.join(f'`{i}`' for i in inputs)}.",
        "- Extraction: libcst statement structure with rows from Python's tokenizer; "
        "docstrings cleaned with `inspect.cleandoc`; developer comments exclude tool "
        "directives, shebangs, encoding cookies and commented-out code.",
        *_stage_lines(config),
        f"- Split: {_ratios(config)}by package name hashed with the seed; a package never "
        "spans two splits.",
        f"- Configuration: `{_inline(config)}`.",
        "",
    ]
    if not any(drops.values()):
        return [*lines, "Nothing was removed or skipped.", ""]
    lines += [
        "Removed or skipped, by stage and reason (every removal is counted in `build.json`):",
        "",
        "| stage | reason | count |",
        "|---|---|---:|",
    ]
    for stage, reasons in drops.items():
        for reason, n in reasons.items():
            lines.append(f"| {md_cell(stage)} | {md_cell(reason)} | {n:,} |")
    return [*lines, ""]


def _loading_section(scenarios: Sequence[int]) -> list[str]:
    return [
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        'pairs = load_dataset("PATH_OR_REPO", "pairs")',
        f'acs = load_dataset("PATH_OR_REPO", "acs{scenarios[0] if scenarios else 0}", split="train")',
        "```",
        "",
    ]


def _license_section(licenses: Counter[str], license_id: str) -> list[str]:
    text = (
        "Each record carries the `license` its package declares, normalised to an SPDX "
        "expression (`unknown`: none declared, or one that names no single license; the "
        "declared text is `license_raw` in `packages/`); respect it when you use the code, "
        "and filter on `license` (or build with `--license`) to keep what your use allows."
    )
    if license_id != "other":
        text += f" Every package declares `{license_id}`:"
    elif len(licenses) > 1:
        text += (
            " The card's license is `other` because the packages declare different licenses; "
            "their distribution:"
        )
    else:
        text += " The card's license is `other` because the packages' license has no Hub id:"
    lines = ["## Licenses", "", text, "", "| license | packages |", "|---|---:|"]
    for name, n in sorted(licenses.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {md_cell(name)} | {n:,} |")
    return [*lines, ""]


def _inline(config: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in config.items())


def _stage_lines(config: Mapping[str, object]) -> list[str]:
    """Filters and dedup as the build's configuration records them (bool or parameters)."""
    lines = []
    for key, name in (("filter", "Quality filters"), ("dedup", "Deduplication")):
        value = config.get(key)
        if isinstance(value, Mapping):
            lines.append(f"- {name}: `{_inline(value)}`.")
        elif value is not None:
            lines.append(f"- {name}: {'on' if value else 'off'}.")
    return lines


def _ratios(config: Mapping[str, object]) -> str:
    ratios = config.get("ratios")
    if isinstance(ratios, Sequence) and not isinstance(ratios, str) and len(ratios) == 3:
        parts = "/".join(f"{float(r) * 100:g}" for r in ratios)
        return f"{parts} {'/'.join(SPLITS)} "
    return ""


def _stats_section(stats: CorpusStats) -> list[str]:
    plots = {p.rsplit("/", 1)[-1].removesuffix(".png"): p for p in stats.plots}
    lines = [
        "## Statistics",
        "",
        "Computed from the files of this folder (by `build`, or `pytorrent stats` after it); "
        "every number and more "
        "(licenses, removals, Table 2) is in [`stats/report.md`](stats/report.md) and "
        "`stats/stats.json`.",
        "",
        *main_table(stats),
        "",
        "Lengths in tokens at the 50/70/80/90/95th percentiles (PyTorrent Table 5; NL = "
        "`docstring_tokens`, PL = `code_tokens`):",
        "",
        *token_table(stats),
        "",
        "Units per script category (PyTorrent Table 4):",
        "",
        *category_table(stats),
        "",
    ]
    titles = {
        "token_lengths": "token lengths",
        "line_lengths": "line length coverage",
        "complexity": "cyclomatic complexity",
        "categories": "units per category",
        "splits": "rows per configuration and split",
        "docstring_styles": "docstring styles",
        "release_counts": "packages per minimum release count",
    }
    links = [f"![{title}]({plots[name]})" for name, title in titles.items() if name in plots]
    if links:
        lines += ["Plots:", "", *links, ""]
    return lines


def _tokenizer_section(tokenizer: TokenizerStats) -> list[str]:
    return [
        "## Tokenizer",
        "",
        tokenizer_summary(tokenizer),
        "",
        *tokenizer_table(tokenizer),
        "",
        "```python",
        "from transformers import AutoTokenizer",
        'tokenizer = AutoTokenizer.from_pretrained("PATH_OR_REPO", subfolder="tokenizer")',
        "```",
        "",
    ]


def card_for_output(out: Path) -> str:
    """The card of an existing output folder, from its build.json, package metadata and,
    when present, `stats/stats.json` and `stats/tokenizer.json`."""
    manifest = read_manifest(out)
    licenses = Counter(str(row.get("license") or "unknown") for row in read_packages(out))
    configured = manifest.config.get("scenarios")
    if isinstance(configured, list):
        scenarios = [int(n) for n in configured]
    else:
        scenarios = layout.scenarios_in(manifest.split_counts)
    return render_card(
        split_counts=manifest.split_counts,
        scenarios=scenarios,
        licenses=licenses,
        inputs=manifest.inputs,
        config=manifest.config,
        counts=manifest.counts,
        drops=manifest.drops,
        version=manifest.pytorrent_version,
        stats=load_stats(out),
        tokenizer=load_tokenizer_stats(out),
    )


def write_card(out: Path) -> Path:
    """Rewrite `out/README.md` from the folder's own files (see `card_for_output`)."""
    return write_text(out / "README.md", card_for_output(out))
