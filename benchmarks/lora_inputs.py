"""The paper's input-format comparison at small scale: does signature+docstring beat the
docstring alone for LoRA fine-tuning, on our data, on this CPU?

Everything is local and made here, in order (a stage whose output exists is reused):

1. a corpus of the first `--build-limit` installed packages (ACS 0, split 70/10/20 by package,
   a 4,096-token corpus tokenizer), or `--corpus` given;
2. a small GPT-2 pretrained from scratch on its `pairs` functions as written, docstrings
   included (`train gpt2 --text original_string`, fixed steps), so the base has seen a
   docstring followed by code;
3. one LoRA run per input format on that base, same steps, batch, lr and seed (`train lora`);
4. `eval gen` of each on the first `--eval-limit` test examples, greedy, in its own format.

    OMP_NUM_THREADS=1 python benchmarks/lora_inputs.py --work /tmp/lora-bench --json lora.json

The two formats score different references (the whole function against the body alone), as
in the paper; the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FORMATS = ("docstring", "signature+docstring")
METRICS = ("bleu", "smoothed_bleu", "rougeL", "exact_match", "syntax_ok", "codebleu")
#: "Python Code Generation using Pre-trained Models", LoRA on CodeSearchNet Python.
PAPER = {
    "CodeLlama-7b": (30.78, 0.38, 0.87),
    "CodeT5-large": (14.56, 0.31, 0.59),
    "GPT-2": (18.83, 0.28, 0.85),
}


def pytorrent(*argv: str) -> float:
    """Run one pytorrent command with one torch thread; its wall seconds."""
    started = time.monotonic()
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    print("+ pytorrent " + " ".join(argv), file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "pytorrent", *argv], check=True, env=env)
    return round(time.monotonic() - started, 1)


def build(args: argparse.Namespace, seconds: dict[str, float]) -> Path:
    if args.corpus is not None:
        return Path(args.corpus)
    corpus = Path(args.work) / "corpus"
    if not (corpus / "build.json").is_file():
        seconds["build"] = pytorrent(
            "build", "--limit", str(args.build_limit), "--acs", "0", "--split", "70,10,20",
            "--tokenizer", "--vocab-size", "4096", "--quiet", "--out", str(corpus),
        )  # fmt: skip
    return corpus


def pretrain(args: argparse.Namespace, corpus: Path, seconds: dict[str, float]) -> Path:
    run = Path(args.work) / "gpt2"
    if not (run / "model" / "config.json").is_file():
        seconds["pretrain"] = pytorrent(
            "train", "gpt2", str(corpus), "--out", str(run), "--device", "cpu",
            "--text", "original_string",
            "--layers", str(args.layers), "--width", str(args.width), "--heads", str(args.heads),
            "--context", "256", "--batch-size", "8", "--lr", "1e-3", "--warmup-steps", "20",
            "--max-steps", str(args.pretrain_steps), "--eval-every", str(args.pretrain_steps),
            "--eval-batches", "20",
        )  # fmt: skip
    return run / "model"


def fine_tune(
    args: argparse.Namespace, corpus: Path, base: Path, form: str, seconds: dict[str, float]
) -> Path:
    run = Path(args.work) / f"lora-{form.replace('+', '-')}"
    if not (run / "adapter" / "adapter_config.json").is_file():
        seconds[f"lora {form}"] = pytorrent(
            "train", "lora", str(corpus), "--model", str(base), "--out", str(run),
            "--input", form, "--device", "cpu", "--context", "256", "--batch-size", "8",
            "--lr", str(args.lora_lr), "--max-steps", str(args.lora_steps),
            "--eval-every", str(args.lora_steps), "--merge",
        )  # fmt: skip
    return run


def generate(
    args: argparse.Namespace, corpus: Path, run: Path, form: str, seconds: dict[str, float]
) -> dict[str, Any]:
    out = run / "gen-test"
    if not (out / "results.json").is_file():
        seconds[f"eval gen {form}"] = pytorrent(
            "eval", "gen", str(run), "--corpus", str(corpus), "--split", "test",
            "--input", form, "--limit", str(args.eval_limit),
            "--max-new-tokens", str(args.max_new_tokens), "--threads", "1", "--out", str(out),
        )  # fmt: skip
    results: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results


def table(found: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| model | input | examples | BLEU | ROUGE-L | BERTScore | smoothed BLEU | EM | "
        "syntax ok | CodeBLEU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (bleu, rouge, bert) in PAPER.items():
        lines.append(f"| {name} (paper) | — | — | {bleu} | {rouge} | {bert} | | | | |")
    for form, results in found.items():
        m = results["metrics"]
        codebleu = f"{m['codebleu']:.2f}" if "codebleu" in m else "—"
        lines.append(
            f"| ours | {form} | {results['examples']} | {m['bleu']:.2f} | {m['rougeL']:.3f} | — "
            f"| {m['smoothed_bleu']:.2f} | {m['exact_match']:.1f} | {m['syntax_ok']:.2f} "
            f"| {codebleu} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for every stage")
    parser.add_argument("--corpus", type=Path, default=None, help="a built corpus to reuse")
    parser.add_argument("--build-limit", type=int, default=25)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--pretrain-steps", type=int, default=400)
    parser.add_argument("--lora-steps", type=int, default=150)
    parser.add_argument("--lora-lr", type=float, default=1e-3)
    parser.add_argument("--eval-limit", type=int, default=150)
    parser.add_argument("--max-new-tokens", type=int, default=96)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    corpus = build(args, seconds)
    base = pretrain(args, corpus, seconds)
    found = {}
    for form in FORMATS:
        run = fine_tune(args, corpus, base, form, seconds)
        found[form] = generate(args, corpus, run, form, seconds)
    report = {
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "seconds": seconds,
        "metrics": {form: results["metrics"] for form, results in found.items()},
        "tokens_per_second": {form: r["tokens_per_second"] for form, r in found.items()},
    }
    print(json.dumps(report, indent=2))
    print(table(found))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
