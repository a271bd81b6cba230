"""`pytorrent eval {score,humaneval,gen}`: score generated code (see docs/evaluation.md)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pytorrent.errors import ConfigError

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
        help="field read from a .jsonl references file (default: reference)",
    )
    score.add_argument(
        "--prompt-field",
        default=None,
        help="field of the .jsonl predictions file holding the prompt; syntax_ok then parses "
        "prompt + prediction (signature+docstring → body) instead of the prediction alone",
    )
    _add_bertscore(score)
    score.set_defaults(_eval=_run_score)


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
        if args.predictions.suffix != ".jsonl":
            raise ConfigError("--prompt-field needs a .jsonl predictions file")
        prompts = read_texts(args.predictions, args.prompt_field)
    model = bertscore_model(args)
    assert model is None or isinstance(model, BertScoreModel)
    result = score_texts(references, predictions, prompts, model)
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def run(args: argparse.Namespace) -> int:
    return int(args._eval(args))
