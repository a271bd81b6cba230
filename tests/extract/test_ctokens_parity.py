"""The C tokenizer fast path (extract/ctokens.py) gives exactly what the `tokenize` pass gives.

Compared over the .py files of real installed packages (thousands of functions) and over
hand-made edge cases: non-ASCII columns, `#` inside strings, comments in brackets, async,
files without a final newline, and names the pure tokenizer splits (fast path declines).
"""

from __future__ import annotations

import ast

import pytest

from pytorrent.extract import ctokens
from pytorrent.extract.tokens import FileTokens, _pure_tokens, split_lines, tokenize_file
from tests.installed_code import parsed_sources

pytestmark = pytest.mark.skipif(
    ctokens.c_tokens("x\n", ["x\n"]) is None, reason="no C tokenizer fast path on this Python"
)

#: Installed packages whose files are compared (pure Python, varied styles).
PACKAGES = ("click", "jinja2", "attr", "anyio", "pluggy", "packaging")


def _view(tokens: FileTokens) -> tuple[object, ...]:
    return (
        [tuple(t[:4]) for t in tokens.tokens],
        tokens.token_rows,
        tokens.logical_lines,
        tokens.comments,
        tokens.logical_starts,
        tokens.lines,
    )


def _real_sources() -> list[str]:
    return [text for _, text, _ in parsed_sources(PACKAGES)]


def test_fast_path_matches_tokenize_on_real_files() -> None:
    texts = _real_sources()
    functions = sum(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for text in texts
        for node in ast.walk(ast.parse(text))
    )
    assert functions >= 3000, f"only {functions} functions installed to compare"
    declined = 0
    for text in texts:
        lines = split_lines(text)
        if ctokens.c_tokens(text, lines) is None:
            declined += 1
        assert _view(tokenize_file(text)) == _view(_pure_tokens(text, lines))
    assert declined <= len(texts) // 20, f"fast path declined {declined} of {len(texts)} files"


EDGE_CASES = {
    "non-ascii columns": 'x = "héllo" + y  # ümlaut\nz = ("é",\n     "ü")  # 中文\n',
    "hash inside strings": 's = "# not a comment"  # a comment\nt = \'#\' + "#"\n',
    "multi-line string with hash": 'x = """\n# inside\n"""  # after\n# full line\n',
    "multi-line non-ascii string": 'x = """é\n# ü\nü"""; y = 1  # c\n',
    "comments in brackets": "f(\n    a,  # first\n    # own line\n    b,\n)\n",
    "continuation": "x = 1 + \\\n    2  # two\n",
    "async": "async def f():\n    await g()\n    async for x in y:\n        pass\n",
    "no final newline": "def f():\n    return 1  # one",
    "comment only file": "# just\n# comments\n",
    "comment at end without newline": "x = 1\n# last",
    "tabs and form feed": "if x:\n\tx = 1  # tab\n\f\ny = 2\n",
    "decorators and nested": "@d  # deco\nclass A:\n    def f(self):  # m\n        pass\n",
    "fstring with hash": 'x = f"{a!r:#>10}"  # fmt\n',
    "blank lines at end": "x = 1\n\n\n# tail\n\n",
}


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_fast_path_matches_tokenize_on_edge_cases(source: str) -> None:
    lines = split_lines(source)
    assert ctokens.c_tokens(source, lines) is not None
    assert _view(tokenize_file(source)) == _view(_pure_tokens(source, lines))


def test_names_the_pure_tokenizer_splits_take_the_pure_path() -> None:
    source = "a\u00b7b = 1\n"  # MIDDLE DOT continues an identifier, but is not \\w
    lines = split_lines(source)
    assert ctokens.c_tokens(source, lines) is None
    assert _view(tokenize_file(source)) == _view(_pure_tokens(source, lines))
