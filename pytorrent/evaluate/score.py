"""`eval score`: every text metric of predictions against references, as one JSON-ready dict.

Scales follow the published conventions: `bleu`, `smoothed_bleu`, `codebleu` and
`exact_match` are percentages (CodeXGLUE); `rougeL`, `syntax_ok` and `bertscore` are
fractions in [0, 1] (rouge-score, bert-score).
"""

from __future__ import annotations

import ast
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.evaluate import code_bleu, extras
from pytorrent.evaluate.bleu import text_to_code_bleu
from pytorrent.evaluate.rouge import mean_rouge_l
from pytorrent.evaluate.smoothed_bleu import code_to_text_bleu

JSON_LINES = (".jsonl", ".json")

#: How a prediction becomes the program that `syntax_ok` parses.
ASSEMBLIES = ("prediction", "prompt+prediction")


@dataclass(frozen=True)
class BertScoreModel:
    path: Path
    layer: int


def read_texts(path: Path, field: str) -> list[str]:
    """Examples of a file: `.jsonl`/`.json` (JSON lines, as CodeXGLUE's `answers.json`) →
    `field` of each object; otherwise one example per line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None
    if path.suffix not in JSON_LINES:
        return text.removesuffix("\n").split("\n") if text else []
    values: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not JSON ({exc.msg})") from None
        value = record.get(field) if isinstance(record, dict) else None
        if not isinstance(value, str):
            raise ConfigError(f"{path}:{number}: no string field {field!r}")
        values.append(value)
    return values


def exact_match(references: Sequence[str], predictions: Sequence[str]) -> float:
    """Percentage of predictions whose whitespace-split tokens equal the reference's (CodeXGLUE)."""
    if not predictions:
        return 0.0
    pairs = zip(references, predictions, strict=True)
    return 100.0 * sum(ref.split() == pred.split() for ref, pred in pairs) / len(predictions)


def parses(program: str) -> bool:
    """Whether `ast.parse` accepts the program (syntax warnings are not failures)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def assemble(prediction: str, prompt: str | None) -> str:
    """The program of a prediction: the prompt (signature + docstring) then the body, or alone."""
    return prediction if prompt is None else prompt + prediction


def syntax_ok(predictions: Sequence[str], prompts: Sequence[str] | None = None) -> float:
    """Fraction of assembled predictions that parse."""
    if not predictions:
        return 0.0
    programs = [
        assemble(pred, None if prompts is None else prompts[i])
        for i, pred in enumerate(predictions)
    ]
    return sum(parses(program) for program in programs) / len(programs)


def score_texts(
    references: Sequence[str],
    predictions: Sequence[str],
    prompts: Sequence[str] | None = None,
    bertscore_model: BertScoreModel | None = None,
) -> dict[str, Any]:
    """All metrics; optional ones absent (with a note) when their package is not installed."""
    if len(references) != len(predictions):
        raise ConfigError(
            f"{len(predictions)} predictions but {len(references)} references; counts must match"
        )
    if prompts is not None and len(prompts) != len(predictions):
        raise ConfigError(f"{len(prompts)} prompts but {len(predictions)} predictions")
    result: dict[str, Any] = {
        "examples": len(predictions),
        "bleu": text_to_code_bleu(references, predictions),
        "smoothed_bleu": code_to_text_bleu(references, predictions),
        "rougeL": mean_rouge_l(references, predictions),
        "exact_match": exact_match(references, predictions),
        "syntax_ok": syntax_ok(predictions, prompts),
        "syntax_assembly": ASSEMBLIES[0] if prompts is None else ASSEMBLIES[1],
    }
    notes: list[str] = []
    skipped = code_bleu.problem()
    if skipped is None:
        found = code_bleu.codebleu(references, predictions)
        notes.extend(found.pop("notes"))
        result.update(found)
    else:
        notes.append(skipped)
    if bertscore_model is None:
        notes.append("bertscore skipped: give --bertscore-model PATH --bertscore-layer N")
    elif extras.bertscore_available():
        result.update(
            extras.bertscore(references, predictions, bertscore_model.path, bertscore_model.layer)
        )
    else:
        notes.append(f"bert-score not installed (optional): {extras.BERTSCORE_INSTALL}")
    if notes:
        result["notes"] = notes
    return result
