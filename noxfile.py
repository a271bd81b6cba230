"""Developer sessions. Dependencies come from pyproject.toml (the `dev` extra), not from here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
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
    commands = session.run(
        "python",
        "-c",
        "from pytorrent.cli import COMMANDS; print(' '.join(COMMANDS))",
        silent=True,
    )
    for command in str(commands).split():
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


#: Core modules and the tests that exercise them: mutmut mutates one module at a time and runs
#: only these tests (of them, only those that reach the mutated function).
MUTATION_TARGETS: dict[str, tuple[str, ...]] = {
    "pytorrent/split.py": ("tests/test_split.py", "tests/test_split_ratios.py"),
    "pytorrent/dedup/clusters.py": ("tests/dedup",),
    "pytorrent/dedup/keeper.py": ("tests/dedup",),
    "pytorrent/dedup/signatures.py": ("tests/dedup",),
    "pytorrent/filters/code_shape.py": ("tests/filters",),
    "pytorrent/filters/trivial.py": ("tests/filters",),
    "pytorrent/filters/commented_out.py": ("tests/filters",),
    "pytorrent/filters/empty_body.py": ("tests/filters",),
    "pytorrent/filters/generated.py": ("tests/filters",),
    "pytorrent/filters/natural_language.py": ("tests/filters",),
    "pytorrent/decontam/config.py": ("tests/decontam",),
    "pytorrent/decontam/index.py": ("tests/decontam",),
    "pytorrent/records.py": (
        "tests/extract/test_scenarios.py",
        "tests/extract/test_blame_slice.py",
        "tests/extract/test_record_fields.py",
    ),
    # Not the hypothesmith properties: a surviving mutant would run them whole (minutes each).
    "pytorrent/extract/comments.py": (
        "tests/extract/test_comments.py",
        "tests/extract/test_comment_columns.py",
        "tests/extract/test_comment_prose.py",
    ),
    "pytorrent/extract/docstrings.py": (
        "tests/extract/test_docstrings_categories.py",
        "tests/extract/test_docstring_rules.py",
    ),
    # The unit-level extraction tests only (a few seconds): the real-code, parity, cap and
    # bound tests extract whole packages, ~35 s for every mutant that reaches them.
    "pytorrent/extract/engine.py": (
        "tests/extract/test_functions.py",
        "tests/extract/test_comments.py",
        "tests/extract/test_comment_columns.py",
        "tests/extract/test_comment_prose.py",
        "tests/extract/test_text_hygiene.py",
        "tests/extract/test_record_fields.py",
        "tests/extract/test_scenarios.py",
        "tests/extract/test_dedent.py",
        "tests/extract/test_engine_units.py",
        "--deselect=tests/extract/test_dedent.py::test_every_function_of_a_real_package_parses",
    ),
    # Not the build tests (test_cache_key.py, test_build_resume.py): every mutant of the key
    # reaches all of them, two build suites per mutant.
    "pytorrent/task_cache.py": ("tests/test_task_cache_entries.py",),
    "pytorrent/sources/paths.py": ("tests/sources",),
    "pytorrent/sources/members.py": ("tests/sources",),
    # In-process tests only: the crawl tests run the pipelines in a spider's child process,
    # where mutmut sees nothing.
    "crawlers/pipelines.py": (
        "tests/crawlers/test_pipeline_steps.py",
        "tests/crawlers/test_pipeline_core_metadata.py",
        "tests/crawlers/test_crawl_items.py",
    ),
    "pytorrent/publish/verify.py": ("tests/publish",),
    "pytorrent/write/guard.py": (
        "tests/test_output_safety.py",
        "tests/test_write_guard.py",
        "tests/test_write_guard_work.py",
    ),
}


def _import_path(module: str) -> str:
    """The path of a target under its import name: crawlers/ is imported as pytorrent_crawlers
    (through the committed link of that name), and mutmut names mutants after the path."""
    folder, _, rest = module.partition("/")
    return f"pytorrent_crawlers/{rest}" if folder == "crawlers" else module


def _mutmut_config(module: str, tests: tuple[str, ...]) -> str:
    """The [tool.mutmut] table of one module's run (both packages copied, one mutated)."""
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["pytorrent", "pytorrent_crawlers"]\n'
        'also_copy = ["schemas", "benchmarks", "docs", "README.md"]\n'
        f"only_mutate = {json.dumps([_import_path(module)])}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(list(tests))}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    )


@nox.session(default=False)
def mutation(session: nox.Session) -> None:
    """Mutation score per core module with mutmut, one module at a time on one worker, niced.

    `nox -s mutation -- pytorrent/split.py` runs the named modules only. Each runs in its own
    copy of the working tree under .nox/mutation/, where `mutmut results` lists survivors.
    """
    session.install("-e", ".[dev]")
    modules = session.posargs or list(MUTATION_TARGETS)
    unknown = sorted(set(modules) - set(MUTATION_TARGETS))
    if unknown:
        session.error(f"no mutation target {unknown}; known: {', '.join(MUTATION_TARGETS)}")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    scores = []
    for module in modules:
        scratch = Path(".nox", "mutation", module.removesuffix(".py").replace("/", "."))
        shutil.rmtree(scratch, ignore_errors=True)
        for name in filter(None, listed):
            if Path(name).is_symlink():  # pytorrent_crawlers -> crawlers, kept a link
                (scratch / name).parent.mkdir(parents=True, exist_ok=True)
                (scratch / name).symlink_to(Path(name).readlink())
            elif Path(name).is_file():
                (scratch / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(name, scratch / name)
        with (scratch / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
            pyproject.write(_mutmut_config(module, MUTATION_TARGETS[module]))
        with session.chdir(scratch):
            session.run("nice", "-n", "10", "mutmut", "run", "--max-children", "1", external=True)
            session.run("mutmut", "export-cicd-stats", external=True, silent=True)
            stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
        tried = stats["total"] - stats["skipped"]
        scores.append(f"{module}: {stats['killed']}/{tried} killed, {stats['survived']} survived")
    session.log("mutation scores (before excluding equivalent mutants):\n" + "\n".join(scores))
