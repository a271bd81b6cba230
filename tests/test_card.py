"""The dataset card: YAML header, generated prose, statistics and plot links, and the configs
`datasets.load_dataset` reads."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset

from pytorrent.split import SPLITS
from pytorrent.stats import register_files, write_stats
from pytorrent.tokenizer import TokenizerConfig, train_tokenizer
from pytorrent.write.card import card_for_output, hub_license, render_card, write_card
from pytorrent.write.shards import PAIR_SCHEMA
from tests.stats.known import build_known


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_known(tmp_path_factory.mktemp("card"))


@pytest.fixture(scope="module")
def measured(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The known corpus after `stats` and `tokenizer`: card rewritten, files registered."""
    out = Path(shutil.copytree(built, tmp_path_factory.mktemp("measured") / "corpus"))
    trained = train_tokenizer(out, TokenizerConfig(vocab_size=300))
    stats = write_stats(out)
    register_files(out, [*trained.files, *stats.files, write_card(out)])
    return out


def header(out: Path) -> dict[str, object]:
    text = (out / "README.md").read_text()
    assert text.startswith("---\n")
    loaded = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


def test_yaml_header_describes_the_dataset(measured: Path) -> None:
    meta = header(measured)
    assert meta["license"] == "other"  # MIT, Apache-2.0 and BSD-3-Clause packages
    assert meta["language"] == ["en", "code"]
    assert meta["size_categories"] == ["n<1K"]
    assert {"text-generation", "summarization"} <= set(meta["task_categories"])  # type: ignore[call-overload]
    assert "pytorrent" in meta["tags"]  # type: ignore[operator]
    configs = {c["config_name"]: c for c in meta["configs"]}  # type: ignore[attr-defined]
    assert list(configs) == ["pairs", *(f"acs{n}" for n in range(6))]
    assert configs["pairs"]["default"] is True
    for name, config in configs.items():
        for entry in config["data_files"]:
            assert entry["split"] in SPLITS
            assert list(measured.glob(entry["path"])), (name, entry)


def test_license_section_gives_the_distribution_when_mixed(measured: Path) -> None:
    card = (measured / "README.md").read_text()
    assert "packages declare different licenses; their distribution:" in card
    assert "| MIT | 2 |" in card and "| Apache-2.0 | 1 |" in card
    assert "| BSD-3-Clause | 1 |" in card
    assert "Each record carries the `license` its package declares" in card


def test_card_has_stats_tables_plot_links_and_tokenizer(measured: Path) -> None:
    card = (measured / "README.md").read_text()
    assert "## Statistics" in card and "[`stats/report.md`](stats/report.md)" in card
    assert "| functions with decorators | 4 (4.2%) |" in card
    assert "| code lines within 70 / 100 characters | 90.9% / 100.0% |" in card
    assert "| acs0 | NL | 92 | 9.57 | 9 | 14 | 16 | 18 | 19 | 20 |" in card
    assert "| core | 4 | 96 | 100 |" in card  # Table 4: comment, function, total
    links = [line.split("](")[1].rstrip(")") for line in card.splitlines() if line.startswith("![")]
    assert len(links) == 6
    for link in links:
        assert (measured / link).is_file(), link
    assert "## Tokenizer" in card and 'AutoTokenizer.from_pretrained("PATH_OR_REPO"' in card
    for heading in ("How it was built", "Fields of `pairs`", "Loading", "Licenses", "Citation"):
        assert f"\n## {heading}\n" in card, heading
    assert "- Quality filters: off." in card and "- Deduplication: off." in card
    assert "- Split: 50/50/0 train/validation/test by package name" in card


def test_field_reference_lists_every_column(measured: Path) -> None:
    card = (measured / "README.md").read_text()
    for field in PAIR_SCHEMA:
        assert f"| `{field.name}` |" in card, field.name
    for sub in PAIR_SCHEMA.field("metrics").type:
        assert f"| `metrics.{sub.name}` |" in card, sub.name
    rows = [line for line in card.splitlines() if line.startswith("| `")]
    assert all(not line.endswith("|  |") for line in rows), "a field without a description"


def test_load_dataset_reads_the_cards_configs(measured: Path, tmp_path: Path) -> None:
    configs = {c["config_name"] for c in header(measured)["configs"]}  # type: ignore[attr-defined]
    split_counts = json.loads((measured / "build.json").read_text())["split_counts"]
    for name in ("pairs", "acs0", "acs1"):
        assert name in configs
        dataset = load_dataset(str(measured), name, cache_dir=str(tmp_path))
        assert {s: len(d) for s, d in dataset.items()} == {
            s: n for s, n in split_counts[name].items() if n
        }


def test_card_rebuilt_from_the_folder_equals_the_builds_card(built: Path) -> None:
    # Without stats, the card `stats`/`tokenizer` rewrite starts from is the build's own.
    assert card_for_output(built) == (built / "README.md").read_text()


@pytest.mark.parametrize(
    ("licenses", "expected"),
    [
        ({"MIT": 3}, "mit"),
        ({"MIT": 1, "MIT License": 2}, "mit"),
        ({"License :: OSI Approved :: Apache Software License": 1, "Apache-2.0": 1}, "apache-2.0"),
        ({"MIT": 1, "Apache-2.0": 1}, "other"),
        ({"Proprietary": 1}, "other"),
        ({"unknown": 2}, "other"),
    ],
)
def test_hub_license(licenses: dict[str, int], expected: str) -> None:
    assert hub_license(Counter(licenses)) == expected


def test_single_license_without_hub_id_is_explained() -> None:
    card = render_card(
        split_counts={"pairs": {"train": 1}},
        scenarios=[0],
        licenses=Counter({"Proprietary": 2}),
        inputs=["dir:x"],
        config={},
        counts={"packages": 2},
        drops={},
        version="0",
    )
    assert "license has no Hub id" in card and "## Statistics" not in card
