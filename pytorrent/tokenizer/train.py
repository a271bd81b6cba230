"""Train a byte-level BPE tokenizer on an output folder's train split and save it for
`tokenizers` and `transformers` (`AutoTokenizer.from_pretrained(OUT/tokenizer)`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

from pytorrent.errors import OutputError
from pytorrent.stats.models import TextSample, TokenizerStats
from pytorrent.stats.write import TOKENIZER_JSON, write_model, write_text
from pytorrent.tokenizer.config import TokenizerConfig
from pytorrent.tokenizer.evaluate import measure
from pytorrent.tokenizer.sample import Sample, sample_texts, split_paths

TOKENIZER_DIR = "tokenizer"

ProgressCallback = Callable[[str], None]


def new_tokenizer(config: TokenizerConfig) -> Tokenizer:
    """An untrained byte-level BPE: no normalizer (code must round-trip byte for byte), GPT-2's
    byte-level pre-tokenizer without a prefix space, and the matching decoder."""
    tokenizer = Tokenizer(models.BPE(unk_token=config.special_tokens.unk))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    return tokenizer


def new_trainer(config: TokenizerConfig) -> trainers.BpeTrainer:
    return trainers.BpeTrainer(
        vocab_size=config.vocab_size,
        min_frequency=config.min_frequency,
        special_tokens=[
            AddedToken(token, special=True, normalized=False)
            for token in config.special_tokens.tokens()
        ],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )


def transformers_files(config: TokenizerConfig) -> dict[str, str]:
    """`tokenizer_config.json` and `special_tokens_map.json` for `PreTrainedTokenizerFast`."""
    roles = {f"{role}_token": token for role, token in config.special_tokens.by_role().items()}
    tokenizer_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **roles,
        "model_max_length": config.model_max_length,
        "padding_side": "right",
        "add_prefix_space": False,
        # transformers' default clean-up rewrites " ." to "." and breaks exact round trips.
        "clean_up_tokenization_spaces": False,
    }
    return {
        "tokenizer_config.json": json.dumps(tokenizer_config, indent=2) + "\n",
        "special_tokens_map.json": json.dumps(roles, indent=2) + "\n",
    }


@dataclass
class TokenizerReport:
    """What `train_tokenizer` did: its stats (also in `stats/tokenizer.json`), the files it
    wrote and how fast training went (not written anywhere: files stay deterministic)."""

    stats: TokenizerStats
    files: list[Path] = field(default_factory=list)
    train_seconds: float = 0.0

    @property
    def train_mb_per_s(self) -> float | None:
        if self.train_seconds <= 0:
            return None
        return self.stats.training.bytes / 1e6 / self.train_seconds


def _text_sample(sample: Sample) -> TextSample:
    return TextSample(
        split=sample.split,
        units=sample.units,
        characters=sample.characters,
        bytes=sample.bytes,
        cap_bytes=sample.cap_bytes,
    )


def evaluation_split(out: Path) -> str:
    """`validation` when the corpus has one, else `train`."""
    return "validation" if split_paths(out, "validation") else "train"


def train_tokenizer(
    out: Path,
    config: TokenizerConfig | None = None,
    progress: ProgressCallback | None = None,
) -> TokenizerReport:
    """Train on `out`'s train split and write `out/tokenizer/` and `out/stats/tokenizer.json`.

    Raises OutputError when `out` has no train split or it holds no text.
    """
    config = config or TokenizerConfig()
    if not split_paths(out, "train"):
        raise OutputError(f"{out} has no pairs/train-*.parquet shards to train a tokenizer on")
    tokenizer = new_tokenizer(config)
    training = Sample("train", config.sample_bytes)
    if progress:
        progress(f"training on the train split (cap {config.sample_mb} MB)")
    started = time.perf_counter()
    tokenizer.train_from_iterator(sample_texts(out, training, config.seed), new_trainer(config))
    seconds = time.perf_counter() - started
    if training.units == 0:
        raise OutputError(f"the train split of {out} holds no unit text to train a tokenizer on")
    folder = out / TOKENIZER_DIR
    files = [write_text(folder / "tokenizer.json", tokenizer.to_str(pretty=True) + "\n")]
    files += [write_text(folder / n, t) for n, t in sorted(transformers_files(config).items())]
    if progress:
        progress(f"measuring on the {evaluation_split(out)} split")
    evaluation = Sample(evaluation_split(out), config.eval_bytes)
    measured = measure(tokenizer, sample_texts(out, evaluation, config.seed))
    stats = TokenizerStats(
        vocab_size=tokenizer.get_vocab_size(with_added_tokens=True),
        requested_vocab_size=config.vocab_size,
        special_tokens=config.special_tokens.by_role(),
        training=_text_sample(training),
        evaluation=_text_sample(evaluation),
        chars_per_token=measured.chars_per_token(),
        bytes_per_token=measured.bytes_per_token(),
        unit_tokens=measured.units.summary(),
        line_tokens=measured.lines.summary(),
        lines_within=measured.lines_within(),
        units_within=measured.units_within(),
    )
    files.append(write_model(out / TOKENIZER_JSON, stats))
    return TokenizerReport(stats, sorted(files), seconds)


def load_tokenizer(out: Path) -> Tokenizer:
    """The tokenizer saved in `out/tokenizer/tokenizer.json`."""
    path = out / TOKENIZER_DIR / "tokenizer.json"
    if not path.is_file():
        raise OutputError(f"{out} has no {TOKENIZER_DIR}/tokenizer.json; run pytorrent tokenizer")
    return Tokenizer.from_file(str(path))
