"""Units -> `pairs/` records and their ACS views (docs/architecture.md, "Units and records" and "Augmented-Code Scenarios")."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from pytorrent.extract.tokens import docstring_tokens
from pytorrent.extract.units import Unit
from pytorrent.models import PackageMetadata
from pytorrent.sources.base import Blame, CommitInfo


@dataclass(frozen=True)
class Scenario:
    """One Augmented-Code Scenario of the PyTorrent paper: what X (the natural language) and
    Y (the code) hold. `scenario_x` assembles X; `code_with_comments` picks Y's columns."""

    x: str
    y: str
    code_with_comments: bool


#: The ACS table, the one place it is written (the card prints it, `acs_row` follows it).
SCENARIOS: dict[int, Scenario] = {
    0: Scenario("short description of the docstring", "code and code comments", True),
    1: Scenario("code comments", "code", False),
    2: Scenario("code comments and entire docstring", "code", False),
    3: Scenario(
        "code comments, entire docstring and commit message", "code and code comments", True
    ),
    4: Scenario("code comments and entire docstring", "code and code comments", True),
    5: Scenario("short description of the docstring", "code", False),
}
ALL_SCENARIOS = tuple(SCENARIOS)


def scenario_config(acs: int) -> str:
    """The config (and folder) name of scenario `acs`: `acs{N}`."""
    return f"acs{acs}"


def record_id(
    repo: str, version: str, path: str, kind: str, name: str, start: int, end: int
) -> str:
    """Stable id of a record: the same unit of the same release always gets the same id."""
    key = "\0".join((repo, version, path, kind, name, str(start), str(end)))
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def last_commit(blame: Blame, start_line: int, end_line: int) -> CommitInfo | None:
    """The newest commit among those that last touched lines start..end (ACS 3)."""
    commits = [c for c in blame[start_line - 1 : end_line] if c is not None]
    return max(commits, key=lambda c: (c.date, c.sha)) if commits else None


def unit_url(purl: str, path: str, start: int, end: int, blob_url: str | None = None) -> str:
    """Where a unit's lines are, one URL per record (docs/usage.md, "Record URLs"): the forge
    blob URL with its line anchor when `blob_url` (a git source's template) is given, else
    `PURL#PATH:L<start>-L<end>` with the path percent-encoded as a purl subpath."""
    if blob_url is not None:
        return blob_url.format(path=quote(path, safe="/"), start=start, end=end)
    return f"{purl}#{quote(path, safe='/')}:L{start}-L{end}"


def unit_record(
    unit: Unit,
    meta: PackageMetadata,
    file_sha256: str,
    commit: CommitInfo | None = None,
    blob_url: str | None = None,
) -> dict[str, object]:
    """A `pairs/` record without `partition` (the split assigns it later)."""
    record: dict[str, object] = {
        "repo": meta.name,
        "path": unit.path,
        "func_name": unit.func_name,
        "original_string": unit.original_string,
        "language": "python",
        "code": unit.code,
        "code_tokens": unit.code_tokens,
        "docstring": unit.docstring,
        "docstring_tokens": docstring_tokens(unit.docstring),
        "sha": commit.sha if commit else (meta.archive_sha256 or file_sha256),
        "partition": "",
        "url": unit_url(meta.purl, unit.path, unit.start_line, unit.end_line, blob_url),
        "id": record_id(
            meta.name,
            meta.version,
            unit.path,
            unit.kind,
            unit.func_name,
            unit.start_line,
            unit.end_line,
        ),
        "kind": unit.kind,
        "docstring_summary": unit.docstring_summary,
        "docstring_raw": unit.docstring_raw,
        "docstring_style": unit.docstring_style,
        "has_doctest": unit.has_doctest,
        "code_without_comments": unit.code_without_comments,
        "code_tokens_with_comments": unit.code_tokens_with_comments,
        "comments": unit.comments,
        "commented_out_code": unit.commented_out_code,
        "commit_message": commit.message if commit else None,
        "commit_sha": commit.sha if commit else None,
        "commit_date": commit.date if commit else None,
        "package_version": meta.version,
        "license": meta.license,
        "category": unit.category,
        "start_line": unit.start_line,
        "end_line": unit.end_line,
        "file_sha256": file_sha256,
        "decorators": unit.decorators,
        "is_async": unit.is_async,
        "metrics": unit.metrics,
    }
    return record


@lru_cache(maxsize=16)
def _x_tokens(x_text: str) -> tuple[str, ...]:
    """Scenarios share X texts (0 and 5 the summary, 2 and 4 comments + docstring, 3 often
    2's): each distinct X of a record is tokenized once."""
    return tuple(docstring_tokens(x_text))


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def scenario_x(record: dict[str, object], acs: int) -> tuple[str, bool]:
    """Natural-language side X of scenario `acs` and whether ACS 3 fell back to ACS 4's X."""
    comments = "\n".join(record["comments"])  # type: ignore[arg-type]
    docstring = str(record["docstring"])
    summary = str(record["docstring_summary"])
    if acs in (0, 5):
        return summary, False
    if acs == 1:
        return comments, False
    if acs in (2, 4):
        return _join(comments, docstring), False
    if acs == 3:
        message = record.get("commit_message")
        if message:
            return _join(comments, docstring, str(message)), False
        return _join(comments, docstring), True
    raise ValueError(f"unknown scenario {acs}")


def acs_row(record: dict[str, object], acs: int) -> dict[str, object] | None:
    """The CodeSearchNet-compatible row of `record` in scenario `acs`, or None if X is empty."""
    x_text, fallback = scenario_x(record, acs)
    if not x_text.strip():
        return None
    with_comments = SCENARIOS[acs].code_with_comments
    code_key = "code" if with_comments else "code_without_comments"
    tokens_key = "code_tokens_with_comments" if with_comments else "code_tokens"
    return {
        "repo": record["repo"],
        "path": record["path"],
        "func_name": record["func_name"],
        "original_string": record["original_string"],
        "language": "python",
        "code": record[code_key],
        "code_tokens": record[tokens_key],
        "docstring": x_text,
        "docstring_tokens": list(_x_tokens(x_text)),
        "sha": record["sha"],
        "partition": record["partition"],
        "url": record["url"],
        "id": record["id"],
        "kind": record["kind"],
        "acs": acs,
        "x_fallback": fallback,
    }


def parse_scenarios(text: str) -> tuple[int, ...]:
    """`--acs 0,4` -> (0, 4); `all` -> every scenario."""
    if text.strip().lower() == "all":
        return ALL_SCENARIOS
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise ValueError(f"--acs takes numbers 0-5 separated by commas, not {text!r}") from None
    if not values or any(v not in ALL_SCENARIOS for v in values):
        raise ValueError(f"--acs takes numbers 0-5 separated by commas, not {text!r}")
    return tuple(values)


def scenario_configs(scenarios: Sequence[int]) -> list[str]:
    return [scenario_config(n) for n in scenarios]
