"""Stop sequences are looked for in the generated text only, never across the prompt's end."""

from __future__ import annotations

from typing import Any

import pytest

from pytorrent.evaluate.gen import STOPS
from pytorrent.evaluate.generation import stop_in_completion
from tests.tokenizer.conftest import Trained

PROMPT = '"""Add two numbers."""\n'  # the docstring input: it ends in a newline


@pytest.fixture(scope="module")
def tokenizer(trained: Trained) -> Any:
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(trained.out / "tokenizer"))


def stops_after(tokenizer: Any, completion: str, stops: tuple[str, ...]) -> bool:
    import torch

    prompt = tokenizer(PROMPT)["input_ids"]
    ids = torch.tensor([prompt + tokenizer(completion)["input_ids"]])
    criteria = stop_in_completion(tokenizer, stops, len(prompt))
    return bool(criteria(ids, None)[0])


def test_a_function_after_a_docstring_prompt_does_not_stop_at_its_own_def(
    tokenizer: Any,
) -> None:
    """`PROMPT + "def "` holds "\\ndef ": the old `stop_strings` ended generation right here."""
    assert "\ndef " in PROMPT + "def add(a, b):"
    assert not stops_after(tokenizer, "def add(a, b):", STOPS["docstring"])
    assert not stops_after(tokenizer, "def add(a, b):\n    return a + b\n", STOPS["docstring"])


def test_the_next_function_stops_it(tokenizer: Any) -> None:
    completion = "def add(a, b):\n    return a + b\n\ndef "
    assert stops_after(tokenizer, completion, STOPS["docstring"])
    assert stops_after(tokenizer, "    return a\nprint(1)", STOPS["signature+docstring"])


def test_each_row_of_a_batch_is_judged_alone(tokenizer: Any) -> None:
    import torch

    prompt = tokenizer(PROMPT)["input_ids"]
    done = tokenizer("x\ndef ")["input_ids"]
    going = tokenizer("x = 1")["input_ids"]
    width = max(len(done), len(going))
    pad = [tokenizer.pad_token_id] * width
    rows = [prompt + (done + pad)[:width], prompt + (going + pad)[:width]]
    found = stop_in_completion(tokenizer, STOPS["docstring"], len(prompt))(torch.tensor(rows), None)
    assert found.tolist() == [True, False]
