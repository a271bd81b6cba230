"""The LSTM as the probe's model: streamed, chunked rows equal one plain stateful pass."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch

from pytorrent.train.data import CharVocab
from pytorrent.train.lstm import CharLSTM
from pytorrent.train.probe_model import lstm_distributions, segment_bounds


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One intra-op thread: tiny one-step LSTM calls are many times slower with two threads
    on a shared CPU, and the numbers do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


TEXT = "def f(x):\n    return [x, (x + 1)]\n" * 5


@pytest.fixture(scope="module")
def model() -> CharLSTM:
    torch.manual_seed(0)
    return CharLSTM(len(CharVocab()), embedding=8, hidden=16, dropout=0.1).eval()


def forward(model: CharLSTM, vocab: CharVocab, inputs: str) -> np.ndarray:
    """Next-character distributions after each input character, from a fresh state."""
    with torch.no_grad():
        logits, _ = model(torch.tensor([vocab.encode(inputs)]))
    return torch.softmax(logits[0], dim=-1).numpy().astype(np.float64)


def plain_pass(model: CharLSTM, vocab: CharVocab, text: str) -> np.ndarray:
    """Row i from one pass over "\\n" + text[:-1]: P(text[i] | text[:i])."""
    return forward(model, vocab, "\n" + text[:-1])


def gathered(model: CharLSTM, text: str, streams: int, steps: int) -> np.ndarray:
    vocab = CharVocab()
    out = np.full((len(text), len(vocab)), np.nan)
    rows = lstm_distributions(model, vocab, torch.device("cpu"), streams, steps)(text)
    assert not isinstance(rows, np.ndarray)
    for start, block in rows:
        assert np.isnan(out[start : start + len(block)]).all()
        out[start : start + len(block)] = block
    assert not np.isnan(out).any()
    return out


def test_segments_cover_the_text() -> None:
    assert segment_bounds(10, 3) == [0, 3, 6, 10]
    assert segment_bounds(2, 16) == [0, 1, 2]
    assert segment_bounds(0, 4) == [0, 0]


def test_one_stream_in_small_steps_carries_the_state(model: CharLSTM) -> None:
    expected = plain_pass(model, CharVocab(), TEXT)
    got = gathered(model, TEXT, streams=1, steps=7)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-5)


def test_parallel_streams_see_their_own_segment(model: CharLSTM) -> None:
    got = gathered(model, TEXT, streams=3, steps=5)
    bounds = segment_bounds(len(TEXT), 3)
    vocab = CharVocab()
    np.testing.assert_allclose(
        got[: bounds[1]], plain_pass(model, vocab, TEXT)[: bounds[1]], rtol=1e-5, atol=1e-6
    )
    # The second segment starts fresh from the character before it.
    start = bounds[1]
    lone = forward(model, vocab, TEXT[start - 1 : bounds[2] - 1])
    np.testing.assert_allclose(got[start : bounds[2]], lone, rtol=1e-5, atol=1e-6)
