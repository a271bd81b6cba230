"""`pytorrent probe RUN` end to end on a run folder holding a real (seeded, untrained) LSTM."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from pytorrent.cli import main
from pytorrent.errors import ConfigError
from pytorrent.train.data import CharVocab, iter_texts, split_shards
from pytorrent.train.lstm import CharLSTM, save_char_model
from pytorrent.train.presets import make_settings
from pytorrent.train.probe import ProbeSettings, probe, run_data, validation_documents
from pytorrent.train.probe_baselines import gzip_bits
from pytorrent.train.run_folder import write_config


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One intra-op thread: tiny one-step LSTM calls are many times slower with two threads
    on a shared CPU, and the numbers do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


SMALL = ProbeSettings(temperatures=(0.5, 1.0), samples=3, chars=150, max_chars=6000, device="cpu")


def make_run(corpus: Path, run: Path) -> Path:
    torch.manual_seed(0)
    vocab = CharVocab()
    save_char_model(CharLSTM(len(vocab), 8, 16, 0.1), vocab, run / "model")
    write_config(run, make_settings("lstm", "tiny", {"device": "cpu"}), corpus, {})
    return run


@pytest.fixture(scope="module")
def run_folder(real_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(real_corpus, tmp_path_factory.mktemp("probe") / "run")


def test_probe_writes_consistent_report(run_folder: Path, real_corpus: Path) -> None:
    result, paths = probe(run_folder, SMALL)
    assert [p.name for p in paths] == ["probe.json", "probe.md", "probe.png"]
    report = json.loads((run_folder / "probe.json").read_text(encoding="utf-8"))
    texts = list(iter_texts(split_shards(real_corpus, "pairs", "valid"), "code"))
    taken = report["validation"]["documents"]
    assert 0 < taken < len(texts)  # the corpus has more than 6,000 characters of valid text
    assert report["validation"]["chars"] == sum(len(t) + 1 for t in texts[:taken]) <= 6000
    assert report["validation"]["corpus_changed_since_training"] is False
    # An untrained model is close to uniform over the 98 characters.
    assert abs(report["bits_per_char"]["model"] - math.log2(98)) < 0.5
    assert report["bits_per_char"]["model"] > report["bits_per_char"]["gzip"]
    joined = "".join(t + "\n" for t in texts[:taken])
    if report["validation"]["unknown"] == 0:
        assert report["bits_per_char"]["gzip"] == pytest.approx(gzip_bits(joined))
    buckets = report["dependency"]
    assert [b["label"] for b in buckets] == ["1-9", "10-49", "50-99", "100-499", "500+"]
    assert sum(b["count"] for b in buckets) == report["validation"]["closers"] > 100
    for bucket in buckets:
        if bucket["count"]:
            assert 0 < bucket["mean_probability"] < 0.1  # untrained: about 1/98
    assert [s["temperature"] for s in report["samples"]] == [0.5, 1.0]
    assert all(s["samples"] == 3 for s in report["samples"])
    assert (run_folder / "probe.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (run_folder / "probe.md").read_text(encoding="utf-8")
    assert "| 100-499 |" in table and "| 0.5 | 3 |" in table
    assert result.dependency.chars == report["validation"]["chars"]


def test_probe_is_reproducible(run_folder: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(run_folder, tmp_path / "run"))
    probe(copy, SMALL)
    first = (copy / "probe.json").read_text(encoding="utf-8")
    probe(copy, SMALL)
    again = json.loads((copy / "probe.json").read_text(encoding="utf-8"))
    assert json.loads(first)["samples"] == again["samples"]
    assert json.loads(first)["bits_per_char"] == again["bits_per_char"]


def test_cli_probe_and_its_one_line_errors(
    run_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = Path(shutil.copytree(run_folder, tmp_path / "run"))
    flags = ["--samples", "2", "--chars", "80", "--max-chars", "3000", "--device", "cpu"]
    assert main(["probe", str(copy), "--temperatures", "0.2,1", *flags]) == 0
    out = capsys.readouterr().out
    assert "bits/char on" in out and "temperature 0.2:" in out and "probe.png" in out
    assert main(["probe", str(tmp_path), *flags]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["probe", str(copy), "--temperatures=-1,1", *flags]) == 2
    assert "--temperatures" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["probe", str(copy), "--temperatures", "hot"])
    assert info.value.code == 2


@pytest.mark.slow
def test_probe_of_a_trained_lstm_sees_what_it_learned(
    real_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "trained"
    train = ["train", "lstm", str(real_corpus), "--out", str(run), "--preset", "tiny"]
    assert main([*train, "--max-steps", "100", "--device", "cpu"]) == 0
    untrained = make_run(real_corpus, tmp_path / "untrained")
    flags = ["--samples", "2", "--chars", "100", "--max-chars", "6000", "--device", "cpu"]
    for folder in (run, untrained):
        assert main(["probe", str(folder), *flags]) == 0
    capsys.readouterr()
    trained = json.loads((run / "probe.json").read_text(encoding="utf-8"))
    before = json.loads((untrained / "probe.json").read_text(encoding="utf-8"))
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    # The probe's stateful bpc is the run's own validation bpc on another cut of the same split.
    assert trained["bits_per_char"]["model"] < metrics[0]["val_bpc"] - 1
    assert abs(trained["bits_per_char"]["model"] - metrics[-1]["val_bpc"]) < 0.75
    assert trained["bits_per_char"]["model"] < before["bits_per_char"]["model"]
    near = trained["dependency"][0]
    near_before = before["dependency"][0]
    assert near["label"] == near_before["label"] == "1-9"
    # 100 tiny steps on a small corpus: about twice the untrained (near uniform) probability.
    assert near["mean_probability"] > 1.5 * near_before["mean_probability"]


def test_run_data_errors_and_a_changed_corpus(run_folder: Path, tmp_path: Path) -> None:
    assert run_data(run_folder).config == "pairs" and not run_data(run_folder).corpus_changed
    first = list(validation_documents(run_data(run_folder), 50))
    assert len(first) == 1 and len(first[0]) == 49  # the first text alone is cut to fit
    with pytest.raises(ConfigError, match="not a run folder"):
        run_data(tmp_path)
    config = json.loads((run_folder / "config.json").read_text(encoding="utf-8"))
    corpus = Path(shutil.copytree(config["corpus"]["path"], tmp_path / "corpus"))
    for name, change in (
        ("gone", {"corpus": {"path": str(tmp_path / "nowhere")}}),
        ("gpt2", {"settings": {**config["settings"], "model": "gpt2"}}),
        ("copied", {"corpus": {**config["corpus"], "path": str(corpus)}}),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(json.dumps({**config, **change}))
    with pytest.raises(ConfigError, match="is gone"):
        run_data(tmp_path / "gone")
    with pytest.raises(ConfigError, match="needs an LSTM run"):
        run_data(tmp_path / "gpt2")
    assert not run_data(tmp_path / "copied").corpus_changed
    with (corpus / "build.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert run_data(tmp_path / "copied").corpus_changed
