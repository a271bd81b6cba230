"""The base model of a LoRA run: a local folder only, wrapped by peft, saved as an adapter and
(optionally) merged.

Models are never downloaded: a path that is not a local model folder (a hub id, a typo) is
refused in one line before transformers sees it, and every load passes `local_files_only`.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.train.lora_settings import LoraSettings

#: model_type -> (target modules, fan_in_fan_out); others use peft's own mapping.
TARGETS: dict[str, tuple[tuple[str, ...], bool]] = {
    "gpt2": (("c_attn",), True),  # GPT-2's Conv1D stores weights as (fan_in, fan_out)
    "llama": (("q_proj", "v_proj"), False),
    "t5": (("q", "v"), False),
}
_PEFT_DEPRECATION = "`is_gradient_checkpointing` is deprecated"


@dataclass
class BaseModel:
    model: Any
    tokenizer: Any
    folder: Path
    model_type: str
    encoder_decoder: bool


def model_folder(path: Path) -> Path:
    """The model folder of `--model`: a transformers folder, or a run folder's `model/`."""
    if not path.is_dir():
        raise ConfigError(
            f"--model: models must be local folders; {path} is not a folder "
            "(hub ids are never downloaded)"
        )
    for candidate in (path, path / "model"):
        if (candidate / "adapter_config.json").is_file():
            raise ConfigError(
                f"--model: {candidate} is a LoRA adapter; train on its base model "
                "or on a model merged with --merge"
            )
        if (candidate / "config.json").is_file():
            return candidate.resolve()
    raise ConfigError(f"--model: models must be local folders; no config.json in {path}")


def load_base(path: Path) -> BaseModel:
    """The local model (causal LM or encoder-decoder) and its tokenizer, pad token ensured."""
    folder = model_folder(path)
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
        encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
        loader: Any = AutoModelForSeq2SeqLM if encoder_decoder else AutoModelForCausalLM
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = loader.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"--model: cannot load {folder}: {first}") from None
    if tokenizer.eos_token_id is None:
        raise ConfigError(f"--model: the tokenizer in {folder} has no EOS token")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return BaseModel(model, tokenizer, folder, str(config.model_type), encoder_decoder)


def context_for(base: BaseModel, wanted: int) -> int:
    """`--context`, capped at a causal model's positions (an encoder-decoder's relative
    positions have no limit), so a small model trains with the default of 512."""
    if base.encoder_decoder:
        return wanted
    config = base.model.config
    limit = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)
    return min(wanted, int(limit)) if limit else wanted


def lora_config(base: BaseModel, lora: LoraSettings) -> Any:
    """peft's LoraConfig: the paper's r/alpha/dropout, target modules by architecture."""
    from peft import LoraConfig, TaskType

    modules, fan_in_fan_out = TARGETS.get(base.model_type, (None, False))
    if lora.target_modules is not None:
        modules = lora.target_modules
    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=list(modules) if modules is not None else None,
        fan_in_fan_out=fan_in_fan_out,
        task_type=TaskType.SEQ_2_SEQ_LM if base.encoder_decoder else TaskType.CAUSAL_LM,
    )


def wrap(base: BaseModel, lora: LoraSettings) -> Any:
    """The peft model: base weights frozen, LoRA matrices trainable."""
    from peft import get_peft_model

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _PEFT_DEPRECATION, FutureWarning)
            return get_peft_model(base.model, lora_config(base, lora))
    except ValueError as exc:
        raise ConfigError(
            f"--target-modules: {str(exc).splitlines()[0]} (model type {base.model_type})"
        ) from None


def target_modules(peft_model: Any) -> list[str]:
    modules = peft_model.peft_config["default"].target_modules
    return sorted(modules) if modules is not None else []


def save_adapter(peft_model: Any, tokenizer: Any, folder: Path) -> None:
    """`RUN/adapter/`: adapter_config.json (base = the local folder), weights, tokenizer."""
    folder.mkdir(parents=True, exist_ok=True)
    peft_model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))


def save_merged(peft_model: Any, tokenizer: Any, folder: Path) -> None:
    """`RUN/model/`: the LoRA update folded into the base weights, a plain transformers folder.

    Merging changes the model in place, so this is the last thing a run does with it."""
    merged = peft_model.merge_and_unload()
    folder.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    leftover = folder / "adapter_config.json"
    if leftover.exists():  # it would make loaders re-attach the adapter to merged weights
        leftover.unlink()


def adapter_base(folder: Path) -> str:
    """The base model path recorded in an adapter's config."""
    config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
    return str(config.get("base_model_name_or_path"))
