"""Deduplicate an existing output folder again, in place and atomically: the folder is rebuilt
beside OUT from its `pairs/` shards and swapped in only when complete. Records keep their split;
packages/ and tokenizer/ are kept as they are."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pyarrow.parquet as pq

from pytorrent import layout
from pytorrent.atomic import replace_folder
from pytorrent.config import BuildConfig
from pytorrent.dedup import DedupConfig, SignatureBatch, compute_signatures, find_duplicates
from pytorrent.drops import Drops
from pytorrent.errors import OutputError
from pytorrent.models import BuildManifest, PackageMetadata, Split
from pytorrent.split import SPLITS
from pytorrent.stats import register_files, write_stats
from pytorrent.write.card import write_card
from pytorrent.write.corpus import write_shards
from pytorrent.write.guard import check_output, clean_leftovers, mark, unmark

#: Rewritten from `pairs/`; everything else (packages/, tokenizer/) is kept as is.
REWRITTEN = (layout.PAIRS, layout.CSN, layout.STATS, layout.CARD, layout.MANIFEST)


def _pairs(out: Path) -> Iterator[tuple[Split, dict[str, object]]]:
    """Every record of `pairs/`, split by split, in written (package) order."""
    for split in SPLITS:
        for path in layout.shards(out, layout.PAIRS, split):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=2_000):
                for record in batch.to_pylist():
                    yield split, record


def _packages(out: Path) -> dict[str, PackageMetadata]:
    with gzip.open(out / layout.PACKAGES, "rb") as handle:
        rows = [
            PackageMetadata.model_validate(orjson.loads(line)) for line in handle if line.strip()
        ]
    return {p.name: p for p in rows}


def _signatures(out: Path, config: DedupConfig, work: Path) -> list[Path]:
    """One signature file per package, computed package by package (bounded memory)."""
    packages = _packages(out)
    paths: list[Path] = []
    group: list[dict[str, object]] = []

    def flush() -> None:
        if group:
            meta = packages.get(str(group[0]["repo"]))
            batch: SignatureBatch = compute_signatures(group, config, meta)
            paths.append(batch.write(work / f"{len(paths):07d}.sig.arrow"))
            group.clear()

    for _, record in _pairs(out):
        if group and record["repo"] != group[0]["repo"]:
            flush()
        group.append(record)
    flush()
    return paths


def dedup_output(out: Path, config: DedupConfig, *, overwrite: bool = False) -> BuildManifest:
    """Deduplicate `out` in place; returns the new manifest. Refuses (ConfigError) a folder
    holding files its build.json does not list, unless `overwrite`."""
    if not (out / layout.MANIFEST).is_file():
        raise OutputError(f"{out} has no build.json: not an output folder of pytorrent build")
    check_output(out, option="OUT", overwrite=overwrite)
    clean_leftovers(out)
    manifest = layout.read_manifest(out)
    scenarios = layout.scenarios_in(manifest.split_counts)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.dedup-", dir=out.parent))
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.dedup-work-", dir=out.parent))
    mark(staging)  # a killed run's temp folders are cleaned by the next one
    mark(work)
    try:
        found = find_duplicates(_signatures(out, config, work), config)
        duplicates = found.drop_ids()
        for entry in out.iterdir():
            if entry.name in REWRITTEN or layout.is_config_folder(entry.name):
                continue
            copy = shutil.copytree if entry.is_dir() else shutil.copy2
            copy(entry, staging / entry.name)
        written = write_shards(
            ((split, record) for split, record in _pairs(out) if record["id"] not in duplicates),
            staging,
            scenarios=scenarios,
            shard_records=int(
                str(
                    manifest.config.get(
                        "shard_records", BuildConfig.model_fields["shard_records"].default
                    )
                )
            ),
            jsonl=(out / "csn").is_dir(),
        )
        drops = Drops.from_by_stage(manifest.drops)
        drops.update(found.drops)
        kept = {
            path: digest
            for path, digest in manifest.files.items()
            if (staging / path).is_file() and path.split("/")[0] not in ("stats", "README.md")
        }
        counts = dict(manifest.counts)
        counts["units"] = sum(written.kinds.values())
        counts["function_units"] = written.kinds["function"]
        counts["comment_units"] = written.kinds["comment"]
        updated = manifest.model_copy(
            update={
                "counts": counts,
                "split_counts": written.split_counts,
                "drops": drops.by_stage(),
                "config": {
                    **manifest.config,
                    "dedup": True,
                    "dedup_threshold": config.threshold,
                    "dedup_anonymize": config.anonymize,
                    "dedup_seed": config.seed,
                },
                # This run's report; the build's own (with its exact groups) stays beside it.
                "dedup": {
                    **found.report.to_dict(),
                    "num_perm": config.num_perm,
                    "previous": manifest.dedup,
                },
                "files": dict(sorted({**kept, **written.files}.items())),
            }
        )
        layout.write_manifest(staging, updated)
        stats = write_stats(staging)
        final = register_files(staging, [*stats.files, write_card(staging)])
        unmark(staging)
        replace_folder(staging, out)
        return final
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def recorded_seed(out: Path) -> int:
    """The MinHash seed the build used: `dedup_seed`, or the split seed of builds made before
    the two were separate, or the default."""
    try:
        config = layout.read_manifest(out).config
    except (OSError, ValueError):
        return DedupConfig.seed
    value = config.get("dedup_seed", config.get("seed", DedupConfig.seed))
    return int(value) if isinstance(value, int) else DedupConfig.seed
