"""Training throughput and a fixed-budget quality check of the tiny LSTM and GPT-2.

1. Overhead: units/s (chars for the LSTM, tokens for GPT-2) of our training loop (`loop.train`:
   streamed data, progress, one checkpoint, one small evaluation) against a bare PyTorch loop on
   the same model, the same batches held in memory and the same optimizer, in this process;
   alternated `--repeats` times, median ratio reported (target >= 0.9).
2. Data: units/s of the batch stream alone against what the model consumes (target >= 10x).
3. Budget: each tiny model trained for about `--budget-s` seconds on CORPUS; validation bits
   per character next to unigram, gzip and xz on the same validation text.

    python benchmarks/train.py CORPUS --steps 40 --budget-s 120
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pytorrent.train import loop
from pytorrent.train.data import CHARS, UNK, iter_texts, split_shards
from pytorrent.train.presets import Settings, make_settings
from pytorrent.train.probe_baselines import (
    char_counts,
    fold,
    fold_counts,
    gzip_bits,
    unigram_bits,
    xz_bits,
)
from pytorrent.train.session import train_run
from pytorrent.train.tasks import TASKS


def fresh_task(settings: Settings, corpus: Path) -> loop.Task:
    torch.manual_seed(settings.seed)
    return TASKS[settings.model](settings, corpus)


def bare_loop(settings: Settings, corpus: Path, steps: int) -> float:
    """Units/s of forward, backward, clip and step over batches already in memory."""
    task = fresh_task(settings, corpus)
    stream = loop.stream(task, loop.Progress())
    batches = [next(stream)[2] for _ in range(steps)]
    optimizer = loop.make_optimizer(task, settings)
    model = task.model.train()
    started = time.perf_counter()
    units = 0
    for batch in batches:
        loss = task.loss(model, batch)
        objective = loss + task.penalty(model) if task.penalty is not None else loss
        objective.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        units += task.units(batch)
    return units / (time.perf_counter() - started)


def our_loop(settings: Settings, corpus: Path, steps: int) -> float:
    """Units/s of `loop.train` from step 0 to `steps` (data streamed, checkpoint written)."""
    task = fresh_task(settings, corpus)
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder)
        loop.train(run, settings, task, resume=False)
        metrics = [line for line in (run / "metrics.jsonl").read_text().splitlines() if line]
    import json

    first, last = json.loads(metrics[0]), json.loads(metrics[-1])
    units_per_step = settings.batch_size * settings.grad_accum * (settings.context)
    return steps * units_per_step / (last["elapsed_s"] - first["elapsed_s"])


def data_only(settings: Settings, corpus: Path, steps: int) -> float:
    task = fresh_task(settings, corpus)
    started = time.perf_counter()
    units = 0
    stream = loop.stream(task, loop.Progress())
    for _ in range(steps):
        units += task.units(next(stream)[2])
    return units / (time.perf_counter() - started)


def overhead(model: str, corpus: Path, steps: int, repeats: int) -> dict[str, float]:
    settings = make_settings(
        model, "tiny", {"max_steps": steps, "eval_every": steps, "eval_batches": 1}
    )
    bare_loop(settings, corpus, 3)  # warm up kernels and caches
    bare, ours = [], []
    for _ in range(repeats):
        bare.append(bare_loop(settings, corpus, steps))
        ours.append(our_loop(settings, corpus, steps))
    ratios = [o / b for o, b in zip(ours, bare, strict=True)]
    data = data_only(settings, corpus, steps)
    return {
        "bare": statistics.median(bare),
        "ours": statistics.median(ours),
        "ratio": statistics.median(ratios),
        "data": data,
        "data_ratio": data / statistics.median(ours),
    }


def validation_text(corpus: Path, settings: Settings) -> str:
    shards = split_shards(corpus, settings.config, "valid")
    return fold("\n".join(iter_texts(shards, settings.text)), CHARS, UNK)


def budget_run(model: str, corpus: Path, seconds: float, out: Path) -> dict[str, Any]:
    probe = make_settings(model, "tiny", {})
    rate = overhead(model, corpus, 10, 1)["ours"]
    units_per_step = probe.batch_size * probe.context
    steps = max(20, int(seconds * rate / units_per_step))
    settings = make_settings(model, "tiny", {"max_steps": steps, "eval_every": max(1, steps // 10)})
    result = train_run(settings, corpus, out)
    best = min(result.metrics, key=lambda entry: entry["val_loss"])
    text = validation_text(corpus, settings)
    bits = best["val_loss"] / math.log(2)
    if model == "gpt2":  # nats per token -> bits per character of the same text
        from pytorrent.train.data import load_tokenizer

        tokenizer = load_tokenizer(corpus)
        tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
        bits *= tokens / len(text)
    return {"steps": steps, "seconds": result.seconds, "bpc": bits, "step": best["step"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=120.0, help="0 skips the budget runs")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch threads {torch.get_num_threads()}, corpus {args.corpus}")
    for model, unit in (("lstm", "chars"), ("gpt2", "tokens")):
        found = overhead(model, args.corpus, args.steps, args.repeats)
        print(
            f"{model} tiny: bare {found['bare']:,.0f} {unit}/s, ours {found['ours']:,.0f} "
            f"{unit}/s, ratio {found['ratio']:.3f}; data alone {found['data']:,.0f} {unit}/s "
            f"= {found['data_ratio']:.0f}x the model's consumption"
        )
    if args.budget_s <= 0:
        return
    settings = make_settings("lstm", "tiny", {})
    text = validation_text(args.corpus, settings)
    train = split_shards(args.corpus, settings.config, "train")
    counts = fold_counts(char_counts(iter_texts(train, settings.text)), CHARS, UNK)
    from collections import Counter

    print(
        f"baselines on {len(text):,} validation chars: unigram "
        f"{unigram_bits(counts, Counter(text), UNK + CHARS):.3f}, gzip -9 {gzip_bits(text):.3f}, "
        f"xz -9e {xz_bits(text):.3f} bits/char"
    )
    with tempfile.TemporaryDirectory() as folder:
        for model in ("lstm", "gpt2"):
            found = budget_run(model, args.corpus, args.budget_s, Path(folder) / model)
            print(
                f"{model} tiny, {found['steps']} steps in {found['seconds']:.0f} s: best val "
                f"{found['bpc']:.3f} bits/char (step {found['step']})"
            )


if __name__ == "__main__":
    main()
