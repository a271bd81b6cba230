"""Every flag of every command appears in the docs page that documents that command (before,
docs/usage.md's synopsis left out --dedup-threshold, --dedup-anonymize, --quiet and others)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pytorrent.cli import COMMANDS, make_parser

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: The page documenting each command's flags; the rest are in usage.md.
PAGES = {"crawl": "crawling.md", "train": "training.md", "generate": "training.md",
         "eval": "evaluation.md", "probe": "probe.md", "publish": "publishing.md",
         "stats": "stats.md", "tokenizer": "tokenizer.md"}  # fmt: skip


def flags(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= flags(sub)
        found.update(o for o in action.option_strings if o.startswith("--") and o != "--help")
    return found


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_flag_is_documented(command: str) -> None:
    parser = make_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if command not in sub.choices:
        pytest.skip(f"{command} is not installed")
    page = DOCS / PAGES.get(command, "usage.md")
    text = page.read_text(encoding="utf-8")
    missing = sorted(flag for flag in flags(sub.choices[command]) if flag not in text)
    assert not missing, f"{page.name} does not mention {missing} of `{command}`"
