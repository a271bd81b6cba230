"""`RUN/README.md` of a LoRA run: base model, adapter, data (with truncation counts), results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytorrent.train.report import settings_and_run_lines
from pytorrent.train.run_folder import write_atomic

TITLE = "LoRA fine-tuning (docstring -> code)"
#: Loop settings a LoRA run does not use, left out of its card (config.json keeps them).
_UNUSED = {
    "preset", "text", "keep_best", "embedding", "hidden", "dropout", "l2", "layers", "heads",
    "width", "scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "mlm_probability",
    "gradient_checkpointing",
}  # fmt: skip
TRUNCATION = (
    "Over-long examples: a causal model's prompt keeps its last max(context - target, "
    "context // 2) tokens, then the target is cut at its end (losing EOS); an encoder-decoder's "
    "prompt keeps its last `context` tokens and its target its first `context` tokens."
)
_LOADER = (
    "from peft import PeftModel\n"
    "from transformers import {auto}, AutoTokenizer\n\n"
    'base = {auto}.from_pretrained("{base}", local_files_only=True)\n'
    'model = PeftModel.from_pretrained(base, "{run}/adapter")\n'
    'tokenizer = AutoTokenizer.from_pretrained("{run}/adapter")\n'
)


def _data_line(split: str, facts: dict[str, Any]) -> str:
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(facts["skipped"].items())) or "none"
    return (
        f"- `{split}`: {facts['examples']} examples; truncated prompts "
        f"{facts['truncated_prompts']}, truncated targets {facts['truncated_targets']}; "
        f"skipped: {skipped}"
    )


def write_lora_card(
    run: Path, config: dict[str, Any], metrics: list[dict[str, Any]], summary: dict[str, Any]
) -> Path:
    settings, lora, base = config["settings"], config["lora"], config["base_model"]
    best = min(metrics, key=lambda entry: entry["val_loss"])
    auto = "AutoModelForSeq2SeqLM" if base["encoder_decoder"] else "AutoModelForCausalLM"
    loader = _LOADER.format(auto=auto, base=base["path"], run=run.resolve())
    lines = [
        f"# {TITLE} trained by pytorrent",
        "",
        f"- base model: `{base['path']}` ({base['model_type']}, config sha256 "
        f"`{base['config_sha256']}`), {config['parameters']:,} parameters, "
        f"{config['trainable_parameters']:,} trainable",
        f"- LoRA r {lora['r']}, alpha {lora['alpha']}, dropout {lora['dropout']}, target modules "
        f"{', '.join(config['target_modules'])}",
        "- saved: `adapter/`" + (", merged `model/`" if lora["merge"] else ""),
        "",
        "## Data",
        "",
        f"- corpus: `{config['corpus']['path']}` (build.json sha256 "
        f"`{config['corpus']['build_json_sha256']}`), config `{settings['config']}`, input "
        f"`{lora['input']}`, comment units {'included' if lora['include_comments'] else 'excluded'}",
        _data_line("train", config["data"]["train"]),
        _data_line("valid", config["data"]["valid"]),
        f"- context {config['data']['context']} tokens (`--context`, capped at a causal "
        f"model's positions). {TRUNCATION}",
        "",
        *settings_and_run_lines(settings, _UNUSED, summary, config),
        f"- best validation loss {best['val_loss']:.4f} at step {best['step']}; the saved "
        "adapter is the last step's",
        "",
        "| step | epoch | train loss | val loss | val perplexity |",
        "|---|---|---|---|---|",
        *(
            f"| {e['step']} | {e['epoch']} | {e['train_loss']:.4f} | {e['val_loss']:.4f} | "
            f"{e['val_perplexity']:.4f} |"
            for e in metrics
        ),
        "",
        "![losses](loss.png)",
        "",
        "## Load",
        "",
        "```python",
        loader.rstrip("\n"),
        "```",
        "",
        "Versions: " + ", ".join(f"{name} {value}" for name, value in config["versions"].items()),
        "",
    ]
    path = run / "README.md"
    write_atomic(path, "\n".join(lines))
    return path
