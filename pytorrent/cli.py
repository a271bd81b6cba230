"""`python -m pytorrent COMMAND`: wires command modules together; no stage logic here.

Each command lives in `pytorrent/commands/<name>.py` with `HELP`, `add_arguments(parser)`
and `run(args) -> int`, imported only when used so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from pytorrent import __version__
from pytorrent.errors import ConfigError, PytorrentError

COMMANDS = (
    "build", "extract", "crawl", "dedup", "split", "stats", "tokenizer", "publish", "schemas",
    "train", "eval",
)  # fmt: skip


def _available() -> dict[str, ModuleType]:
    modules: dict[str, ModuleType] = {}
    for name in COMMANDS:
        try:
            modules[name] = importlib.import_module(f"pytorrent.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pytorrent.commands.{name}":
                raise
    return modules


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytorrent",
        description="Build, deduplicate, measure and publish corpora of Python package code.",
    )
    parser.add_argument("--version", action="version", version=f"pytorrent {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in _available().items():
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args))
    except ConfigError as exc:
        print(f"pytorrent {args.command}: {exc}", file=sys.stderr)
        return 2
    except PytorrentError as exc:
        print(f"pytorrent {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"pytorrent {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
