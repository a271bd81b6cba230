"""Training throughput and a fixed-budget quality check of the tiny LSTM and GPT-2.

1. Overhead: units/s (chars for the LSTM, tokens for GPT-2) of our training loop (`loop.train`:
   streamed data, progress and a checkpoint every 10 steps; evaluation time excluded) against a
   bare PyTorch loop on the same model, the same batches held in memory and the same optimizer,
   in this process; alternated `--repeats` times, median ratio reported (target >= 0.9).
2. Data: units/s of one whole epoch of the batch stream alone (shard loads included) against
   what the model consumes (target >= 10x); with both, the ratio over a whole epoch.
3. Budget: each tiny model trained for about `--budget-s` seconds on CORPUS; validation bits
   per character next to unigram, gzip and xz on the same validation text.

    python benchmarks/train.py CORPUS --steps 40 --budget-s 120
"""

from __future__ import annotations

import argparse
import dataclasses
import json
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

WARM = 10


def fresh_task(settings: Settings, corpus: Path) -> loop.Task:
    torch.manual_seed(settings.seed)
    return TASKS[settings.model](settings, corpus)


def bare_loop(settings: Settings, corpus: Path, steps: int) -> float:
    """Units/s of forward, backward, clip and step over batches already in memory, after the
    first `WARM` steps."""
    task = fresh_task(settings, corpus)
    stream = loop.stream(task, loop.Progress())
    batches = [next(stream)[2] for _ in range(steps)]
    optimizer = loop.make_optimizer(task, settings)
    model = task.model.train()
    started = time.perf_counter()
    units = 0
    for index, batch in enumerate(batches):
        if index == WARM:  # timed from the same step as `our_loop`
            started, units = time.perf_counter(), 0
        loss = task.loss(model, batch)
        objective = loss + task.penalty(model) if task.penalty is not None else loss
        objective.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        units += task.units(batch)
    return units / (time.perf_counter() - started)


def our_loop(settings: Settings, corpus: Path, steps: int) -> float:
    """Units/s of `loop.train` between its evaluations at `WARM` and `steps`, the evaluations'
    own time (`eval_s`) left out: streamed batches, progress and a checkpoint every `WARM`
    steps. The shard load before the first batch (once per shard and epoch) is left out here
    and measured by `data_epoch`."""
    task = fresh_task(settings, corpus)
    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder)
        loop.train(run, settings, task, resume=False)
        lines = (run / "metrics.jsonl").read_text().splitlines()
    metrics = {entry["step"]: entry for entry in map(json.loads, lines)}
    units_per_step = settings.batch_size * settings.grad_accum * settings.context
    seconds = metrics[steps]["elapsed_s"] - metrics[WARM]["elapsed_s"]
    seconds -= sum(entry["eval_s"] for step, entry in metrics.items() if step > WARM)
    return (steps - WARM) * units_per_step / seconds


def checkpoint_seconds(settings: Settings, corpus: Path, repeats: int = 5) -> float:
    """Median seconds of one checkpoint of this model (model, optimizer with state, RNG)."""
    from pytorrent.train import checkpoint

    task = fresh_task(settings, corpus)
    optimizer = loop.make_optimizer(task, settings)
    scheduler = loop.make_scheduler(optimizer, task, settings, 10)
    batch = next(loop.stream(task, loop.Progress()))[2]
    task.loss(task.model, batch).backward()
    optimizer.step()  # so the optimizer state exists, as in training
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeats):
            started = time.perf_counter()
            checkpoint.save(Path(folder), task.model, optimizer, scheduler, loop.Progress())
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def data_epoch(settings: Settings, corpus: Path) -> float:
    """Units/s of one whole epoch of the batch stream alone, shard loads included."""
    task = fresh_task(settings, corpus)
    started = time.perf_counter()
    units = sum(task.units(batch) for batch in task.train_batches(0))
    return units / (time.perf_counter() - started)


def overhead(
    model: str, corpus: Path, steps: int, repeats: int, with_data: bool = True
) -> dict[str, float]:
    steps = max(2 * WARM, steps - steps % WARM)
    settings = make_settings(
        model,
        "tiny",
        {"max_steps": steps, "eval_every": WARM, "eval_batches": 1, "keep_best": False},
    )
    bare, ours = [], []
    for _ in range(repeats):
        bare.append(bare_loop(settings, corpus, steps))
        ours.append(our_loop(settings, corpus, steps))
    ratios = [o / b for o, b in zip(ours, bare, strict=True)]
    data = data_epoch(settings, corpus) if with_data else math.nan
    saving = checkpoint_seconds(settings, corpus)
    window = (steps - WARM) * settings.batch_size * settings.context / statistics.median(ours)
    checkpoints = (steps - WARM) // WARM
    return {
        "checkpoint_s": saving,
        "ratio_without_checkpoints": statistics.median(ratios)
        * window
        / (window - checkpoints * saving),
        "bare": statistics.median(bare),
        "ours": statistics.median(ours),
        "ratio": statistics.median(ratios),
        "data": data,
        "data_ratio": data / statistics.median(ours),
    }


def validation_text(corpus: Path, settings: Settings) -> str:
    shards = split_shards(corpus, settings.config, "valid")
    return fold("\n".join(iter_texts(shards, settings.text)), CHARS, UNK)


def full_validation_loss(model: str, settings: Settings, corpus: Path, run: Path) -> float:
    """Mean loss of the saved model over every validation batch (the curve uses a subset)."""
    task = fresh_task(dataclasses.replace(settings, eval_batches=None), corpus)
    if model == "lstm":
        from pytorrent.train.lstm import load_char_model

        trained: torch.nn.Module = load_char_model(run, "cpu")[0]
    else:
        from transformers import AutoModelForCausalLM

        trained = AutoModelForCausalLM.from_pretrained(run / "model")
    full = dataclasses.replace(settings, eval_batches=None)
    return loop.evaluate(trained, task, task.val_batches(), full, loop.make_accelerator("cpu"))


def budget_run(model: str, corpus: Path, seconds: float, rate: float, out: Path) -> dict[str, Any]:
    """Train for about `seconds` at the measured `rate` (units/s); whole-validation bpc."""
    probe = make_settings(model, "tiny", {})
    units_per_step = probe.batch_size * probe.context
    steps = max(20, int(seconds * rate / units_per_step))
    chosen = {"max_steps": steps, "eval_every": max(1, steps // 10), "eval_batches": 32}
    settings = make_settings(model, "tiny", chosen)
    result = train_run(settings, corpus, out)
    loss = full_validation_loss(model, settings, corpus, out)
    bits = loss / math.log(2)
    if model == "gpt2":  # nats per token -> bits per character of the same text
        from pytorrent.train.data import load_tokenizer

        text = validation_text(corpus, settings)
        tokens = len(load_tokenizer(corpus).backend_tokenizer.encode(text).ids)
        bits *= tokens / len(text)
    curve = [(entry["step"], round(entry["val_loss"] / math.log(2), 3)) for entry in result.metrics]
    return {"steps": steps, "seconds": result.seconds, "bpc": bits, "curve": curve}


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
    rates = {}
    for model, unit in (("lstm", "chars"), ("gpt2", "tokens")):
        found = overhead(model, args.corpus, args.steps, args.repeats)
        rates[model] = found["ours"]
        print(
            f"{model} tiny: bare {found['bare']:,.0f} {unit}/s, ours {found['ours']:,.0f} "
            f"{unit}/s, ratio {found['ratio']:.3f}; one epoch of data alone "
            f"{found['data']:,.0f} {unit}/s = {found['data_ratio']:.0f}x the model's consumption; "
            f"ratio with the shard loads amortised "
            f"{found['ratio'] / (1 + 1 / found['data_ratio']):.3f}; one checkpoint "
            f"{1000 * found['checkpoint_s']:.0f} ms, ratio without the checkpoints "
            f"{found['ratio_without_checkpoints']:.3f}"
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
            out = Path(folder) / model
            found = budget_run(model, args.corpus, args.budget_s, rates[model], out)
            print(
                f"{model} tiny, {found['steps']} steps in {found['seconds']:.0f} s: whole "
                f"validation {found['bpc']:.3f} bits/char; curve (step, val bits/unit on 32 "
                f"batches) {found['curve']}"
            )


if __name__ == "__main__":
    main()
