"""`train_tokenizer`: a byte-level BPE that round-trips code exactly, trained on a capped,
deterministic sample of the train split and measured on the valid split."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError
from tokenizers import Tokenizer, pre_tokenizers

from pytorrent.errors import OutputError
from pytorrent.stats import TokenizerStats, load_tokenizer_stats
from pytorrent.stats.collect import iter_batches
from pytorrent.tokenizer import (
    Sample,
    SpecialTokens,
    TokenizerConfig,
    load_tokenizer,
    sample_texts,
    token_counts,
    train_tokenizer,
)
from pytorrent.tokenizer.sample import split_bytes, split_paths
from tests.tokenizer.conftest import UNICODE_FILE, VOCAB, Trained, module_source, real_code_files


def test_writes_files_for_tokenizers_and_transformers(trained: Trained) -> None:
    folder = trained.out / "tokenizer"
    assert {p.name for p in folder.iterdir()} == {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    }
    config = json.loads((folder / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert config["clean_up_tokenization_spaces"] is False
    assert config["bos_token"] == "<|startoftext|>" and config["eos_token"] == "<|endoftext|>"
    assert json.loads((folder / "special_tokens_map.json").read_text()) == {
        f"{role}_token": token for role, token in SpecialTokens().by_role().items()
    }
    assert set(trained.report.files) == {
        *folder.iterdir(),
        trained.out / "stats" / "tokenizer.json",
    }


def test_vocabulary_has_every_byte_and_the_special_tokens_first(trained: Trained) -> None:
    tokenizer = load_tokenizer(trained.out)
    vocab = tokenizer.get_vocab()
    assert set(pre_tokenizers.ByteLevel.alphabet()) <= set(vocab)
    assert len(pre_tokenizers.ByteLevel.alphabet()) == 256
    assert [tokenizer.id_to_token(i) for i in range(5)] == SpecialTokens().tokens()
    assert 256 + 5 < tokenizer.get_vocab_size() <= VOCAB
    # Merges were learnt from code: indentation and keywords are single tokens.
    assert tokenizer.token_to_id("ĠĠĠ") is not None
    assert tokenizer.token_to_id("Ġreturn") is not None


@pytest.mark.parametrize("module", ["textwrap", "tokenize", "inspect", "json.decoder"])
def test_round_trips_real_files_exactly(trained: Trained, module: str) -> None:
    tokenizer = load_tokenizer(trained.out)
    text = module_source(module).decode("utf-8")
    ids = tokenizer.encode(text).ids
    assert tokenizer.token_to_id("<|unk|>") not in ids
    assert tokenizer.decode(ids) == text


def test_round_trips_tabs_unicode_and_odd_whitespace(trained: Trained) -> None:
    tokenizer = load_tokenizer(trained.out)
    samples = [
        UNICODE_FILE,
        "\tx\t=\t1\r\n  \x0c\n\n\n    ",
        "s = '\\x00\\xff'  # \u200b zero width, \U0001f600 and \u00a0no-break space",
        "a . b , c ( d ) 'e' \" f \" ",  # spaces transformers would "clean up"
        "",
    ]
    for text in samples:
        assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_every_unit_of_the_corpus_round_trips(trained: Trained) -> None:
    tokenizer = load_tokenizer(trained.out)
    for split in ("train", "validation"):
        for batch in iter_batches(split_paths(trained.out, split), ["original_string"]):
            for text in batch.column("original_string").to_pylist():
                assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_training_is_deterministic(trained: Trained, tmp_path: Path) -> None:
    again = Path(shutil.copytree(trained.out, tmp_path / "again"))
    shutil.rmtree(again / "tokenizer")
    (again / "stats" / "tokenizer.json").unlink()
    train_tokenizer(again, TokenizerConfig(vocab_size=VOCAB))
    for rel in (
        "tokenizer/tokenizer.json",
        "tokenizer/tokenizer_config.json",
        "stats/tokenizer.json",
    ):
        assert (again / rel).read_bytes() == (trained.out / rel).read_bytes(), rel


def test_stats_measure_the_valid_split(trained: Trained) -> None:
    stats = load_tokenizer_stats(trained.out)
    assert isinstance(stats, TokenizerStats) and stats == trained.report.stats
    assert stats.requested_vocab_size == VOCAB
    assert stats.training.split == "train" and stats.evaluation.split == "validation"
    assert stats.training.bytes == split_bytes(trained.out, "train")  # under the 256 MB cap
    # Recount the valid split's unit texts and lines independently.
    tokenizer = load_tokenizer(trained.out)
    texts = [t for batch in sample_texts(trained.out, Sample("validation", None)) for t in batch]
    unit_tokens = [len(tokenizer.encode(t, add_special_tokens=False).ids) for t in texts]
    lines = [line for t in texts for line in t.split("\n") if line.strip()]
    line_tokens = [len(tokenizer.encode(line).ids) for line in lines]
    assert stats.evaluation.units == len(texts)
    assert stats.evaluation.characters == sum(len(t) for t in texts)
    assert stats.unit_tokens.count == len(texts) and stats.unit_tokens.max == max(unit_tokens)
    assert stats.chars_per_token == round(sum(len(t) for t in texts) / sum(unit_tokens), 4)
    assert stats.line_tokens.count == len(lines) and stats.line_tokens.max == max(line_tokens)
    assert stats.lines_within["70"] == round(sum(n <= 70 for n in line_tokens) / len(lines), 6)
    assert 1.2 < stats.chars_per_token < 8.0
    assert trained.report.train_mb_per_s is not None and trained.report.train_mb_per_s > 0


def test_token_counts_leave_special_tokens_out(trained: Trained) -> None:
    tokenizer = load_tokenizer(trained.out)
    assert token_counts(tokenizer, ["x = 1", ""]) == [
        len(tokenizer.encode("x = 1").ids),
        0,
    ]
    assert token_counts(tokenizer, []) == []


def test_sample_is_capped_deterministic_and_seeded(real_corpus: Path) -> None:
    total = split_bytes(real_corpus, "train")
    cap = total // 3

    def take(seed: int) -> tuple[Sample, list[str]]:
        sample = Sample("train", cap)
        return sample, [t for batch in sample_texts(real_corpus, sample, seed) for t in batch]

    sample, texts = take(0)
    assert 0 < sample.bytes <= cap
    assert sample.bytes == sum(len(t.encode()) for t in texts)
    assert sample.units == len(texts) and sample.characters == sum(len(t) for t in texts)
    assert take(0)[1] == texts
    assert take(1)[1] != texts
    whole = Sample("train", None)
    assert sum(len(b) for b in sample_texts(real_corpus, whole)) == whole.units > sample.units
    assert whole.bytes == total


def test_training_sample_cap_is_respected(real_corpus: Path, tmp_path: Path) -> None:
    out = Path(shutil.copytree(real_corpus, tmp_path / "corpus"))
    cap_mb = split_bytes(out, "train") / 4 / 1e6
    report = train_tokenizer(out, TokenizerConfig(vocab_size=300, sample_mb=cap_mb, eval_mb=0.01))
    assert 0 < report.stats.training.bytes <= cap_mb * 1e6
    assert report.stats.training.cap_bytes == int(cap_mb * 1e6)
    assert report.stats.evaluation.bytes <= 10_000
    assert Tokenizer.from_file(str(out / "tokenizer" / "tokenizer.json")).get_vocab_size() <= 300


def test_units_and_the_whole_corpus_use_real_code(trained: Trained) -> None:
    # The fixture's train split holds the real modules of its train packages.
    texts = [t for b in sample_texts(trained.out, Sample("train", None)) for t in b]
    joined = "\n".join(texts)
    assert any(source.split("\ndef ", 1)[-1][:40] in joined for source in real_code_files())


def test_config_is_validated() -> None:
    with pytest.raises(ValidationError, match="at least 261"):
        TokenizerConfig(vocab_size=260)
    with pytest.raises(ValidationError, match="distinct"):
        SpecialTokens(pad="<|endoftext|>")
    with pytest.raises(ValidationError):
        TokenizerConfig(sample_mb=0)


def test_a_corpus_without_train_split_is_refused(real_corpus: Path, tmp_path: Path) -> None:
    out = Path(shutil.copytree(real_corpus, tmp_path / "corpus"))
    for path in (out / "pairs").glob("train-*.parquet"):
        path.unlink()
    with pytest.raises(OutputError, match="no pairs/train"):
        train_tokenizer(out, TokenizerConfig(vocab_size=300))
