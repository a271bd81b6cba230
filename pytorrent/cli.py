"""`python -m pytorrent COMMAND`: wires command modules together; no stage logic here.

Each command lives in `pytorrent/commands/<name>.py` with `HELP`, `add_arguments(parser)`
and `run(args) -> int`, imported only when used so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

from pytorrent.errors import ConfigError, PytorrentError
from pytorrent.version import __version__

#: Command name -> one-line help. A command's module is imported only when it runs, so a
#: slow or broken optional command never affects the others.
COMMANDS = {
    "build": "build a corpus from SOURCEs (default: the packages installed in this environment)",
    "crawl": "crawl package metadata and archives from an index or conda channel into a store",
    "dedup": "re-deduplicate an existing output folder in place",
    "stats": "compute corpus statistics, plots and report for an output folder",
    "tokenizer": "train a byte-level BPE tokenizer on an output folder's train split",
    "publish": "push an output folder to the Hugging Face Hub as a dataset repository",
    "schemas": "write JSON Schemas of every record type (from the pydantic models)",
    "train": "train an LSTM, GPT-2 or masked LM from scratch, or LoRA-tune a local model (extra train)",
    "generate": "sample text from a trained lstm or gpt2 run folder (extra train)",
    "eval": "score generated code: BLEU, ROUGE-L, syntax, BERTScore, HumanEval pass@k",
    "probe": "measure an LSTM run: long-range closers, samples that parse, bpc baselines",
}


def _installed(name: str) -> bool:
    return importlib.util.find_spec(f"pytorrent.commands.{name}") is not None


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI parser; only `command`'s module is imported and given its arguments."""
    parser = argparse.ArgumentParser(
        prog="pytorrent",
        description="Build, deduplicate, measure and publish corpora of Python package code.",
    )
    parser.add_argument("--version", action="version", version=f"pytorrent {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, text in COMMANDS.items():
        if not _installed(name):
            continue
        sub = subparsers.add_parser(name, help=text, description=text)
        if name == command:
            module: ModuleType = importlib.import_module(f"pytorrent.commands.{name}")
            module.add_arguments(sub)
            sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in arguments if not a.startswith("-")), None)
    args = make_parser(command).parse_args(arguments)
    try:
        return int(args._run(args))
    except ConfigError as exc:
        print(f"pytorrent {args.command}: {exc}", file=sys.stderr)
        return 2
    except PytorrentError as exc:
        print(f"pytorrent {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"pytorrent {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
