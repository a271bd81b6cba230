"""Comment units whose comment is pasted tool output, not a developer's words.

pandas annotates `# type: ignore`s with the mypy message they silence
(`# error: "ExtensionArray" has no attribute "_data"  [attr-defined]`), code carries
pasted tracebacks and linter lines. Paired with code they teach a model to write type
checker messages. A comment unit is dropped when most of its comment lines are such
output; a message that wraps onto the next line (an open bracket or quote) takes that line
with it. Recognised, each at the start of a line:

- mypy/pyright: `error:`, `note:` or `warning:`, optionally after `path:line[:col]:`, that
  ends in an error code (`[attr-defined]`, `(reportGeneralTypeIssues)`) or quotes a type
  (`"..."`); a `note:` only after a location or when the block has an `error:` line, since
  "note: ..." is common prose;
- pylint and flake8: `C0103: ... (invalid-name)`, `path:line:col: E501 ...`;
- tracebacks: `Traceback (most recent call last):`, `File "...", line N`, and the lines
  up to the exception line that ends them.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pytorrent.filters.base import COMMENT, Record, UnitFilter

_LOCATION = r"(?:\S+:\d+(?::\d+)?:\s*)"
_MYPY = re.compile(
    rf"^{_LOCATION}?(?:error|warning):\s"
    r'(?=.*(?:\[[a-z][\w-]*\]\s*$|\(report\w+\)\s*$|"[^"]+"))'
)
_MYPY_NOTE_AT = re.compile(rf"^{_LOCATION}note:\s")
_NOTE = re.compile(r"^note:\s")
_PYLINT = re.compile(r"^(?:\S+:\d+(?::\d+)?:\s*)?[CRWEF]\d{4}:\s.*\([a-z][a-z-]*\)\s*$")
_FLAKE8 = re.compile(r"^\S+\.py:\d+:\d+:\s+[A-Z]{1,3}\d{3}\s")
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):")
_FRAME = re.compile(r'^File ".*", line \d+')
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\b.*")


def _open_brackets(text: str) -> bool:
    depth = sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")
    return depth > 0 or text.count('"') % 2 == 1


def tool_output_lines(comments: list[str]) -> list[bool]:
    """For each comment line, whether it is (part of) pasted tool output."""
    has_error = any(_MYPY.match(line.strip()) for line in comments)
    marks: list[bool] = []
    message_text = ""  # the message so far while it wraps onto further lines
    in_traceback = False
    for raw in comments:
        line = raw.strip()
        if message_text:
            marks.append(True)
            message_text = f"{message_text} {line}"
            message_text = message_text if _open_brackets(message_text) else ""
            continue
        if in_traceback:
            marks.append(True)
            in_traceback = not _EXCEPTION.match(line)
            continue
        message = bool(
            _MYPY.match(line)
            or _MYPY_NOTE_AT.match(line)
            or (has_error and _NOTE.match(line))
            or _PYLINT.match(line)
            or _FLAKE8.match(line)
        )
        if message:
            marks.append(True)
            message_text = line if _open_brackets(line) else ""
        elif _TRACEBACK.match(line) or _FRAME.match(line):
            marks.append(True)
            in_traceback = True
        else:
            marks.append(False)
    return marks


class ToolOutput(UnitFilter):
    name: ClassVar[str] = "tool_output"
    kinds: ClassVar[frozenset[str]] = frozenset({COMMENT})

    def drops(self, record: Record) -> bool:
        comments = [str(c) for c in record.get("comments") or ()]
        marks = tool_output_lines(comments)
        return bool(marks) and sum(marks) * 2 > len(marks)
