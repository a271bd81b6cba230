"""Docstring cleaning, first-paragraph summaries, style detection and doctest flags."""

from __future__ import annotations

import inspect
import re

from pytorrent.models import DocstringStyle

# A summary ends at a blank line, and also where a section starts without one: many real
# docstrings run "Summary.\nArgs:\n ..." with no blank line, which CodeSearchNet's
# split on "\n\n" swallowed whole.
_SECTION_START = re.compile(
    r"""^(
        (args|arguments|parameters|params|returns?|yields?|raises?|examples?|notes?|
         attributes|keyword\ args|other\ parameters|see\ also|references|warnings?|todo)\s*:?\s*$
      | [:@](param|type|return|returns|rtype|raise|raises|keyword|ivar|var)\b
      | >>>
      | \.\.\s+\w+::
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_NUMPY_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")
_GOOGLE_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Returns?|Yields?|Raises?|Attributes|Examples?|Notes?|"
    r"Keyword Args|Other Parameters|See Also|Todo)\s*:\s*$",
    re.MULTILINE,
)
_NUMPY_SECTION = re.compile(
    r"^\s*(Parameters|Returns|Yields|Raises|Attributes|Examples|Notes|See Also|"
    r"Other Parameters|References|Warns|Methods)\s*\n\s*-{3,}\s*$",
    re.MULTILINE,
)
_REST_FIELD = re.compile(r"^\s*:(param|type|returns?|rtype|raises?|keyword|ivar|var)\b", re.M)
_EPYTEXT_FIELD = re.compile(r"^\s*@(param|type|return|rtype|raise|keyword|ivar)\b", re.M)
_DOCTEST = re.compile(r"^\s*>>>", re.MULTILINE)


def clean_docstring(raw: str) -> str:
    """`inspect.cleandoc` (what `ast.get_docstring` and `help()` apply), then every line's
    trailing whitespace and blank edge lines removed: cleandoc leaves a whitespace-only last
    line when no other line sets the margin ("etc.\n    "), and a whitespace-only docstring
    must read as no docstring ('') everywhere."""
    lines = [line.rstrip() for line in inspect.cleandoc(raw).split("\n")]
    return "\n".join(lines).strip("\n")


def docstring_summary(cleaned: str) -> str:
    """First paragraph of a cleaned docstring, with its whitespace folded to single spaces."""
    kept: list[str] = []
    for line in cleaned.split("\n"):
        stripped = line.strip()
        if not stripped:
            if kept:
                break
            continue
        if kept and (_SECTION_START.match(stripped) or _NUMPY_UNDERLINE.match(stripped)):
            if _NUMPY_UNDERLINE.match(stripped):
                kept.pop()  # the section title above the underline
            break
        if not kept and _SECTION_START.match(stripped):
            break
        kept.append(stripped)
    return " ".join(" ".join(kept).split())  # "callable.  If so" -> "callable. If so"


def docstring_style(cleaned: str) -> DocstringStyle:
    """Recognise the docstring convention; 'plain' when text has none, 'none' when empty."""
    if not cleaned.strip():
        return "none"
    if _NUMPY_SECTION.search(cleaned):
        return "numpy"
    if _GOOGLE_SECTION.search(cleaned):
        return "google"
    if _REST_FIELD.search(cleaned):
        return "rest"
    if _EPYTEXT_FIELD.search(cleaned):
        return "epytext"
    return "plain"


def has_doctest(cleaned: str) -> bool:
    """True when the docstring holds interactive examples (`>>>` prompts)."""
    return bool(_DOCTEST.search(cleaned))
