"""The trained char LSTM as the probe's model: next-character distributions over a long text.

The text is cut into `streams` contiguous segments run side by side as one batch, `steps`
characters at a time with the LSTM state carried, so every character but the first few of a
segment sees all of its segment before it (as the stateful generator does). Row 0 of the text
is the prediction after the separator `\\n` that joins documents in training; a segment's
first row is the prediction after the character just before the segment.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from pytorrent.train.data import CharVocab
from pytorrent.train.probe_distance import Distributions, Rows


def segment_bounds(length: int, streams: int) -> list[int]:
    """`streams` (at most `length`) nearly equal contiguous segments of `length` positions."""
    count = max(1, min(streams, length))
    return [length * k // count for k in range(count + 1)]


def lstm_distributions(
    model: Any, vocab: CharVocab, device: torch.device, streams: int = 16, steps: int = 1024
) -> Distributions:
    """The `Distributions` of `model` (a `CharLSTM`, called as `model(ids, state)`)."""

    def rows(text: str) -> Iterator[tuple[int, Rows]]:
        ids = [vocab.index.get(char, 0) for char in text]
        inputs = [vocab.index["\n"], *ids[:-1]]
        bounds = segment_bounds(len(ids), streams)
        lengths = [end - start for start, end in itertools.pairwise(bounds)]
        batch = torch.zeros((len(lengths), max(lengths, default=0)), dtype=torch.long)
        for row, (start, end) in enumerate(itertools.pairwise(bounds)):
            batch[row, : end - start] = torch.tensor(inputs[start:end], dtype=torch.long)
        state = None
        with torch.inference_mode():
            for first in range(0, batch.size(1), steps):
                logits, state = model(batch[:, first : first + steps].to(device), state)
                probabilities = torch.softmax(logits.float(), dim=-1).cpu().numpy()
                for row, length in enumerate(lengths):
                    valid = min(length - first, probabilities.shape[1])
                    if valid > 0:
                        block = probabilities[row, :valid].astype(np.float64)
                        yield bounds[row] + first, block

    return rows
