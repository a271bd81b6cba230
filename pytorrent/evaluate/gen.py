"""`eval gen`: generate for a corpus split's examples, score them and write the results.

OUT/predictions.jsonl has one {id, prompt, prediction, reference} per example; OUT/results.json
has every metric, every generation setting, the model's and the corpus's identity.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytorrent import layout
from pytorrent.atomic import sha256_file
from pytorrent.evaluate import generation
from pytorrent.evaluate.examples import read_examples
from pytorrent.evaluate.identity import versions
from pytorrent.evaluate.score import BertScoreModel, score_texts

#: Where a generated function (docstring input) or body (signature+docstring input) ends.
STOPS = {
    "docstring": ("\ndef ", "\nclass ", "\n@", "\nif __name__"),
    "signature+docstring": generation.HUMANEVAL_STOPS,
}
_TABLE_METRICS = ("bleu", "smoothed_bleu", "rougeL", "exact_match", "syntax_ok", "codebleu")


def corpus_identity(corpus: Path, acs: int, split: str) -> dict[str, Any]:
    build = corpus / layout.MANIFEST
    return {
        "path": str(corpus.resolve()),
        "build_json_sha256": sha256_file(build) if build.is_file() else None,
        "config": f"acs{acs}",
        "split": split,
    }


def run_generation(
    model_path: Path,
    corpus: Path,
    out: Path,
    *,
    acs: int,
    split: str,
    form: str,
    settings: generation.GenerationSettings,
    limit: int | None = None,
    device: str = "cpu",
    bertscore_model: BertScoreModel | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Generate one prediction per example, score, write OUT/ and return results.json's data."""
    generation.resolve_model(model_path)  # refuse a hub id before reading the corpus
    examples, skipped = read_examples(corpus, acs=acs, split=split, form=form, limit=limit)
    loaded = generation.load_model(model_path)
    loaded.model.to(device)
    generation.seed_everything(settings.seed)
    predictions: list[str] = []
    tokens = 0
    started = time.monotonic()
    for index, example in enumerate(examples, start=1):
        completions, new = generation.generate(loaded, example.prompt, 1, settings)
        predictions.append(completions[0])
        tokens += new
        if index % 50 == 0 or index == len(examples):
            progress(f"generated {index}/{len(examples)}")
    seconds = time.monotonic() - started
    prompts = [e.prompt for e in examples] if form == "signature+docstring" else None
    references = [e.reference for e in examples]
    metrics = score_texts(references, predictions, prompts, bertscore_model)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "predictions.jsonl").open("w", encoding="utf-8") as handle:
        for example, prediction in zip(examples, predictions, strict=True):
            row = {"id": example.id, "prompt": example.prompt, "prediction": prediction}
            handle.write(json.dumps({**row, "reference": example.reference}) + "\n")
    results: dict[str, Any] = {
        "metrics": metrics,
        "input": form,
        "examples": len(examples),
        "skipped": dict(skipped),
        "generation": settings.record(),
        "model": loaded.identity(),
        "corpus": corpus_identity(corpus, acs, split),
        "device": device,
        "tokens_generated": tokens,
        "generation_seconds": round(seconds, 3),
        "tokens_per_second": round(tokens / seconds, 2) if seconds > 0 else None,
        "versions": versions(),
    }
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    (out / "results.json").write_text(text, encoding="utf-8")
    return results


def table(metrics: dict[str, Any]) -> str:
    names = [name for name in (*_TABLE_METRICS, "bertscore") if name in metrics]
    header = "| " + " | ".join(names) + " |"
    rule = "|" + "---:|" * len(names)
    row = "| " + " | ".join(f"{float(metrics[name]):.2f}" for name in names) + " |"
    return "\n".join([header, rule, row])
