"""`pytorrent probe RUN`: what a trained char LSTM learned about long-range structure.

Reads the run's corpus and text column from `RUN/config.json`, takes the validation split's
texts (whole texts, in corpus order, up to `max_chars` characters; the first text is cut when
it alone is longer), folds them to the model's vocabulary and joins them with `\\n` as training
does. On that one text it measures the model's bits per character, the closer probabilities by
distance (probe_distance), and the unigram, gzip and xz baselines (probe_baselines; unigram
frequencies from at most `TRAIN_CHARS` characters of the train split). Then it samples
`samples` texts of `chars` characters after `prompt` at each temperature with the stateful
generator of `generate` (sample `k` uses seed `seed + k` at every temperature) and measures
them (probe_samples). Results go to RUN/probe.json, RUN/probe.md and RUN/probe.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pytorrent import layout
from pytorrent.errors import ConfigError
from pytorrent.train.data import UNK, iter_texts, split_shards
from pytorrent.train.probe_baselines import baselines, char_counts, fold, fold_counts
from pytorrent.train.probe_distance import joined, measure_dependency
from pytorrent.train.probe_report import ProbeResult, write_report
from pytorrent.train.probe_samples import measure_samples
from pytorrent.train.run_folder import build_sha256, read_config

TRAIN_CHARS = 50_000_000


@dataclass(frozen=True)
class ProbeSettings:
    temperatures: tuple[float, ...] = (0.2, 0.5, 1.0)
    samples: int = 20
    chars: int = 1000
    seed: int = 0
    max_chars: int = 200_000
    prompt: str = "def "
    device: str = "auto"
    streams: int = 16

    def check(self) -> None:
        if not self.temperatures or any(t < 0 for t in self.temperatures):
            raise ConfigError("--temperatures: give temperatures >= 0 (0: most likely character)")
        for name in ("samples", "chars", "max_chars", "streams"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')}: must be at least 1")


@dataclass(frozen=True)
class RunData:
    corpus: Path
    config: str
    text: str
    corpus_changed: bool


def run_data(run: Path) -> RunData:
    """Where the run's training text came from, from `RUN/config.json`."""
    config = read_config(run)
    if config is None:
        raise ConfigError(f"RUN: {run} is not a run folder; train one with `pytorrent train lstm`")
    settings, corpus = config.get("settings", {}), config.get("corpus", {})
    if settings.get("model") not in (None, "lstm"):
        raise ConfigError(
            f"RUN: {run} trained {settings.get('model')}; the probe needs an LSTM run"
        )
    path = Path(corpus.get("path") or "<none>")
    if not (path / layout.MANIFEST).is_file():
        raise ConfigError(f"RUN: the run's corpus {path} is gone; the probe reads its valid split")
    changed = build_sha256(path) != corpus.get("build_json_sha256")
    return RunData(path, settings.get("config", "pairs"), settings.get("text", "code"), changed)


def validation_documents(data: RunData, max_chars: int) -> Iterator[str]:
    """Whole validation texts while they and their separators fit in `max_chars`."""
    total = 0
    shards = split_shards(data.corpus, data.config, "valid")
    for text in iter_texts(shards, data.text):
        if total and total + len(text) + 1 > max_chars:
            return
        text = text[: max_chars - 1]
        total += len(text) + 1
        yield text


def probe(run: Path, settings: ProbeSettings) -> tuple[ProbeResult, list[Path]]:
    """Measure the LSTM of `run` and write its report files into `run`."""
    settings.check()
    data = run_data(run)
    from pytorrent.train.lstm import generate_chars, load_char_model
    from pytorrent.train.probe_model import lstm_distributions

    model, vocab, device = load_char_model(run, settings.device)
    raw = list(validation_documents(data, settings.max_chars))
    if not raw:
        raise ConfigError(f"RUN: the valid split of {data.corpus} has no {data.text!r} text")
    known = frozenset(vocab.chars)
    unknown = sum(char not in known for document in raw for char in document)
    text, pairs = joined((fold(t, vocab.chars, UNK) for t in raw), "\n")
    dependency = measure_dependency(
        text, pairs, lstm_distributions(model, vocab, device, settings.streams), vocab.index
    )
    train = iter_texts(split_shards(data.corpus, data.config, "train"), data.text)
    train_counts = fold_counts(char_counts(train, TRAIN_CHARS), vocab.chars, UNK)
    samples = {
        temperature: measure_samples(
            settings.prompt
            + generate_chars(
                model,
                vocab,
                device,
                settings.prompt,
                settings.chars,
                temperature,
                settings.seed + k,
            )
            for k in range(settings.samples)
        )
        for temperature in settings.temperatures
    }
    result = ProbeResult(
        settings={**asdict(settings), "run": str(run), "device": str(device)},
        validation={
            "corpus": str(data.corpus),
            "config": data.config,
            "text": data.text,
            "corpus_changed_since_training": data.corpus_changed,
            "documents": len(raw),
            "chars": len(text),
            "unknown": unknown,
            "closers": len(pairs),
        },
        dependency=dependency,
        baselines=baselines(train_counts, text, vocab.chars),
        samples=samples,
    )
    return result, write_report(result, run)
