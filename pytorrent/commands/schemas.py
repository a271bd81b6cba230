"""`pytorrent schemas`: write the JSON Schema of every record type to `schemas/`."""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from pydantic import BaseModel

from pytorrent.models import SCHEMA_MODELS

HELP = "write JSON Schemas of every record type (from the pydantic models)"


def all_schema_models() -> dict[str, type[BaseModel]]:
    """pytorrent's record models, package documents and the crawler items, by file stem."""
    from pytorrent.metadata.document_schema import SCHEMA_MODELS as DOCUMENT_MODELS

    models = {**SCHEMA_MODELS, **DOCUMENT_MODELS}
    try:
        items = importlib.import_module("pytorrent_crawlers.items")
    except ModuleNotFoundError:
        return models
    models.update(getattr(items, "SCHEMA_MODELS", {}))
    return models


def render_schemas() -> dict[str, str]:
    """File name -> JSON text, deterministic."""
    return {
        f"{stem}.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for stem, model in sorted(all_schema_models().items())
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("schemas"), help="folder (default: schemas)"
    )


def run(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in render_schemas().items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(args.out / name)
    return 0
