"""`pytorrent eval {score,humaneval,gen}`: score generated code (see docs/evaluation.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pytorrent.errors import ConfigError

if TYPE_CHECKING:
    from pytorrent.evaluate.generation import GenerationSettings

HELP = "score generated code: text metrics, HumanEval pass@k, generation on a corpus split"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="eval_command", metavar="EVAL_COMMAND", required=True)
    score = commands.add_parser(
        "score",
        help="BLEU, smoothed BLEU, ROUGE-L, exact match, syntax (+ CodeBLEU, BERTScore)",
        description="Score predictions against references; prints one JSON object.",
    )
    score.add_argument("--predictions", type=Path, required=True, metavar="P")
    score.add_argument("--references", type=Path, required=True, metavar="R")
    score.add_argument(
        "--prediction-field",
        default="prediction",
        help="field read from a .jsonl predictions file (default: prediction)",
    )
    score.add_argument(
        "--reference-field",
        default="reference",
        help="field read from a .jsonl references file (default: reference; CodeXGLUE's "
        "answers.json: code)",
    )
    score.add_argument(
        "--prompt-field",
        default=None,
        help="field of the .jsonl predictions file holding the prompt; syntax_ok then parses "
        "prompt + prediction (signature+docstring → body) instead of the prediction alone",
    )
    _add_bertscore(score)
    score.set_defaults(_eval=_run_score)
    _add_humaneval(commands)
    _add_gen(commands)


def _ks(text: str) -> list[int]:
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of integers: {text}"
        ) from None
    if not ks or ks[0] < 1:
        raise argparse.ArgumentTypeError("k values must be >= 1")
    return ks


def _add_generation(parser: argparse.ArgumentParser, temperature: float, top_p: float) -> None:
    parser.add_argument(
        "--temperature",
        type=float,
        default=temperature,
        help=f"sampling temperature; 0 is greedy (default: {temperature})",
    )
    parser.add_argument(
        "--top-p", type=float, default=top_p, help=f"nucleus sampling p (default: {top_p})"
    )
    parser.add_argument(
        "--max-new-tokens", type=int, default=256, help="tokens per completion (default: 256)"
    )
    parser.add_argument("--batch-size", type=int, default=8, help="samples per generate call")
    parser.add_argument("--seed", type=int, default=0, help="seed of sampling (default: 0)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N examples")
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's; 1 is often faster on a busy machine)",
    )


def _add_humaneval(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    humaneval = commands.add_parser(
        "humaneval",
        help="HumanEval pass@k of a local causal model (runs generated code: opt in)",
        description="Generate --n completions per HumanEval problem with a local model, run "
        "each in the sandbox and report pass@k. Needs --allow-code-execution.",
    )
    humaneval.add_argument("model", type=Path, metavar="MODEL", help="local model folder")
    humaneval.add_argument("--n", type=int, default=1, help="samples per problem (default: 1)")
    humaneval.add_argument(
        "--k", type=_ks, default=[1, 10, 100], help="k values of pass@k (default: 1,10,100)"
    )
    humaneval.add_argument(
        "--allow-code-execution",
        action="store_true",
        help="run the model's code (in the sandbox); refused without this flag",
    )
    humaneval.add_argument(
        "--out", type=Path, default=None, help="results folder (default: MODEL/humaneval)"
    )
    humaneval.add_argument("--timeout", type=float, default=10.0, help="seconds per sample")
    humaneval.add_argument("--memory-mb", type=int, default=2048, help="address space per sample")
    humaneval.add_argument("--workers", type=int, default=2, help="samples run at once")
    _add_generation(humaneval, temperature=0.2, top_p=0.95)
    humaneval.set_defaults(_eval=_run_humaneval)


def _add_bertscore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bertscore-model", type=Path, default=None, help="local model folder for BERTScore"
    )
    parser.add_argument(
        "--bertscore-layer", type=int, default=None, help="hidden layer BERTScore uses"
    )


def bertscore_model(args: argparse.Namespace) -> object:
    """The BERTScore model of the flags, or None; both flags or neither."""
    from pytorrent.evaluate.score import BertScoreModel

    if (args.bertscore_model is None) != (args.bertscore_layer is None):
        raise ConfigError("--bertscore-model and --bertscore-layer go together")
    if args.bertscore_model is None:
        return None
    return BertScoreModel(args.bertscore_model, args.bertscore_layer)


def _run_score(args: argparse.Namespace) -> int:
    from pytorrent.evaluate.score import BertScoreModel, read_texts, score_texts

    predictions = read_texts(args.predictions, args.prediction_field)
    references = read_texts(args.references, args.reference_field)
    prompts = None
    if args.prompt_field is not None:
        if args.predictions.suffix not in (".jsonl", ".json"):
            raise ConfigError("--prompt-field needs a .jsonl predictions file")
        prompts = read_texts(args.predictions, args.prompt_field)
    model = bertscore_model(args)
    assert model is None or isinstance(model, BertScoreModel)
    result = score_texts(references, predictions, prompts, model)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def _add_gen(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gen = commands.add_parser(
        "gen",
        help="generate code for a corpus split's docstrings with a local model and score it",
        description="Generate one prediction per example of CORPUS/acsN/SPLIT, write "
        "predictions.jsonl and results.json, print the metrics.",
    )
    gen.add_argument("model", type=Path, metavar="RUN|MODEL", help="run folder or model folder")
    gen.add_argument("--corpus", type=Path, required=True, help="built corpus folder")
    gen.add_argument("--split", default="test", help="split to generate for (default: test)")
    gen.add_argument("--acs", type=int, default=0, help="ACS config of the corpus (default: 0)")
    gen.add_argument(
        "--input",
        choices=("docstring", "signature+docstring"),
        default="docstring",
        help="prompt: the docstring alone (→ function) or signature + docstring (→ body)",
    )
    gen.add_argument(
        "--out", type=Path, default=None, help="results folder (default: RUN|MODEL/gen-SPLIT)"
    )
    _add_bertscore(gen)
    _add_generation(gen, temperature=0.0, top_p=1.0)
    gen.set_defaults(_eval=_run_gen)


def _run_gen(args: argparse.Namespace) -> int:
    from pytorrent.evaluate.gen import STOPS, run_generation, table
    from pytorrent.evaluate.score import BertScoreModel

    model = bertscore_model(args)
    assert model is None or isinstance(model, BertScoreModel)
    if args.limit is not None and args.limit < 1:
        raise ConfigError("--limit must be >= 1")
    out = args.out if args.out is not None else args.model / f"gen-{args.split}"
    _set_threads(args.threads)
    results = run_generation(
        args.model,
        args.corpus,
        out,
        acs=args.acs,
        split=args.split,
        form=args.input,
        settings=_settings(args, STOPS[args.input]),
        limit=args.limit,
        device=args.device,
        bertscore_model=model,
        progress=_progress,
    )
    print(table(results["metrics"]))
    print(f"{results['examples']} examples, {args.input} input; results: {out / 'results.json'}")
    return 0


def _settings(args: argparse.Namespace, stop: tuple[str, ...]) -> GenerationSettings:
    from pytorrent.evaluate.generation import GenerationSettings

    if args.temperature < 0 or not 0 < args.top_p <= 1:
        raise ConfigError("--temperature must be >= 0 and --top-p in (0, 1]")
    if args.max_new_tokens < 1 or args.batch_size < 1:
        raise ConfigError("--max-new-tokens and --batch-size must be >= 1")
    return GenerationSettings(
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_p=args.top_p,
        seed=args.seed,
        stop=stop,
        batch_size=args.batch_size,
    )


def _set_threads(threads: int | None) -> None:
    if threads is None:
        return
    if threads < 1:
        raise ConfigError("--threads must be >= 1")
    from pytorrent.train import require_extra

    require_extra()
    import torch

    torch.set_num_threads(threads)


def _progress(text: str) -> None:
    print(f"pytorrent eval: {text}", file=sys.stderr)


def _run_humaneval(args: argparse.Namespace) -> int:
    if not args.allow_code_execution:
        raise ConfigError(
            "HumanEval runs the code the model writes; pass --allow-code-execution to allow it "
            "(each sample runs confined in its own process; see docs/evaluation.md)"
        )
    from pytorrent.evaluate.generation import HUMANEVAL_STOPS
    from pytorrent.evaluate.humaneval_model import evaluate_model
    from pytorrent.evaluate.sandbox import Limits

    if args.n < 1 or args.workers < 1 or args.timeout <= 0:
        raise ConfigError("--n and --workers must be >= 1 and --timeout > 0")
    settings = _settings(args, HUMANEVAL_STOPS)
    _set_threads(args.threads)
    out = args.out if args.out is not None else args.model / "humaneval"
    summary = evaluate_model(
        args.model,
        n=args.n,
        ks=args.k,
        settings=settings,
        limits=Limits(timeout_s=args.timeout, memory_mb=args.memory_mb),
        out=out,
        workers=args.workers,
        limit=args.limit,
        device=args.device,
        progress=_progress,
    )
    print(summary["table"])
    if summary["skipped_k"]:
        print(f"k > n skipped: {summary['skipped_k']} (raise --n)")
    print(f"per-problem results: {out / 'humaneval_problems.jsonl'}")
    return 0


def run(args: argparse.Namespace) -> int:
    return int(args._eval(args))
