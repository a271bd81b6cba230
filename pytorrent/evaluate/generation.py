"""Load a local model folder and generate completions that stop at the given stop sequences.

Models are never downloaded: every load passes `local_files_only=True`, and a path that is
not a folder (for example a hub id) is refused before transformers sees it. torch and
transformers are imported inside the functions so the text metrics work without them.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.train import require_extra

#: HumanEval's stop sequences (Codex paper): a completion ends where a new top-level block starts.
HUMANEVAL_STOPS = ("\nclass", "\ndef", "\n#", "\nif", "\nprint")


_PEFT_DEPRECATION = "`is_gradient_checkpointing` is deprecated"


@dataclass(frozen=True)
class GenerationSettings:
    """Every knob of generation; recorded in results. temperature 0 means greedy."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0
    stop: tuple[str, ...] = ()
    batch_size: int = 8

    def record(self) -> dict[str, Any]:
        return {**asdict(self), "stop": list(self.stop), "greedy": self.temperature == 0}


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    path: Path
    encoder_decoder: bool
    adapter: Path | None = None

    def prompt_room(self, max_new_tokens: int) -> int | None:
        """Most prompt tokens a causal model can take before `max_new_tokens` new ones."""
        if self.encoder_decoder:
            return None
        config = self.model.config
        limit = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )
        return None if limit is None else max(int(limit) - max_new_tokens, 1)

    def identity(self) -> dict[str, Any]:
        """What names this model: its folder, type, size, the digest of its config (and adapter)."""
        config = self.path / "config.json"
        identity = {
            "path": str(self.path),
            "model_type": getattr(self.model.config, "model_type", None),
            "parameters": int(sum(p.numel() for p in self.model.parameters())),
            "config_sha256": hashlib.sha256(config.read_bytes()).hexdigest(),
        }
        if self.adapter is not None:
            adapter_config = (self.adapter / "adapter_config.json").read_bytes()
            identity["adapter"] = str(self.adapter.resolve())
            identity["adapter_config_sha256"] = hashlib.sha256(adapter_config).hexdigest()
        return identity


def _json_object(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def resolve_model(path: Path) -> tuple[Path, Path | None]:
    """(model folder, LoRA adapter folder or None) of `path`: a model folder, a run folder with
    a merged `model/`, or an adapter (itself or a run's `adapter/`) whose base is local."""
    if not path.is_dir():
        raise ConfigError(f"models must be local folders; {path} is not a folder")
    for candidate in (path, path / "model"):
        config = _json_object(candidate / "config.json")
        if config is not None and "model_type" in config:
            return candidate, None
    for candidate in (path, path / "adapter"):
        adapter = _json_object(candidate / "adapter_config.json")
        if adapter is None:
            continue
        base = Path(str(adapter.get("base_model_name_or_path") or ""))
        if not str(base) or not base.is_dir():
            raise ConfigError(
                f"models must be local folders; the base model {str(base)!r} of the adapter "
                f"in {candidate} is not a folder"
            )
        return resolve_model(base)[0], candidate
    raise ConfigError(f"models must be local folders; no model (config.json) in {path}")


def load_model(path: Path, *, causal_only: bool = False) -> LoadedModel:
    """A local causal LM or encoder-decoder in eval mode, with its tokenizer."""
    require_extra()
    folder, adapter = resolve_model(path)
    folder = folder.resolve()
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoModelForSeq2SeqLM,
        AutoTokenizer,
    )

    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
    if encoder_decoder and causal_only:
        raise ConfigError(f"{folder} is an encoder-decoder model; this needs a causal LM")
    loader = AutoModelForSeq2SeqLM if encoder_decoder else AutoModelForCausalLM
    has_own_tokenizer = adapter is not None and (adapter / "tokenizer_config.json").is_file()
    tokenizer_folder = adapter if has_own_tokenizer and adapter is not None else folder
    try:
        tokenizer = AutoTokenizer.from_pretrained(tokenizer_folder, local_files_only=True)
        model = loader.from_pretrained(folder, local_files_only=True)
        if adapter is not None:
            from peft import PeftModel

            with warnings.catch_warnings():  # peft asks transformers 5 a deprecated question
                warnings.filterwarnings("ignore", _PEFT_DEPRECATION, FutureWarning)
                model = PeftModel.from_pretrained(model, str(adapter), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load the model in {adapter or folder}: {exc}") from None
    model.eval()
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return LoadedModel(model, tokenizer, folder, encoder_decoder, adapter)


def stop_in_completion(tokenizer: Any, stops: Sequence[str], prompt_length: int) -> Any:
    """A stopping criterion that ends a row once its generated text holds a stop sequence.

    Only the tokens after the prompt are read, as the Codex and HumanEval harnesses do:
    transformers' `stop_strings` also match across the prompt's end, so a docstring prompt
    (ending in a newline) stopped at the first `def ` of its function, two tokens in.
    """
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class StopInCompletion(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            texts = tokenizer.batch_decode(input_ids[:, prompt_length:], skip_special_tokens=True)
            found = [any(stop in text for stop in stops) for text in texts]
            return torch.tensor(found, dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([StopInCompletion()])


def truncate(text: str, stops: Sequence[str]) -> str:
    """The text before the first stop sequence."""
    cut = min((i for i in (text.find(stop) for stop in stops) if i >= 0), default=len(text))
    return text[:cut]


def generate(
    loaded: LoadedModel, prompt: str, count: int, settings: GenerationSettings
) -> tuple[list[str], int]:
    """`count` completions of one prompt (stop sequences cut off) and new tokens generated."""
    import torch

    tokenizer, model = loaded.tokenizer, loaded.model
    encoded = tokenizer(prompt, return_tensors="pt")
    room = loaded.prompt_room(settings.max_new_tokens)
    if room is not None and encoded["input_ids"].shape[1] > room:  # keep the prompt's end
        encoded = {name: value[:, -room:] for name, value in encoded.items()}
    encoded = {name: value.to(model.device) for name, value in encoded.items()}
    prompt_length = 0 if loaded.encoder_decoder else encoded["input_ids"].shape[1]
    sampling: dict[str, Any] = {"do_sample": False}
    if settings.temperature > 0:
        sampling = {"do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p}
    completions: list[str] = []
    tokens = 0
    wanted = count if settings.temperature > 0 else 1  # greedy: every sample is the same
    extra: dict[str, Any] = {}
    if settings.stop:
        extra = {"stopping_criteria": stop_in_completion(tokenizer, settings.stop, prompt_length)}
    while len(completions) < wanted:
        batch = min(settings.batch_size, wanted - len(completions))
        with torch.no_grad():
            output = model.generate(
                **encoded,
                max_new_tokens=settings.max_new_tokens,
                num_return_sequences=batch,
                pad_token_id=tokenizer.pad_token_id,
                **sampling,
                **extra,
            )
        new = output[:, prompt_length:]
        tokens += int((new != tokenizer.pad_token_id).sum())
        for row in new:
            text = tokenizer.decode(row, skip_special_tokens=True)
            completions.append(truncate(text, settings.stop))
    return completions * (count // wanted), tokens


def seed_everything(seed: int) -> None:
    from transformers import set_seed

    set_seed(seed)
