"""A tiny random GPT-2 with the corpus tokenizer, saved as a local model folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tokenizer.conftest import Trained, real_corpus, trained

__all__ = ["real_corpus", "tiny_gpt2", "trained"]


@pytest.fixture(scope="session")
def tiny_gpt2(trained: Trained, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 layers, 32 wide, untrained: generates junk quickly, enough to run every stage."""
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("models") / "tiny-gpt2"
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(trained.out / "tokenizer"))
    config = transformers.GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=2048,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    transformers.set_seed(0)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
