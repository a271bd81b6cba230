from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from pytorrent.config import BuildConfig
from pytorrent.pipeline import build
from pytorrent.tokenizer import TokenizerConfig, TokenizerReport, train_tokenizer
from tests.envs import install_package
from tests.stats.known import PACKAGES, RATIOS

#: Real standard-library modules, two per package (packages kpkg0/kpkg2 fall in train,
#: kpkg1/kpkg3 in valid with RATIOS).
MODULES = ("textwrap", "shlex", "fnmatch", "colorsys", "glob", "bisect", "heapq", "keyword")

#: Tabs, CRLF-free non-ASCII text, emoji and combining characters, as real code has them.
UNICODE_FILE = (
    "def grüße(name):\n"
    '\t"""Say héllo — in 日本語 too 🐍."""\n'
    "\tgreeting = f'こんにちは {name}'\t# tab before the comment\n"
    "\treturn greeting + 'e\\u0301' + \"\u00e9\u0301\"\n"
)

VOCAB = 500


def module_source(name: str) -> bytes:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).read_bytes()


def real_code_files() -> list[str]:
    return [module_source(name).decode("utf-8") for name in MODULES]


@pytest.fixture(scope="session")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of real standard-library code plus a file with tabs and unicode."""
    root = tmp_path_factory.mktemp("real")
    site = root / "site-packages"
    for index, (name, license_name) in enumerate(PACKAGES.items()):
        files: dict[str, str | bytes] = {
            f"{name}/{module}.py": module_source(module)
            for module in MODULES[2 * index : 2 * index + 2]
        }
        files[f"{name}/greet.py"] = UNICODE_FILE.encode("utf-8")
        install_package(site, name, "1.0", files, license=license_name)
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


class Trained(NamedTuple):
    out: Path
    report: TokenizerReport


@pytest.fixture(scope="session")
def trained(real_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """A copy of the real corpus with a tokenizer of VOCAB tokens trained into it."""
    out = Path(shutil.copytree(real_corpus, tmp_path_factory.mktemp("trained") / "corpus"))
    return Trained(out, train_tokenizer(out, TokenizerConfig(vocab_size=VOCAB)))
