"""Developer sessions. Dependencies come from pyproject.toml (the `dev` extra), not from here."""

from __future__ import annotations

import re
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True
PYPROJECT = nox.project.load_toml("pyproject.toml")
DEV = PYPROJECT["project"]["optional-dependencies"]["dev"]


def dev_requirement(name: str) -> str:
    """The pinned requirement string of one tool from the dev extra."""
    for requirement in DEV:
        if re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower() == name:
            return requirement
    raise ValueError(f"{name} is not in the dev extra of pyproject.toml")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (slow tests included; pass `-- -m "not slow"` to skip them)."""
    # The CPU build of torch first: the train extra's open range would otherwise pull a CUDA build.
    session.install("torch==2.13.0")
    session.install("-e", ".[dev,dask,train]")
    session.run("pytest", "-n", "auto", "--dist", "loadgroup", "--durations=15", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(dev_requirement("ruff"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict on pytorrent/, against the real train and dask libraries (CPU torch first)."""
    session.install("torch==2.13.0")
    session.install("-e", ".[dev,dask,train]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Every CLI command documents itself, and every relative link in the docs resolves."""
    session.install("-e", ".")
    session.run("python", "-m", "pytorrent", "--help", silent=True)
    for command in ("build", "schemas", "crawl", "dedup", "stats", "tokenizer", "publish"):
        session.run(
            "python", "-m", "pytorrent", command, "--help", silent=True, success_codes=[0, 2]
        )
    broken = []
    for page in [Path("README.md"), *Path("docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).exists():
                broken.append(f"{page}: {target}")
    if broken:
        session.error("broken links:\n" + "\n".join(broken))


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks; figures are ratios against baselines run in the same process."""
    session.install("-e", ".[dev]")
    session.run("python", "benchmarks/extract.py", *session.posargs)
