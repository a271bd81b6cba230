"""Writing the sharded configs of an output folder from records in their final order.

Shared by `build` and by `dedup` on an existing output, so both lay out `pairs/`, `acs{N}/`
and `csn/` identically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pytorrent.atomic import sha256_file
from pytorrent.models import FileDigest, Split
from pytorrent.records import acs_row
from pytorrent.split import SPLITS
from pytorrent.write.csn import CsnExport
from pytorrent.write.shards import ACS_SCHEMA, JsonlGzShards, ParquetShards


def digest(path: Path, records: int | None) -> FileDigest:
    return FileDigest(sha256=sha256_file(path), bytes=path.stat().st_size, records=records)


@dataclass
class WrittenShards:
    """What `write_shards` wrote: files by relative path, records per config and split."""

    files: dict[str, FileDigest] = field(default_factory=dict)
    split_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)


def write_shards(
    rows: Iterable[tuple[Split, dict[str, object]]],
    folder: Path,
    *,
    scenarios: Sequence[int],
    shard_records: int,
    jsonl: bool,
    on_record: Callable[[int], None] | None = None,
    pairs_config: bool = True,
) -> WrittenShards:
    """Write (split, record) pairs, in order, as pairs + one view per scenario (+ csn/, the
    CodeSearchNet export: pytorrent.write.csn).

    Every config depends only on the rows, so writers of disjoint configs (`pairs_config`
    False, a subset of `scenarios`) can run in parallel and write the same bytes; only the
    writer of `pairs` counts `kinds`."""
    pairs = (
        {s: ParquetShards(folder / "pairs", s, shard_records) for s in SPLITS}
        if pairs_config
        else {}
    )
    views = {
        (n, s): ParquetShards(folder / f"acs{n}", s, shard_records, ACS_SCHEMA)
        for n in scenarios
        for s in SPLITS
    }
    export = CsnExport(folder / "csn", list(scenarios), shard_records) if jsonl else None
    written = WrittenShards()
    for count, (split, record) in enumerate(rows, start=1):
        record["partition"] = split
        if pairs_config:
            written.kinds[str(record["kind"])] += 1
            pairs[split].write(record)
        for n in scenarios:
            row = acs_row(record, n)
            if row is not None:
                views[(n, split)].write(row)
                if export is not None:
                    export.write(n, split, row)
        if on_record:
            on_record(count)
    if pairs_config:
        written.split_counts["pairs"] = {}
    for split, writer in pairs.items():
        written.split_counts["pairs"][split] = writer.count
        _finish(writer, folder, written)
    for (n, split), view in views.items():
        written.split_counts.setdefault(f"acs{n}", {})[split] = view.count
        _finish(view, folder, written)
    for csn_shards in export.writers() if export is not None else ():
        _finish(csn_shards, folder, written)
    return written


def _finish(writer: ParquetShards | JsonlGzShards, folder: Path, written: WrittenShards) -> None:
    for path, records in writer.finish().items():
        written.files[path.relative_to(folder).as_posix()] = digest(path, records)
