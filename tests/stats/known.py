"""A corpus whose statistics are known by construction, and helpers to build it.

Every package holds the same two hand-written files, so each statistic of one package is
written out below and the corpus' statistics are those lists repeated per package.
`mod.py` has a commented constant (one comment unit) and functions f1..f20: f{i} has a
docstring of i words and the body `return x + x ... + x` with i terms, that is 2i + 6 code
tokens and a body line of 4i + 8 characters. `extra.py` has one decorated function, one with a
doctest, one with branches (complexity 4) and one without a docstring.
"""

from __future__ import annotations

from pathlib import Path

from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from tests.envs import install_package

N = 20
PACKAGES = {"kpkg0": "MIT", "kpkg1": "Apache-2.0", "kpkg2": "MIT", "kpkg3": "BSD-3-Clause"}
RATIOS = (0.5, 0.5, 0.0)


def mod_source() -> str:
    lines = ['"""Known module."""', "", "# Module constant.", "BASE = 1", ""]
    for i in range(1, N + 1):
        words = " ".join(["word"] * i)
        terms = " + ".join(["x"] * i)
        lines += ["", f"def f{i}(x):", f'    """{words}"""', f"    return {terms}", ""]
    return "\n".join(lines)


EXTRA = '''\
@wrap
def decorated(x):
    """Decorated function."""
    return x


def doctested(x):
    """Double x.

    >>> doctested(2)
    4
    """
    return 2 * x


def branchy(x):
    """Branch a lot."""
    if x:
        return 1
    elif x is None:
        return 2
    for _ in x:
        pass
    return 3


def bare(x):
    return x
'''

# Per package, by construction (see the module docstring).
FUNCTIONS = N + 4
COMMENT_UNITS = 1
#: code_tokens of every function unit: f1..f20, decorated (@ wrap def decorated ( x ) : return
#: x), doctested (def doctested ( x ) : return 2 * x), branchy, bare.
PL = [2 * i + 6 for i in range(1, N + 1)] + [10, 10, 26, 8]
#: docstring_tokens of the functions with a docstring ("Double x. >>> doctested ( 2 ) 4": 9).
NL = [*range(1, N + 1), 3, 9, 4]
#: X of ACS 0 (the docstring summaries) and its Y (code_tokens_with_comments).
ACS0_NL = [*range(1, N + 1), 3, 3, 4]
ACS0_PL = [2 * i + 6 for i in range(1, N + 1)] + [10, 10, 26]
#: Lengths of the non-blank lines of every function's `code` (docstrings are not code).
LINES = (
    [len(f"def f{i}(x):") for i in range(1, N + 1)]
    + [4 * i + 8 for i in range(1, N + 1)]
    + [5, 17, 12]  # @wrap / def decorated(x): / return x
    + [17, 16]  # def doctested(x): / return 2 * x
    + [15, 9, 16, 19, 16, 15, 12, 12]  # branchy
    + [12, 12]  # bare
)
COMPLEXITY = [1] * N + [1, 1, 4, 1]
DOCSTRING_LINES = [1] * N + [1, 4, 1]
DOCSTRING_WORDS = [*range(1, N + 1), 2, 5, 3]
STYLES = {"plain": N + 3, "none": 1}


def make_known_site(root: Path) -> Path:
    site = root / "site-packages"
    for name, license_name in PACKAGES.items():
        install_package(
            site,
            name,
            "1.0",
            {f"{name}/mod.py": mod_source(), f"{name}/extra.py": EXTRA},
            license=license_name,
        )
    return site


def build_known(root: Path) -> Path:
    """Build the known corpus (filters and dedup off: every unit is kept) into root/corpus."""
    site = make_known_site(root)
    out = root / "corpus"
    build(
        BuildConfig(
            sources=(f"installed:{site}",),
            out=out,
            executor="inline",
            filter=False,
            dedup=False,
            ratios=RATIOS,
        )
    )
    return out
