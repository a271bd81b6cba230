"""Text from a built corpus folder, the corpus tokenizer, and CodeParrot-style packing.

Texts stream shard by shard (`CORPUS/CONFIG/{split}-*.parquet`), so a corpus larger than RAM
trains. Causal packing concatenates texts with a separator, cuts fixed blocks and drops the
remainder; each epoch visits shards and the blocks of a shard in an order drawn from the seed.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pytorrent import layout
from pytorrent.errors import ConfigError

TEXTS = ("code", "original_string", "docstring")
CONFIGS = ("pairs", *(f"acs{n}" for n in range(6)))
VALID_NAMES = ("valid", "validation")

#: The paper's vocabulary: printable ASCII (which includes space) plus tab and newline.
CHARS = "".join(sorted(set(string.printable) - {"\r", "\x0b", "\x0c"} | {"\t", "\n"}))
UNK = "\x00"


def split_shards(corpus: Path, config: str, split: str) -> list[Path]:
    """The parquet shards of `split` (`valid` also found as `validation`), in order."""
    if config not in CONFIGS:
        raise ConfigError(f"--config: unknown config {config!r}; choose from {', '.join(CONFIGS)}")
    folder = corpus / config
    names = VALID_NAMES if split in VALID_NAMES else (split,)
    for name in names:
        found = layout.shards(corpus, config, name)
        if found:
            return found
    raise ConfigError(
        f"CORPUS: {folder} has no {split} split; build the corpus with `python -m pytorrent build`"
    )


def iter_texts(shards: list[Path], column: str) -> Iterator[str]:
    for path in shards:
        file = pq.ParquetFile(path)
        if column not in file.schema_arrow.names:
            raise ConfigError(f"--text: column {column!r} not in {path.name}")
        for batch in file.iter_batches(batch_size=1024, columns=[column]):
            for text in batch.column(0).to_pylist():
                if text:
                    yield str(text)


def load_tokenizer(corpus: Path) -> Any:
    folder = corpus / "tokenizer"
    if not (folder / "tokenizer.json").is_file():
        raise ConfigError(
            f"CORPUS: no tokenizer in {folder}; train it with `python -m pytorrent tokenizer {corpus}`"
        )
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast.from_pretrained(str(folder))


class CharVocab:
    """Characters -> ids; any other character maps to one unknown id and is counted."""

    def __init__(self, chars: str = CHARS) -> None:
        self.chars = UNK + chars
        self.index = {c: i for i, c in enumerate(self.chars)}
        self.unknown = 0
        table = bytearray(128)  # ASCII byte -> id; 0 (unknown) for the rest
        for char, i in self.index.items():
            if ord(char) < 128:
                table[ord(char)] = i
        self._ascii = bytes(table) + bytes(128)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """Ids of `text`; ASCII text (most code) goes through `bytes.translate`, ~50x faster than
        a lookup per character, so the data stream keeps ahead of a GPU."""
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            ids = [self.index.get(c, 0) for c in text]
            self.unknown += ids.count(0)
            return ids
        translated = raw.translate(self._ascii)
        self.unknown += translated.count(0)
        return list(translated)

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i] for i in ids)


Encode = Callable[[str], list[int]]


def shard_blocks(
    path: Path, column: str, encode: Encode, separator: list[int], size: int
) -> list[list[int]]:
    """Blocks of `size` ids of one shard: texts joined by `separator`, the remainder dropped."""
    blocks: list[list[int]] = []
    buffer: list[int] = []
    for text in iter_texts([path], column):
        buffer.extend(encode(text))
        buffer.extend(separator)
        start = 0  # cut all full blocks, then drop them at once: linear in a long text
        while len(buffer) - start >= size:
            blocks.append(buffer[start : start + size])
            start += size
        del buffer[:start]
    return blocks


def _shuffled_batches(
    shards: list[Path],
    examples_of: Callable[[Path], list[list[int]]],
    batch_size: int,
    seed: int,
    epoch: int,
    keep_partial: bool = False,
) -> Iterator[list[list[int]]]:
    """Shards in a seeded order, each shard's examples shuffled; the last partial batch dropped
    unless `keep_partial` (validation reads every example).

    One shard is in memory at a time, so a corpus larger than RAM streams.
    """
    rng = random.Random(f"{seed}:{epoch}")
    order = list(shards)
    rng.shuffle(order)
    batch: list[list[int]] = []
    for path in order:
        examples = examples_of(path)
        rng.shuffle(examples)
        for example in examples:
            batch.append(example)
            if len(batch) == batch_size:
                yield batch
                batch = []
    if keep_partial and batch:
        yield batch


def packed_batches(
    shards: list[Path],
    column: str,
    encode: Encode,
    separator: list[int],
    size: int,
    batch_size: int,
    seed: int,
    epoch: int,
    keep_partial: bool = False,
) -> Iterator[list[list[int]]]:
    """One epoch of shuffled fixed-size blocks in batches (the last partial batch dropped)."""
    return _shuffled_batches(
        shards,
        lambda path: shard_blocks(path, column, encode, separator, size),
        batch_size,
        seed,
        epoch,
        keep_partial,
    )


def line_batches(
    shards: list[Path],
    column: str,
    encode: Encode,
    budget: int,
    batch_size: int,
    seed: int,
    epoch: int,
    keep_partial: bool = False,
) -> Iterator[list[list[int]]]:
    """Masked-LM examples: each text truncated to `budget` ids, shuffled per shard."""
    return _shuffled_batches(
        shards,
        lambda path: [encode(text)[:budget] for text in iter_texts([path], column)],
        batch_size,
        seed,
        epoch,
        keep_partial,
    )
