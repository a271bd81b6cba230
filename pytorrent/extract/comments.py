"""Which `#` comments are developer comments: directives, cookies and commented-out code.

Tool directives (noqa, type:, pragma, ...) talk to tools, not readers; a shebang and an
encoding cookie talk to the interpreter. Commented-out code is code, not natural language:
it is recognised by parsing the comment text as Python and rejecting parses that prose
also produces (a lone word, a constant, `Note: text` read as an annotation).
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings

_DIRECTIVE = re.compile(
    r"^#+\s*(noqa\b|type\s*:|pragma\b|pylint\s*:|fmt\s*:|isort\s*:|mypy\s*:|flake8\s*[:\s]|"
    r"ruff\s*:|pyright\s*:|nosec\b|nosemgrep\b|pyre-|yapf\s*:|autopep8\s*:|black\s*:|"
    r"coverage\s*:|pydocstyle\s*:|codespell\s*:|nolint\b)",
    re.IGNORECASE,
)
# A directive appended to a developer comment ("why this is ok", then a noqa).
_TRAILING_DIRECTIVE = re.compile(
    r"\s+#+\s*(noqa\b|type\s*:|pragma\b|pylint\s*:|fmt\s*:|isort\s*:|nosec\b).*$",
    re.IGNORECASE,
)
_CODING_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_CODE_HINT = re.compile(
    r"[=(\[{]|^\s*(import|from|return|raise|del|pass|break|continue|yield|assert|global|"
    r"nonlocal|print|if|for|while|with|try|except|else|elif|def|class|async|await)\b"
)
_DECORATIVE_TAIL = re.compile(r"(?:^|\s)#+\s*$")
_LICENSE = re.compile(
    r"copyright|licen[cs]ed?\b|spdx-license-identifier|all rights reserved", re.IGNORECASE
)


def is_directive(comment_text: str) -> bool:
    """True for tool directives such as `# noqa`, `# type: ignore`, `# pragma: no cover`."""
    return bool(_DIRECTIVE.match(comment_text))


def is_interpreter_line(comment_text: str, row: int) -> bool:
    """True for a shebang on line 1 or an encoding cookie on line 1 or 2 (PEP 263)."""
    if row == 1 and comment_text.startswith("#!"):
        return True
    return row <= 2 and bool(_CODING_COOKIE.match(comment_text))


def comment_body(comment_text: str) -> str:
    """Developer text of a comment: no leading `#`s (`# ## Title ##` included), no trailing
    directive, no decorative trailing `#`s (after a space: `C#` keeps its `#`), stripped."""
    text = _TRAILING_DIRECTIVE.sub("", comment_text)
    return _DECORATIVE_TAIL.sub("", text.lstrip("# \t")).strip()


def is_license_text(text: str) -> bool:
    """True for copyright/license boilerplate (file headers are not documentation of code)."""
    return bool(_LICENSE.search(text))


def _parses_as_code(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    if not tree.body:
        return False
    if len(tree.body) == 1:
        node = tree.body[0]
        if isinstance(node, ast.Expr) and isinstance(
            node.value, (ast.Name, ast.Constant, ast.Attribute, ast.Tuple)
        ):
            return False  # "TODO", "see foo.bar", "a, b": prose parses like this too
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return False  # "Note: something" parses as an annotation
    return True


def looks_like_code(text: str) -> bool:
    """Heuristic: the text of one or more comment lines is commented-out Python code."""
    stripped = text.strip()
    if not stripped or not _CODE_HINT.search(stripped):
        return False
    return _parses_as_code(textwrap.dedent(text))


def _code_view(comment_text: str) -> str:
    """Comment text as code would read: `#` and one space removed, indentation kept."""
    text = comment_text.lstrip("#")
    return (text[1:] if text.startswith(" ") else text).rstrip()


def split_commented_code(comment_texts: list[str]) -> tuple[list[str], list[str]]:
    """Split the raw `#` comments of one block into (prose bodies, commented-out code).

    The whole block is tried first, so multi-line code (a commented-out `if` with its
    body) is recognised even when its lines would not parse alone.
    """
    views = [_code_view(text) for text in comment_texts]
    if len(views) > 1 and looks_like_code("\n".join(views)):
        return [], views
    prose: list[str] = []
    code: list[str] = []
    for text, view in zip(comment_texts, views, strict=True):
        if looks_like_code(view):
            code.append(view.strip())
        else:
            body = comment_body(text)
            if body:
                prose.append(body)
    return prose, code
