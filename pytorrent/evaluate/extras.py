"""BERTScore, an optional metric computed only when bert-score is installed (CodeBLEU, the
other optional one, is `pytorrent.evaluate.code_bleu`).

An absent package is not an error: the score is left out and a note says how to install it.
BERTScore depends on the model and layer, so both are returned next to the score.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError

BERTSCORE_INSTALL = "pip install 'pytorrent[eval]'"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def bertscore_available() -> bool:
    return _installed("bert_score") and _installed("torch") and _installed("transformers")


def bertscore(
    references: Sequence[str], predictions: Sequence[str], model: Path, layer: int
) -> dict[str, Any]:
    """Mean BERTScore precision, recall and F1 with a local model folder and an explicit layer.

    bert-score picks the T5 encoder when the model name contains `t5` and treats names starting
    with `scibert` specially; pass a folder whose path avoids both unless that is meant.
    """
    if not (model.is_dir() and (model / "config.json").is_file()):
        raise ConfigError(f"--bertscore-model: models must be local folders; no model at {model}")
    if layer < 1:
        raise ConfigError("--bertscore-layer must be >= 1")
    from bert_score import score  # type: ignore[import-untyped, import-not-found, unused-ignore]

    try:
        precision, recall, f1 = score(
            list(predictions),
            list(references),
            model_type=str(model),
            num_layers=layer,
            verbose=False,
            device="cpu",
        )
    except AssertionError as exc:  # bert-score checks the layer count with assert
        raise ConfigError(f"--bertscore-layer {layer}: {exc}") from None
    return {
        "bertscore": float(f1.mean()),
        "bertscore_precision": float(precision.mean()),
        "bertscore_recall": float(recall.mean()),
        "bertscore_model": str(model.resolve()),
        "bertscore_layer": layer,
    }
