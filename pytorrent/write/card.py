"""The dataset card `README.md`: YAML configs that `datasets.load_dataset` reads, and prose.

Everything in the card is generated from the build's own numbers, so it never drifts from
the data it describes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import yaml

from pytorrent.split import SPLITS

CITATION = """@article{bahrami2021pytorrent,
  title   = {PyTorrent: A Python Library Corpus for Large-scale Language Models},
  author  = {Bahrami, Mehdi and Shrikanth, N. C. and Ruangwan, Shade and Liu, Lei and
             Mizobuchi, Yuji and Fukuyori, Masahiro and Chen, Wei-Peng and Munakata,
             Kazuki and Menzies, Tim},
  journal = {arXiv preprint arXiv:2110.01710},
  year    = {2021}
}"""

_SCENARIOS = {
    0: ("short description of the docstring", "code and code comments"),
    1: ("code comments", "code"),
    2: ("code comments and entire docstring", "code"),
    3: ("code comments, entire docstring and commit message", "code and code comments"),
    4: ("code comments and entire docstring", "code and code comments"),
    5: ("short description of the docstring", "code"),
}

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
}


def hub_license(licenses: Counter[str]) -> str:
    """One Hub license id when every package agrees on a known license, else 'other'."""
    ids = {_HUB_LICENSES.get(name.strip().lower(), "other") for name in licenses}
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
) -> str:
    """The full README.md text of an output folder."""
    total = sum(split_counts.get("pairs", {}).values())
    header = {
        "license": hub_license(licenses),
        "language": ["en", "code"],
        "task_categories": ["text-generation", "summarization"],
        "tags": ["code", "python", "pytorrent", "codesearchnet", "docstring", "code-search"],
        "size_categories": [size_category(total)],
        "pretty_name": "PyTorrent-style Python corpus",
        "configs": card_configs(split_counts, scenarios),
    }
    lines = ["---", yaml.safe_dump(header, sort_keys=False).rstrip(), "---", ""]
    lines += [
        "# PyTorrent-style corpus of Python package source code",
        "",
        f"Built by pytorrent {version} from {', '.join(f'`{i}`' for i in inputs)}: "
        f"{counts.get('packages', 0):,} packages, {counts.get('files', 0):,} Python files, "
        f"{total:,} units (functions with their docstrings and developer comments with the code "
        "under them) in CodeSearchNet's schema, split by package into train/valid/test.",
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
    lines += [f"| {n} | {_SCENARIOS[n][0]} | {_SCENARIOS[n][1]} |" for n in scenarios]
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        'pairs = load_dataset("PATH_OR_REPO", "pairs")',
        f'acs = load_dataset("PATH_OR_REPO", "acs{scenarios[0] if scenarios else 0}", split="train")',
        "```",
        "",
        "## How it was built",
        "",
        f"- Sources: {', '.join(f'`{i}`' for i in inputs)}.",
        "- Extraction: libcst statement structure with rows from Python's tokenizer; "
        "docstrings cleaned with `inspect.cleandoc`; developer comments exclude tool "
        "directives, shebangs, encoding cookies and commented-out code.",
        f"- Configuration: `{_inline(config)}`.",
        "- Split: by package name hashed with the seed; a package never spans two splits.",
        "",
        "Removed or skipped, by stage and reason (every removal is counted in `build.json`):",
        "",
        "| stage | reason | count |",
        "|---|---|---:|",
    ]
    for stage, reasons in drops.items():
        for reason, n in reasons.items():
            lines.append(f"| {stage} | {reason} | {n:,} |")
    lines += [
        "",
        "## Fields of `pairs`",
        "",
        "CodeSearchNet's fields (`repo` = package name, `path`, `func_name`, `original_string`, "
        "`language`, `code`, `code_tokens`, `docstring`, `docstring_tokens`, `sha`, "
        "`partition`, `url`) plus provenance: `kind`, `package_version`, `license`, "
        "`category`, `start_line`, `end_line`, `file_sha256`, `id`, `comments`, "
        "`commit_message`, `metrics` and more; `schemas/pair.json` of pytorrent documents each.",
        "Package metadata is in `packages/packages.jsonl.gz`, joinable on `repo` = `name`.",
        "",
        "## Licenses",
        "",
        "Each record carries the `license` its package declares; respect it when you use "
        "the code. Licenses of the packages in this corpus:",
        "",
        "| license | packages |",
        "|---|---:|",
    ]
    for name, n in sorted(licenses.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {name} | {n:,} |")
    lines += ["", "## Citation", "", "```bibtex", CITATION, "```", ""]
    return "\n".join(lines)


def _inline(config: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in config.items())
