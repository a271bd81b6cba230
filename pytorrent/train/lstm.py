"""The character-level LSTM baseline of the "exploring RNNs" Python generator, in PyTorch.

Embedding → LSTM → Dropout → LSTM → Dropout → Linear(vocab); the paper preset is 64/256/256,
dropout 0.1, with an L2 penalty of 1e-4 on the output layer's weights only (Keras
`kernel_regularizer`: `l2 * sum(W**2)` added to the training loss, never to the reported loss).

For other modules (the probe):

    load_char_model(run: Path, device: str = "auto") -> tuple[CharLSTM, CharVocab, torch.device]

loads `RUN/model/` (`model.safetensors` + `config.json`) in eval mode on `device`;
`model(ids, state)` takes a `(batch, time)` LongTensor of `CharVocab` ids and an optional
state and returns `(logits (batch, time, vocab), state)`, so feeding one step at a time with the
returned state is the stateful model of the original.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

from pytorrent.errors import ConfigError
from pytorrent.train.data import CharVocab, packed_batches, split_shards
from pytorrent.train.loop import pick_device

State = tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"


class CharLSTM(nn.Module):
    """Two stacked single-layer LSTMs, each followed by dropout, then a dense output layer."""

    def __init__(self, vocab: int, embedding: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.shape = {"vocab": vocab, "embedding": embedding, "hidden": hidden, "dropout": dropout}
        self.embed = nn.Embedding(vocab, embedding)
        self.lstm1 = nn.LSTM(embedding, hidden, batch_first=True)
        self.drop1 = nn.Dropout(dropout)
        self.lstm2 = nn.LSTM(hidden, hidden, batch_first=True)
        self.drop2 = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        first, second = state if state is not None else (None, None)
        x, first_out = self.lstm1(self.embed(ids), first)
        x, second_out = self.lstm2(self.drop1(x), second)
        return self.head(self.drop2(x)), (first_out, second_out)

    def penalty(self, l2: float) -> torch.Tensor:
        """The L2 term on the output layer's weights (not its bias, not other layers)."""
        return l2 * self.head.weight.pow(2).sum()


def char_loss(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy in nats of predicting each next character of `ids` (one-char shift)."""
    logits, _ = model(ids[:, :-1])
    return nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1))


def char_batches(
    corpus: Path,
    split: str,
    settings: Any,
    vocab: CharVocab,
    epoch: int,
    keep_partial: bool = False,
) -> Iterator[torch.Tensor]:
    """Blocks of `context + 1` characters (input plus its one-char-shifted target)."""
    shards = split_shards(corpus, settings.config, split)
    for batch in packed_batches(
        shards,
        settings.text,
        vocab.encode,
        vocab.encode("\n"),
        settings.context + 1,
        settings.batch_size,
        settings.seed,
        epoch,
        keep_partial=keep_partial,
    ):
        yield torch.tensor(batch, dtype=torch.long)


def save_char_model(model: CharLSTM, vocab: CharVocab, folder: Path) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = {
        name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()
    }
    save_file(state, str(folder / MODEL_FILE))
    config = {"model_type": "pytorrent-char-lstm", **model.shape, "chars": vocab.chars[1:]}
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def load_char_model(run: Path, device: str = "auto") -> tuple[CharLSTM, CharVocab, torch.device]:
    """The trained LSTM of an `lstm` run (or of its `model/` folder), in eval mode."""
    folder = run / "model" if (run / "model").is_dir() else run
    config_path = folder / CONFIG_FILE
    if not (folder / MODEL_FILE).is_file() or not config_path.is_file():
        raise ConfigError(
            f"RUN: no trained LSTM in {folder}; train one with `pytorrent train lstm`"
        )
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if config.get("model_type") != "pytorrent-char-lstm":
        raise ConfigError(f"RUN: {folder} holds a {config.get('model_type')} model, not an LSTM")
    from safetensors.torch import load_file

    vocab = CharVocab(config["chars"])
    model = CharLSTM(len(vocab), config["embedding"], config["hidden"], config["dropout"])
    model.load_state_dict(load_file(str(folder / MODEL_FILE)))
    where = pick_device(device)
    model.to(where).eval()
    return model, vocab, where


@torch.no_grad()
def generate_chars(
    model: CharLSTM,
    vocab: CharVocab,
    device: torch.device,
    prompt: str,
    chars: int,
    temperature: float,
    seed: int,
) -> str:
    """`chars` characters after `prompt`, sampled one at a time with the state carried.

    Temperature 0 picks the most likely character; sampling draws from a CPU generator seeded
    with `seed`, so a seed gives the same text on any device.
    """
    generator = torch.Generator().manual_seed(seed)
    ids = vocab.encode(prompt) or vocab.encode("\n")
    logits, state = model(torch.tensor([ids], device=device))
    out: list[int] = []
    for _ in range(chars):
        last = logits[0, -1].float().cpu()
        if temperature <= 0:
            choice = int(last.argmax())
        else:
            probs = torch.softmax(last / temperature, dim=-1)
            choice = int(torch.multinomial(probs, 1, generator=generator))
        out.append(choice)
        logits, state = model(torch.tensor([[choice]], device=device), state)
    return vocab.decode(out)
