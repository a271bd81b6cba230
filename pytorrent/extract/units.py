"""The extractor's output: one `Unit` per function or comment block, package-independent."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pytorrent.models import Category, DocstringStyle, UnitKind


@dataclass(slots=True)
class Unit:
    """A piece of code with the natural language attached to it (docs/architecture.md, "Units and records").

    Holds what the file alone determines; the pipeline adds package provenance, ids and
    the split when it turns units into records.
    """

    kind: UnitKind
    func_name: str
    path: str
    category: Category
    start_line: int
    end_line: int
    original_string: str
    code: str
    code_without_comments: str
    code_tokens: list[str]
    code_tokens_with_comments: list[str]
    docstring: str
    docstring_raw: str
    docstring_summary: str
    docstring_style: DocstringStyle
    has_doctest: bool
    comments: list[str]
    commented_out_code: list[str]
    decorators: list[str]
    is_async: bool
    metrics: dict[str, int | None] | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
