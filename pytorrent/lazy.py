"""Lazy package exports (PEP 562): a package's public names are imported from their modules
on first use, so reading one light name (a default, a constant) does not import the heavy
stack beside it (libcst, datasketch + scipy, pyarrow.compute). `--help` stays fast."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, sources: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: name -> `package.<sources[name]>.<name>`, cached in the
    package's namespace after the first lookup."""

    def lookup(name: str) -> Any:
        if name not in sources:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{sources[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return lookup
