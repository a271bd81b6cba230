"""The card's account of the files: every field of `pairs`, the `url` scheme, the
CodeSearchNet export under `csn/`, the text encoding and the split names.

Split out of pytorrent.write.card; the field table is generated from the record model and
the parquet schema, so it cannot drift from them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from pytorrent.models import PairRecord, UnitMetrics
from pytorrent.split import SPLITS
from pytorrent.write.csn import CSN_SPLITS
from pytorrent.write.public import md_cell
from pytorrent.write.shards import PAIR_SCHEMA

_FIELD_NOTES = {
    "language": "always `python`",
    "docstring_tokens": "CodeSearchNet's docstring tokenizer applied to `docstring`",
    "partition": "split: " + ", ".join(SPLITS[:-1]) + f" or {SPLITS[-1]}",
    "kind": "`function` or `comment` unit",
    "has_doctest": "the docstring has `>>>` examples",
    "docstring_style": "google, numpy, rest, epytext, plain or none",
    "commit_sha": "sha of the commit of `commit_message`",
    "commit_date": "date of that commit",
    "package_version": "version of the package release",
    "license": "SPDX expression of the package's declared license; null when unknown",
    "category": "script category: core, test, init or other (PyTorrent Table 4)",
    "file_sha256": "sha256 of the file's bytes",
    "decorators": "decorator expressions, without `@`",
    "is_async": "`async def`",
    "metrics": "radon metrics (function units only)",
}


def _arrow_type(field: pa.Field) -> str:
    if pa.types.is_list(field.type):
        return f"list[{field.type.value_type}]"
    if pa.types.is_struct(field.type):
        return "struct"
    return str(field.type)


def field_table() -> list[str]:
    """Every column of `pairs` with its type and meaning, generated from the record model and
    the parquet schema so it cannot drift from them."""
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for field in PAIR_SCHEMA:
        info = PairRecord.model_fields.get(field.name)
        text = (info.description if info else None) or _FIELD_NOTES.get(field.name, "")
        lines.append(f"| `{field.name}` | {_arrow_type(field)} | {md_cell(text)} |")
        if pa.types.is_struct(field.type):
            for sub in field.type:
                sub_info = UnitMetrics.model_fields.get(sub.name)
                sub_text = (sub_info.description if sub_info else None) or ""
                lines.append(f"| `{field.name}.{sub.name}` | {sub.type} | {md_cell(sub_text)} |")
    return lines


def fields_section() -> list[str]:
    return [
        "## Fields of `pairs`",
        "",
        "CodeSearchNet's fields first, then provenance; `schemas/pair.json` of pytorrent is the "
        "JSON Schema. Each `acs{N}` config has CodeSearchNet's fields plus `id`, `kind`, `acs` "
        "and `x_fallback`, with `docstring`/`code` holding the scenario's X and Y.",
        "",
        *field_table(),
        "",
        "Package metadata is in `packages/packages.jsonl.gz` (a flat, typed table) and "
        "`packages/documents.jsonl.gz` (per package its whole metadata document, shaped as "
        "PyPI's JSON API or Anaconda's; `schemas/package-document.json` of pytorrent), both "
        "joinable on `repo` = `name`.",
        "",
    ]


def files_section(config: Mapping[str, object]) -> list[str]:
    """Record URLs, split names, the CodeSearchNet export (when built) and the encoding."""
    csn_names = sorted(set(CSN_SPLITS.values()), key=list(CSN_SPLITS.values()).index)
    lines = [
        "## URLs, splits, CodeSearchNet export and encoding",
        "",
        "- `url` is unique per record and names the unit's lines: for a git checkout whose "
        "remote is on GitHub, GitLab, Codeberg or Bitbucket the blob URL at the commit with "
        "its line anchor (`.../blob/SHA/PATH#L10-L24`, as CodeSearchNet), otherwise the "
        "package's purl, the file as subpath and the line span (`pkg:pypi/NAME@VERSION#PATH:"
        "L10-L24`).",
        f"- The `load_dataset` configs name their splits {'/'.join(SPLITS)} and `partition` "
        "holds that name.",
    ]
    if config.get("jsonl"):
        lines += [
            "- `csn/acs{N}/` holds each scenario's function units in CodeSearchNet's own layout, "
            f"`python/final/jsonl/{{{','.join(csn_names)}}}/python_{{split}}_{{k}}.jsonl.gz` "
            f"(CodeSearchNet's split names {'/'.join(csn_names)}, also in `partition`; every "
            "split has its folder, an empty one with one empty shard), so CodeSearchNet "
            "tooling pointed at `csn/acs{N}` reads it "
            "unchanged. Comment units are in `csn/comments/acs{N}/` in the same layout: "
            "CodeSearchNet readers do not look at `kind`.",
        ]
    lines += [
        "- Every text file is UTF-8. In jsonl files U+2028, U+2029 and U+0085 inside strings "
        "are written as `\\u` escapes, so a reader splitting lines with `str.splitlines()` "
        "sees one record per line. A reader that decodes them as latin-1 garbles every "
        'non-ASCII character; the one-line fix is to open them with `encoding="utf-8"` '
        '(gzip files: `gzip.open(path, "rt", encoding="utf-8")`).',
        "",
    ]
    return lines
