"""HumanEval for a local model: generate, execute in the sandbox, score and write results."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pytorrent.evaluate import generation, humaneval
from pytorrent.evaluate.identity import versions
from pytorrent.evaluate.sandbox import Limits


def evaluate_model(
    model_path: Path,
    *,
    n: int,
    ks: Sequence[int],
    settings: generation.GenerationSettings,
    limits: Limits,
    out: Path,
    workers: int = 1,
    limit: int | None = None,
    device: str = "cpu",
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """pass@k of `n` completions per problem; writes `out/` and returns the summary."""
    problems = humaneval.read_problems(limit)
    loaded = generation.load_model(model_path, causal_only=True)
    loaded.model.to(device)
    generation.seed_everything(settings.seed)
    completions: dict[str, list[str]] = {}
    tokens = 0
    started = time.monotonic()
    for index, (task_id, problem) in enumerate(problems.items(), start=1):
        completions[task_id], new = generation.generate(loaded, problem["prompt"], n, settings)
        tokens += new
        progress(f"generated {index}/{len(problems)} problems")
    generation_seconds = time.monotonic() - started
    started = time.monotonic()
    results = humaneval.execute(problems, completions, limits, workers)
    execution_seconds = time.monotonic() - started
    scores = humaneval.summarise(results, ks)
    summary: dict[str, Any] = {
        "scores": scores,
        "skipped_k": [k for k in ks if k > n],
        "problems": len(problems),
        "n": n,
        "generation": settings.record(),
        "sandbox": {
            "timeout_s": limits.timeout_s,
            "memory_mb": limits.memory_mb,
            "workers": workers,
            "confinement": sorted({c for r in results for o in r.outcomes for c in o.confinement}),
        },
        "model": loaded.identity(),
        "device": device,
        "tokens_generated": tokens,
        "generation_seconds": round(generation_seconds, 3),
        "execution_seconds": round(execution_seconds, 3),
        "versions": versions(),
    }
    humaneval.write_results(out, results, summary)
    summary["table"] = humaneval.table(scores, ks)
    return summary
