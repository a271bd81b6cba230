"""Byte-level BPE tokenizer trained on a corpus' train split (HF `tokenizers`).

`train_tokenizer(out, TokenizerConfig(...))` writes `out/tokenizer/` (loadable by
`tokenizers.Tokenizer.from_file` and `transformers.AutoTokenizer.from_pretrained`) and
`out/stats/tokenizer.json` (characters per token, tokens per line and per unit). See
docs/tokenizer.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytorrent.lazy import lazy_exports

if TYPE_CHECKING:
    from pytorrent.tokenizer.config import DEFAULT_VOCAB_SIZE, SpecialTokens, TokenizerConfig
    from pytorrent.tokenizer.evaluate import measure, token_counts
    from pytorrent.tokenizer.sample import Sample, sample_texts
    from pytorrent.tokenizer.train import (
        TOKENIZER_DIR,
        TokenizerReport,
        load_tokenizer,
        new_tokenizer,
        train_tokenizer,
    )

__getattr__ = lazy_exports(
    __name__,
    {
        "DEFAULT_VOCAB_SIZE": "config",
        "SpecialTokens": "config",
        "TokenizerConfig": "config",
        "measure": "evaluate",
        "token_counts": "evaluate",
        "Sample": "sample",
        "sample_texts": "sample",
        "TOKENIZER_DIR": "train",
        "TokenizerReport": "train",
        "load_tokenizer": "train",
        "new_tokenizer": "train",
        "train_tokenizer": "train",
    },
)

__all__ = [
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
]
