"""Evaluation throughput: the sandbox's samples/s on HumanEval's canonical solutions, and a
tiny random GPT-2's generation tokens/s.

Executor: every canonical solution (`--problems N` for fewer) run through the sandbox with
1 and 2 workers, with and without namespaces; all must pass. Generation: a GPT-2 of
`--layers`/`--width` with a byte-level BPE trained here on the HumanEval prompts, greedy
(1 sequence) and sampled (8 sequences per call), `--new-tokens` per call, no stop sequences,
with torch's default thread count and with 1 thread (on a busy machine the default can be
10x slower: its threads wait for cores).

    python benchmarks/evaluate.py --problems 164 --json evaluate.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pytorrent.evaluate import generation, humaneval
from pytorrent.evaluate.sandbox import Limits


def executor(problems: dict[str, dict[str, Any]], workers: int, isolate: bool) -> dict[str, Any]:
    completions = {task: [p["canonical_solution"]] for task, p in problems.items()}
    started = time.monotonic()
    results = humaneval.execute(problems, completions, Limits(isolate=isolate), workers)
    seconds = time.monotonic() - started
    return {
        "workers": workers,
        "isolate": isolate,
        "samples": len(results),
        "passed": sum(r.passed for r in results),
        "seconds": round(seconds, 2),
        "samples_per_s": round(len(results) / seconds, 2),
    }


def tiny_model(folder: Path, prompts: list[str], layers: int, width: int) -> Path:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, set_seed

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(prompts, vocab_size=2000, special_tokens=["<|endoftext|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")
    tokenizer.pad_token = tokenizer.eos_token
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=2048, n_embd=width, n_layer=layers,
        n_head=max(width // 32, 1), eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    set_seed(0)
    GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def generation_speed(
    model: Path, prompts: list[str], new_tokens: int, samples: int, temperature: float
) -> dict[str, Any]:
    import torch

    loaded_threads = torch.get_num_threads()
    loaded = generation.load_model(model, causal_only=True)
    settings = generation.GenerationSettings(
        max_new_tokens=new_tokens, temperature=temperature, top_p=0.95, batch_size=samples
    )
    generation.seed_everything(0)
    # One warm-up call, then a prompt per measured call.
    generation.generate(loaded, prompts[0], samples, settings)
    loaded.model.generation_config.eos_token_id = None  # measure full-length generations
    tokens = 0
    started = time.monotonic()
    for prompt in prompts:
        tokens += generation.generate(loaded, prompt, samples, settings)[1]
    seconds = time.monotonic() - started
    return {
        "sequences_per_call": samples,
        "temperature": temperature,
        "calls": len(prompts),
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1),
        "parameters": loaded.identity()["parameters"],
        "torch_threads": loaded_threads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=164)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--skip-executor", action="store_true")
    args = parser.parse_args()
    problems = humaneval.read_problems(args.problems)
    report: dict[str, Any] = {"executor": [], "generation": []}
    for workers, isolate in () if args.skip_executor else ((1, True), (2, True), (2, False)):
        report["executor"].append(executor(problems, workers, isolate))
        print(json.dumps(report["executor"][-1]))
    prompts = [p["prompt"] for p in problems.values()]
    import torch

    default_threads = torch.get_num_threads()
    with tempfile.TemporaryDirectory(prefix="pytorrent-bench-eval-") as tmp:
        model = tiny_model(Path(tmp) / "tiny-gpt2", prompts, args.layers, args.width)
        for threads in sorted({default_threads, 1}, reverse=True):
            torch.set_num_threads(threads)
            for samples, temperature in ((1, 0.0), (8, 0.8)):
                measured = generation_speed(
                    model, prompts[: args.prompts], args.new_tokens, samples, temperature
                )
                report["generation"].append(measured)
                print(json.dumps(measured))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
