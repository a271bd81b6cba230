"""Script categories of PyTorrent's Table 4: core, test, init and other (build/config)."""

from __future__ import annotations

from pytorrent.models import Category

ALL_CATEGORIES: tuple[Category, ...] = ("core", "test", "init", "other")
_TEST_DIRS = frozenset({"test", "tests", "testing"})
_OTHER_FILES = frozenset(
    {
        "setup.py",
        "make.py",
        "noxfile.py",
        "fabfile.py",
        "dodo.py",
        "pavement.py",
        "toxfile.py",
        "conanfile.py",
        "sconstruct.py",
        "waf.py",
        "ez_setup.py",
        "distribute_setup.py",
        "versioneer.py",
        "_version.py",
        "manage.py",
        "wsgi.py",
        "asgi.py",
    }
)
_OTHER_PATHS = ("docs/conf.py", "doc/conf.py", "docs/source/conf.py", "doc/source/conf.py")


def script_category(path: str) -> Category:
    """Category of a package-relative POSIX path (docs/architecture.md, "Units and records")."""
    parts = path.lower().split("/")
    filename = parts[-1]
    if any(part in _TEST_DIRS for part in parts[:-1]) or (
        filename.startswith("test_") or filename.endswith("_test.py") or filename == "conftest.py"
    ):
        return "test"
    if filename == "__init__.py":
        return "init"
    lowered = "/".join(parts)
    if filename in _OTHER_FILES or any(
        lowered == p or lowered.endswith("/" + p) for p in _OTHER_PATHS
    ):
        return "other"
    return "core"


def parse_categories(text: str) -> tuple[Category, ...]:
    """`--categories core,test` -> ("core", "test"); `all` selects every category."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return ALL_CATEGORIES
    unknown = [n for n in names if n not in ALL_CATEGORIES]
    if unknown or not names:
        raise ValueError(
            f"unknown categories {unknown or text!r}; choose from {', '.join(ALL_CATEGORIES)} or all"
        )
    return tuple(c for c in ALL_CATEGORIES if c in names)
