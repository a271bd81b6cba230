"""`pytorrent publish`: push a verified output folder to a dataset repository."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from huggingface_hub import HfApi

from pytorrent.publish import (
    DEFAULT_MAX_BYTES_PER_COMMIT,
    DEFAULT_MAX_FILES_PER_COMMIT,
    publish,
)

HELP = "upload a built corpus (OUT) as a dataset repository, the card and build.json last"

_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def byte_size(text: str) -> int:
    """`5000000`, `500M`, `5G`, `1.5GB` or `2GiB` as a number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*", text.lower())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 500M, 5G)")
    number, unit, binary = match.groups()
    scale = 1024 ** "_kmgt".index(unit) if binary and unit else _UNITS[unit]
    size = int(float(number) * scale)
    if size < 1:
        raise argparse.ArgumentTypeError("the size must be at least 1 byte")
    return size


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=Path("pytorrent-corpus"),
        metavar="OUT",
        help="output folder of `pytorrent build` (default: ./pytorrent-corpus)",
    )
    parser.add_argument("--repo-id", required=True, help="dataset repository, ORG/NAME")
    parser.add_argument(
        "--private", action="store_true", help="create the repository private (if it is new)"
    )
    parser.add_argument("--revision", help="branch to push to (created if missing)")
    parser.add_argument("--create-pr", action="store_true", help="push as one pull request instead")
    parser.add_argument("--message", help="commit message (numbered when there are several)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="verify and print the plan (files, sizes, commits); upload nothing, no token needed",
    )
    parser.add_argument(
        "--max-files-per-commit",
        type=_positive,
        default=DEFAULT_MAX_FILES_PER_COMMIT,
        metavar="N",
        help=f"files per commit (default: {DEFAULT_MAX_FILES_PER_COMMIT})",
    )
    parser.add_argument(
        "--max-bytes-per-commit",
        type=byte_size,
        default=DEFAULT_MAX_BYTES_PER_COMMIT,
        metavar="SIZE",
        help="bytes per commit, e.g. 500M or 5GiB (default: 5GiB)",
    )


def run(args: argparse.Namespace, api: HfApi | None = None) -> int:
    """Run the command; `api` replaces the Hub client (tests)."""
    publish(
        args.out,
        args.repo_id,
        private=args.private,
        revision=args.revision,
        create_pr=args.create_pr,
        message=args.message,
        dry_run=args.dry_run,
        api=api,
        max_files_per_commit=args.max_files_per_commit,
        max_bytes_per_commit=args.max_bytes_per_commit,
        report=lambda line: print(line, flush=True),
    )
    return 0
