"""The public names of the three packages are exactly the intended ones."""

from __future__ import annotations

import pytorrent.decontam
import pytorrent.dedup
import pytorrent.filters


def test_dedup_api() -> None:
    assert set(pytorrent.dedup.__all__) == {
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
    }


def test_filters_api() -> None:
    assert set(pytorrent.filters.__all__) == {
        "DECONTAM_STAGE",
        "FILTER_STAGE",
        "SWITCHES",
        "FilterConfig",
        "FilterResult",
        "PackageSize",
        "UnitFilters",
        "filter_records",
        "first_lines",
        "generated_marker",
        "is_trivial_package",
        "package_size",
    }


def test_decontam_api() -> None:
    assert set(pytorrent.decontam.__all__) == {
        "HUMANEVAL",
        "BenchmarkSpec",
        "BenchmarkTask",
        "Contamination",
        "DecontamConfig",
        "DecontamIndex",
        "load_tasks",
        "mbpp",
        "split_python",
    }
    for package in (pytorrent.dedup, pytorrent.filters, pytorrent.decontam):
        assert all(hasattr(package, name) for name in package.__all__)
