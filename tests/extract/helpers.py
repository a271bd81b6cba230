from __future__ import annotations

import textwrap

from pytorrent.drops import Drops
from pytorrent.extract import Unit, extract_source


def extract(source: str, path: str = "pkg/mod.py") -> tuple[list[Unit], Drops]:
    drops = Drops()
    return extract_source(path, textwrap.dedent(source), drops), drops


def functions(source: str) -> dict[str, Unit]:
    units, _ = extract(source)
    return {u.func_name: u for u in units if u.kind == "function"}


def comment_units(source: str) -> list[Unit]:
    units, _ = extract(source)
    return [u for u in units if u.kind == "comment"]
