"""`RUN/loss.png` (train and validation curves) and `RUN/README.md` (the model card)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pytorrent.train.run_folder import write_atomic

LOADERS = {
    "lstm": (
        "from pathlib import Path\n\n"
        "from pytorrent.train.lstm import generate_chars, load_char_model\n\n"
        'model, vocab, device = load_char_model(Path("{run}"))\n'
        'print(generate_chars(model, vocab, device, "def ", 200, 0.5, seed=0))\n'
    ),
    "gpt2": (
        "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
        'model = AutoModelForCausalLM.from_pretrained("{run}/model")\n'
        'tokenizer = AutoTokenizer.from_pretrained("{run}/model")\n'
    ),
    "mlm": (
        "from transformers import AutoModelForMaskedLM, AutoTokenizer\n\n"
        'model = AutoModelForMaskedLM.from_pretrained("{run}/model")\n'
        'tokenizer = AutoTokenizer.from_pretrained("{run}/model")\n'
    ),
}
TITLES = {
    "lstm": "character-level LSTM",
    "gpt2": "GPT-2 from scratch (CodeParrot-style)",
    "mlm": "RoBERTa-style masked LM",
}

_LSTM_ONLY = {"embedding", "hidden", "dropout", "l2"}
_TRANSFORMER_ONLY = {
    "layers",
    "heads",
    "width",
    "weight_decay",
    "warmup_steps",
    "gradient_checkpointing",
    "scale_attn_by_inverse_layer_idx",
    "reorder_and_upcast_attn",
}
#: Settings a model ignores, left out of its card (config.json still has them all).
NOT_USED_BY = {
    "lstm": _TRANSFORMER_ONLY | {"mlm_probability"},
    "gpt2": _LSTM_ONLY | {"mlm_probability"},
    "mlm": _LSTM_ONLY | {"scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn"},
}


def plot_losses(run: Path, metrics: list[dict[str, Any]], title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    steps = [entry["step"] for entry in metrics]
    axes.plot(steps, [entry["train_loss"] for entry in metrics], marker=".", label="train")
    axes.plot(steps, [entry["val_loss"] for entry in metrics], marker=".", label="validation")
    axes.set_xlabel("optimizer step")
    axes.set_ylabel("loss (nats per unit)")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path = run / "loss.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _metric_cells(entry: dict[str, Any]) -> str:
    extra = entry.get("val_bpc", entry.get("val_perplexity", math.nan))
    return (
        f"| {entry['step']} | {entry['train_loss']:.4f} | {entry['val_loss']:.4f} | {extra:.4f} |"
    )


def settings_and_run_lines(
    settings: dict[str, Any], hidden: set[str], summary: dict[str, Any], config: dict[str, Any]
) -> list[str]:
    """The card's settings table and its first results line (every run card has both)."""
    return [
        "## Hyperparameters",
        "",
        "| setting | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in settings.items() if name not in hidden),
        "",
        "## Results",
        "",
        f"- steps: {summary['steps']}, wall time {summary['seconds']:.1f} s, device "
        f"{config['device']}, precision {config['precision']}",
    ]


def write_card(
    run: Path, config: dict[str, Any], metrics: list[dict[str, Any]], summary: dict[str, Any]
) -> Path:
    settings = config["settings"]
    kind = settings["model"]
    hidden = NOT_USED_BY[kind]
    metric = "val bpc" if kind == "lstm" else "val perplexity"
    best = min(metrics, key=lambda entry: entry["val_loss"])
    lines = [
        f"# {TITLES[kind]} trained by pytorrent",
        "",
        "## Data",
        "",
        f"- corpus: `{config['corpus']['path']}` (build.json sha256 "
        f"`{config['corpus']['build_json_sha256']}`)",
        f"- config `{settings['config']}`, text column `{settings['text']}`; trained on `train`, "
        "validated on `valid`",
        "",
        *settings_and_run_lines(settings, hidden, summary, config),
        f"- best validation loss {best['val_loss']:.4f} at step {best['step']}"
        + (
            " (the saved model)"
            if settings["keep_best"]
            else "; the saved model is the last step's"
        ),
        "",
        f"| step | train loss | val loss | {metric} |",
        "|---|---|---|---|",
        *(_metric_cells(entry) for entry in metrics),
        "",
        "![losses](loss.png)",
        "",
        "## Load",
        "",
        "```python",
        LOADERS[kind].format(run=run.resolve()).rstrip("\n"),
        "```",
        "",
        "Versions: " + ", ".join(f"{name} {value}" for name, value in config["versions"].items()),
        "",
    ]
    path = run / "README.md"
    write_atomic(path, "\n".join(lines))
    return path
