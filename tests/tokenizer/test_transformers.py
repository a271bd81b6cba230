"""The saved tokenizer loads with `transformers.AutoTokenizer` and round-trips code there too."""

from __future__ import annotations

import pytest

from pytorrent.tokenizer import SpecialTokens
from tests.tokenizer.conftest import UNICODE_FILE, Trained, module_source


def test_auto_tokenizer_loads_special_tokens_and_round_trips(trained: Trained) -> None:
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(trained.out / "tokenizer"))
    assert isinstance(tokenizer, transformers.PreTrainedTokenizerFast)
    specials = SpecialTokens()
    assert (tokenizer.bos_token, tokenizer.eos_token) == (specials.bos, specials.eos)
    assert (tokenizer.pad_token, tokenizer.unk_token, tokenizer.mask_token) == (
        specials.pad,
        specials.unk,
        specials.mask,
    )
    assert tokenizer.eos_token_id == 0 and tokenizer.pad_token_id == 2
    assert tokenizer.model_max_length == 1024
    for text in (module_source("textwrap").decode(), UNICODE_FILE, "a . b , c ( d ) 'e'"):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert tokenizer.decode(ids) == text
    padded = tokenizer(["x = 1", "def f(a, b):\n\treturn a"], padding=True)
    assert padded["input_ids"][0][-1] == tokenizer.pad_token_id
