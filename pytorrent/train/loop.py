"""One training loop for every model: evaluation at step 0 and every `eval_every` steps,
gradient accumulation and clipping, a learning-rate schedule, checkpoints (the newest
`keep_checkpoints` kept) and progress.

A model plugs in as a `Task`: its module, its train and validation batches, its loss and how to
save it. `accelerate` places the model and applies mixed precision (bf16, else fp16) only on
CUDA. Micro-batches form one stream across epochs; the checkpoint records the stream position, so
a resumed run reads exactly the batches the interrupted one would have read.
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from pytorrent.errors import ConfigError
from pytorrent.train import checkpoint, checkpoints
from pytorrent.train.checkpoint import Progress
from pytorrent.train.presets import Settings
from pytorrent.train.run_folder import MODEL, append_metrics, keep_metrics_until

Batch = Any
PROGRESS_SECONDS = 5.0


@dataclass
class Task:
    """What the loop needs to know about one model."""

    model: nn.Module
    train_batches: Callable[[int], Iterable[Batch]]
    val_batches: Callable[[], Iterable[Batch]]
    loss: Callable[[nn.Module, Batch], torch.Tensor]
    units: Callable[[Batch], int]
    save_model: Callable[[nn.Module, Path], None]
    param_groups: list[dict[str, Any]]
    unit_name: str = "tokens"
    metric: str = "perplexity"
    penalty: Callable[[nn.Module], torch.Tensor] | None = None
    optimizer: str = "adamw"
    schedule: str = "cosine"
    extra: dict[str, Any] = field(default_factory=dict)


def pick_device(device: str) -> torch.device:
    """`auto` is CUDA when present; asking for CUDA without one is a one-line error."""
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is available; use --device cpu")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def precision_for(device: torch.device) -> str:
    """Mixed precision only on CUDA: bf16 where supported, else fp16; never on the CPU."""
    if device.type != "cuda":
        return "no"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def make_accelerator(device: str) -> Any:
    from accelerate import Accelerator  # type: ignore[import-untyped]

    where = pick_device(device)
    return Accelerator(cpu=where.type == "cpu", mixed_precision=precision_for(where))


def to_device(batch: Batch, device: torch.device) -> Batch:
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    return {key: value.to(device, non_blocking=True) for key, value in batch.items()}


def micro_batches_per_epoch(task: Task) -> int:
    count = sum(1 for _ in task.train_batches(0))
    if count == 0:
        raise ConfigError(
            "CORPUS: the train split holds less than one batch; lower --batch-size or --context"
        )
    return count


def total_steps(settings: Settings, task: Task) -> int:
    if settings.max_steps is not None:
        return settings.max_steps
    return max(1, settings.epochs * micro_batches_per_epoch(task) // settings.grad_accum)


def make_optimizer(task: Task, settings: Settings) -> torch.optim.Optimizer:
    if task.optimizer == "adam":  # Keras' epsilon, as the original
        return torch.optim.Adam(task.param_groups, lr=settings.lr, eps=1e-7)
    return torch.optim.AdamW(task.param_groups, lr=settings.lr, betas=(0.9, 0.95), eps=1e-8)


def make_scheduler(
    optimizer: torch.optim.Optimizer, task: Task, settings: Settings, total: int
) -> Any:
    warmup = settings.warmup_steps

    def factor(step: int) -> float:
        if task.schedule == "constant":
            return 1.0
        if step < warmup:
            return (step + 1) / (warmup + 1)
        done = (step - warmup) / max(1, total - warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, done)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def stream(task: Task, progress: Progress) -> Iterator[tuple[int, int, Batch]]:
    """(epoch, position after this batch, batch) from the recorded position on, across epochs."""
    epoch, skip = progress.epoch, progress.position
    while True:
        index = -1
        for index, batch in enumerate(task.train_batches(epoch)):
            if index >= skip:
                yield epoch, index + 1, batch
        if index < 0:
            raise ConfigError(
                "CORPUS: the train split holds less than one batch; lower --batch-size or --context"
            )
        epoch, skip = epoch + 1, 0


def evaluate(
    model: nn.Module, task: Task, batches: Iterable[Batch], settings: Settings, accelerator: Any
) -> float:
    """Unit-weighted mean loss; the RNG is forked and seeded, so evaluation is repeatable and
    leaves the training RNG untouched."""
    device = accelerator.device
    model.eval()
    total, units = 0.0, 0
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.no_grad(), torch.random.fork_rng(devices=devices), accelerator.autocast():
        torch.manual_seed(settings.seed)
        for index, batch in enumerate(batches):
            if settings.eval_batches is not None and index >= settings.eval_batches:
                break
            count = task.units(batch)
            total += float(task.loss(model, to_device(batch, device))) * count
            units += count
    model.train()
    if units == 0:
        raise ConfigError("CORPUS: the validation split is empty for this --config and --text")
    return total / units


def clock(seconds: float) -> str:
    """h:mm:ss, hours unbounded (a paper run may take days)."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class Meter:
    """Progress on stderr at most every few seconds: step, loss, units/s and an ETA."""

    def __init__(self, kind: str, unit_name: str, first_step: int, total: int) -> None:
        self.kind, self.unit_name, self.total = kind, unit_name, total
        self.start, self.first_step, self.units, self.last = time.monotonic(), first_step, 0, 0.0

    def due(self, step: int) -> bool:
        """Whether `update` prints at this step (reading the loss synchronises with the GPU)."""
        return time.monotonic() - self.last >= PROGRESS_SECONDS or step == self.total

    def update(self, step: int, units: int, loss: float | None) -> None:
        self.units += units
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and step != self.total:
            return
        self.last = now
        seconds = max(now - self.start, 1e-9)
        done = step - self.first_step
        eta = (self.total - step) * seconds / done if done else 0.0
        shown = f" loss {loss:.4f}" if loss is not None else ""
        print(
            f"train {self.kind}: step {step}/{self.total}{shown} "
            f"{self.units / seconds:,.0f} {self.unit_name}/s ETA {clock(eta)}",
            file=sys.stderr,
            flush=True,
        )


def metric_entry(
    step: int, epoch: int, train_loss: float, val_loss: float, task: Task, lr: float
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "step": step,
        "epoch": epoch,
        "train_loss": train_loss,
        "val_loss": val_loss,
    }
    if task.metric == "bpc":
        entry["val_bpc"] = val_loss / math.log(2)
    else:
        entry["val_perplexity"] = math.exp(min(val_loss, 700.0))
    entry["lr"] = lr
    return entry


def train(run: Path, settings: Settings, task: Task, resume: bool) -> Progress:
    """Train `task` into `run` (fresh, or from its checkpoint); the final progress."""
    accelerator = make_accelerator(settings.device)
    optimizer = make_optimizer(task, settings)
    total = total_steps(settings, task)
    scheduler = make_scheduler(optimizer, task, settings, total)
    # The optimizer stays unwrapped: accelerate's wrapper costs milliseconds a step on small
    # models; its fp16 GradScaler (None otherwise) is applied here directly.
    scaler = accelerator.scaler
    progress = Progress()
    if resume:
        newest = checkpoints.latest(run)
        if newest is None:
            raise ConfigError(f"--resume: {run} is not a run folder with a checkpoint")
        progress = checkpoint.load(newest, task.model, optimizer, scheduler, scaler)
        keep_metrics_until(run, progress.step)
    model = accelerator.prepare(task.model)
    model.train()  # a model from from_pretrained starts in eval mode (no dropout): not for training
    started = time.monotonic() - progress.seconds

    def record(step: int, epoch: int, train_loss: float) -> None:
        evaluating = time.monotonic()
        val_loss = evaluate(model, task, task.val_batches(), settings, accelerator)
        entry = metric_entry(step, epoch, train_loss, val_loss, task, scheduler.get_last_lr()[0])
        entry["elapsed_s"] = round(time.monotonic() - started, 3)
        entry["eval_s"] = round(time.monotonic() - evaluating, 3)
        append_metrics(run, entry)
        print(
            f"train {settings.model}: " + ", ".join(f"{k} {v:.6g}" for k, v in entry.items()),
            file=sys.stderr,
        )
        if progress.best_val_loss is None or val_loss < progress.best_val_loss:
            progress.best_val_loss, progress.best_step = val_loss, step
            if settings.keep_best:
                task.save_model(accelerator.unwrap_model(model), run / MODEL)
        progress.seconds = time.monotonic() - started
        notes = checkpoints.save(
            run,
            settings.keep_checkpoints,
            accelerator.unwrap_model(model),
            optimizer,
            scheduler,
            progress,
            scaler,
        )
        for note in notes:
            print(f"train {settings.model}: {note}", file=sys.stderr)

    batches = stream(task, progress)
    if not resume:  # step 0: the loss of the first step's batches, which then train
        head = [next(batches) for _ in range(settings.grad_accum)]
        record(0, 0, evaluate(model, task, (item[2] for item in head), settings, accelerator))
        batches = itertools.chain(head, batches)
    meter = Meter(settings.model, task.unit_name, progress.step, total)
    loss_sum, loss_count = torch.zeros((), device=accelerator.device), 0
    while progress.step < total:
        units = 0
        for _ in range(settings.grad_accum):
            progress.epoch, progress.position, batch = next(batches)
            batch = to_device(batch, accelerator.device)
            with accelerator.autocast():
                loss = task.loss(model, batch)
                objective = loss + task.penalty(model) if task.penalty is not None else loss
            accelerator.backward(objective / settings.grad_accum)
            loss_sum += loss.detach().float()
            loss_count += 1
            units += task.units(batch)
        if scaler is not None:
            scaler.unscale_(optimizer)
        if settings.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        progress.step += 1
        mean_loss = float(loss_sum) / max(loss_count, 1) if meter.due(progress.step) else None
        meter.update(progress.step, units, mean_loss)
        if progress.step % settings.eval_every == 0 or progress.step == total:
            record(progress.step, progress.epoch, float(loss_sum) / max(loss_count, 1))
            loss_sum, loss_count = torch.zeros((), device=accelerator.device), 0
    if not settings.keep_best or not (run / MODEL).is_dir():
        task.save_model(accelerator.unwrap_model(model), run / MODEL)
    return progress
