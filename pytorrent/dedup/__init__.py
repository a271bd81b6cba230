"""Exact and near deduplication of units (docs/architecture.md, "Dedup, split, output").

Worker side, per package::

    batch = compute_signatures(kept_records, config, package_metadata, hasher=hasher)
    batch.write(work_dir / f"{package_key}.sig.arrow")

Driver side, once over all packages::

    result = find_duplicates(sorted(work_dir.glob("*.sig.arrow")), config)
    drop = result.drop_ids()          # ids to leave out when writing
    drops.update(result.drops)        # counted under stage "dedup"
    report = result.report.to_dict()  # for build.json / stats

See docs/dedup.md for the keeper rule, the memory budget and measured quality.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytorrent.lazy import lazy_exports

if TYPE_CHECKING:
    from pytorrent.dedup.clusters import (
        ClusterExample,
        ClusterReport,
        DedupResult,
        Duplicate,
        find_duplicates,
        jaccard,
    )
    from pytorrent.dedup.config import DedupConfig
    from pytorrent.dedup.hashing import TokenHasher
    from pytorrent.dedup.keeper import keeper_key
    from pytorrent.dedup.signatures import SignatureBatch, compute_signatures
    from pytorrent.dedup.store import SignatureStore
    from pytorrent.dedup.tokens import anonymize, normalize_code_tokens

__getattr__ = lazy_exports(
    __name__,
    {
        "ClusterExample": "clusters",
        "ClusterReport": "clusters",
        "DedupResult": "clusters",
        "Duplicate": "clusters",
        "find_duplicates": "clusters",
        "jaccard": "clusters",
        "DedupConfig": "config",
        "TokenHasher": "hashing",
        "keeper_key": "keeper",
        "SignatureBatch": "signatures",
        "compute_signatures": "signatures",
        "SignatureStore": "store",
        "anonymize": "tokens",
        "normalize_code_tokens": "tokens",
    },
)


__all__ = [
    "ClusterExample",
    "ClusterReport",
    "DedupConfig",
    "DedupResult",
    "Duplicate",
    "SignatureBatch",
    "SignatureStore",
    "TokenHasher",
    "anonymize",
    "compute_signatures",
    "find_duplicates",
    "jaccard",
    "keeper_key",
    "normalize_code_tokens",
]
