"""Corpus reading, the LSTM vocabulary, causal packing and the one-line errors of the extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pytorrent.errors import ConfigError
from pytorrent.train import INSTALL, require_extra
from pytorrent.train.data import (
    CHARS,
    CharVocab,
    iter_texts,
    load_tokenizer,
    packed_batches,
    split_shards,
)
from tests.tokenizer.conftest import Trained


def test_vocabulary_is_printable_ascii_plus_tab_newline_and_counts_unknowns() -> None:
    assert len(CHARS) == 97 and "\t" in CHARS and "\n" in CHARS and "\r" not in CHARS
    vocab = CharVocab()
    ids = vocab.encode("déf 🐍\n")
    assert ids.count(0) == 2 and vocab.unknown == 2
    assert vocab.decode(vocab.encode("def f():\n\treturn 1")) == "def f():\n\treturn 1"


def test_packing_is_fixed_size_deterministic_and_reads_valid(trained: Trained) -> None:
    shards = split_shards(trained.out, "pairs", "train")
    assert split_shards(trained.out, "pairs", "validation")
    vocab = CharVocab()
    first = list(packed_batches(shards, "code", vocab.encode, [1], 65, 4, seed=3, epoch=0))
    again = list(packed_batches(shards, "code", vocab.encode, [1], 65, 4, seed=3, epoch=0))
    other = list(packed_batches(shards, "code", vocab.encode, [1], 65, 4, seed=3, epoch=1))
    assert first and first == again and first != other
    assert all(len(block) == 65 for batch in first for block in batch)
    total = sum(len(text) + 1 for text in iter_texts(shards, "code"))
    assert len(first) == total // 65 // 4


def test_bad_config_and_missing_tokenizer_are_one_line(real_corpus: Path) -> None:
    with pytest.raises(ConfigError, match="--config"):
        split_shards(real_corpus, "acs9", "train")
    with pytest.raises(ConfigError) as info:
        load_tokenizer(real_corpus)
    assert f"python -m pytorrent tokenizer {real_corpus}" in str(info.value)
    assert "\n" not in str(info.value)


def test_tokenizer_loads_as_fast_tokenizer(trained: Trained) -> None:
    tokenizer = load_tokenizer(trained.out)
    from transformers import PreTrainedTokenizerFast

    assert isinstance(tokenizer, PreTrainedTokenizerFast)
    assert tokenizer.eos_token == "<|endoftext|>"


def test_missing_extra_names_the_install_line() -> None:
    require_extra()
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from pytorrent.train import require_extra\n"
        "from pytorrent.errors import ConfigError\n"
        "try:\n    require_extra()\nexcept ConfigError as exc:\n    print(exc); sys.exit(2)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout.strip().endswith(INSTALL) and done.stdout.count("\n") == 1


def test_ascii_fast_path_equals_the_per_character_lookup() -> None:
    text = "".join(chr(code) for code in range(128)) * 3 + "def f():\r\n\treturn 1\x0b\x0c"
    vocab = CharVocab()
    ids = vocab.encode(text)
    assert ids == [vocab.index.get(char, 0) for char in text]
    assert vocab.unknown == ids.count(0) == 3 * (128 - 97) + 3
    assert vocab.encode(text + "é") == [*ids, 0] and vocab.unknown == 2 * ids.count(0) + 1
