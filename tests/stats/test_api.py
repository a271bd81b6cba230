"""The public names of `pytorrent.stats` and `pytorrent.tokenizer` are exactly these."""

from __future__ import annotations

import pytorrent.stats
import pytorrent.tokenizer


def test_stats_public_names() -> None:
    assert set(pytorrent.stats.__all__) == {
        "PERCENTILES",
        "CorpusStats",
        "IntHistogram",
        "StatsOutput",
        "Summary",
        "TokenizerStats",
        "collect_stats",
        "load_stats",
        "load_tokenizer_stats",
        "read_manifest",
        "register_files",
        "render_report",
        "write_report",
        "write_stats",
    }
    assert all(hasattr(pytorrent.stats, name) for name in pytorrent.stats.__all__)


def test_tokenizer_public_names() -> None:
    assert set(pytorrent.tokenizer.__all__) == {
        "DEFAULT_VOCAB_SIZE",
        "TOKENIZER_DIR",
        "Sample",
        "SpecialTokens",
        "TokenizerConfig",
        "TokenizerReport",
        "load_tokenizer",
        "measure",
        "new_tokenizer",
        "sample_texts",
        "token_counts",
        "train_tokenizer",
    }
    assert all(hasattr(pytorrent.tokenizer, name) for name in pytorrent.tokenizer.__all__)
