"""Names and paths inside an output folder (see docs/usage.md, "Output folder"): every stage
that reads or rewrites a corpus (stats, card, tokenizer, dedup, publish, train, eval) names its
files through this module, so the layout is defined once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pytorrent.models import BuildManifest

#: The manifest: settings, counts, drops and the digest of every file.
MANIFEST = "build.json"
#: The dataset card (YAML configs for `datasets`, then prose).
CARD = "README.md"
#: Package metadata, one JSON row per package.
PACKAGES = "packages/packages.jsonl.gz"
#: Per package, its metadata document (PyPI JSON-API or Anaconda shaped), one JSON row each.
PACKAGE_DOCUMENTS = "packages/documents.jsonl.gz"
STATS = "stats"
TOKENIZER = "tokenizer"
CSN = "csn"
#: The config holding every unit; `acs{N}` configs are views of it.
PAIRS = "pairs"
SCENARIO_PREFIX = "acs"


def scenario_config(scenario: int) -> str:
    return f"{SCENARIO_PREFIX}{scenario}"


def scenario_of(config: str) -> int | None:
    """`acs3` -> 3; None for any other config name."""
    rest = config.removeprefix(SCENARIO_PREFIX)
    return int(rest) if rest != config and rest.isdigit() else None


def scenarios_in(configs: Iterable[str]) -> list[int]:
    """The scenarios among config names, sorted."""
    return sorted(n for n in (scenario_of(c) for c in configs) if n is not None)


def is_config_folder(name: str) -> bool:
    return name == PAIRS or scenario_of(name) is not None


def shards(root: Path, config: str, split: str) -> list[Path]:
    """The parquet shards of one split of one config, in order."""
    return sorted((root / config).glob(f"{split}-*.parquet"))


def read_manifest(root: Path) -> BuildManifest:
    return BuildManifest.model_validate_json((root / MANIFEST).read_bytes())


def write_manifest(root: Path, manifest: BuildManifest) -> Path:
    path = root / MANIFEST
    path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path
