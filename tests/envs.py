"""Builders of small, real installed environments (dist-info + RECORD + files) for tests."""

from __future__ import annotations

import base64
import hashlib
import textwrap
from pathlib import Path


def _record_line(rel: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{rel},sha256={digest},{len(data)}"


def install_package(
    site: Path,
    name: str,
    version: str,
    files: dict[str, str | bytes],
    *,
    license: str = "MIT",
    summary: str = "",
) -> Path:
    """Write `files` (path -> text) plus a dist-info folder, as pip would install them."""
    site.mkdir(parents=True, exist_ok=True)
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    records = []
    for rel, content in files.items():
        data = content if isinstance(content, bytes) else textwrap.dedent(content).encode()
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        records.append(_record_line(rel, data))
    meta = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
        f"License: {license}\nProject-URL: Source, https://example.invalid/{name}\n\n"
    ).encode()
    (site / dist_info).mkdir()
    (site / dist_info / "METADATA").write_bytes(meta)
    records.append(_record_line(f"{dist_info}/METADATA", meta))
    records.append(f"{dist_info}/RECORD,,")
    (site / dist_info / "RECORD").write_text("\n".join(records) + "\n")
    return site / dist_info


ALPHA_CORE = '''
    """Alpha: arithmetic helpers."""

    # Default base for every conversion.
    BASE = 10


    def add(a, b):
        """Add two numbers.

        Args:
            a: the first number
            b: the second number
        """
        # plain addition
        return a + b


    class Counter:
        """Counts things."""

        def increment(self, step=1):
            """Increase the count by `step` and return it."""
            self.value = getattr(self, "value", 0) + step
            return self.value
'''


_OPERATIONS = ["+", "-", "*", "//", "%", "**", "|", "&", "^", "<<", ">>", "/"]


def distinct_core(i: int, name: str) -> str:
    """ALPHA_CORE with names and operators of its own, so packages are not near duplicates."""
    op = _OPERATIONS[i % len(_OPERATIONS)]
    return (
        ALPHA_CORE.replace("Alpha", name.title())
        .replace("BASE", f"BASE_{i}")
        .replace("a + b", f"left_{i} {op} right_{i} + {i}")
        .replace("add(a, b)", f"add(left_{i}, right_{i})")
        .replace("a: the first", f"left_{i}: the first")
        .replace("b: the second", f"right_{i}: the second")
        .replace("step", f"step_{i}")
        .replace('"value"', f'"value_{i}"')
        .replace("self.value", f"self.count_{i}")
    )


def make_site(root: Path, packages: int = 3) -> Path:
    """A site-packages folder with `packages` small packages plus test and init files."""
    site = root / "site-packages"
    for i in range(packages):
        name = f"pkg{i:02d}"
        install_package(
            site,
            name,
            f"1.{i}",
            {
                f"{name}/__init__.py": f'"""Package {name}."""\nfrom {name}.core import add\n',
                f"{name}/core.py": distinct_core(i, name),
                f"{name}/tests/test_core.py": "def test_add():\n    '''Adds.'''\n    assert 1\n",
            },
        )
    return site


def bulky_module(i: int, functions: int) -> str:
    """`functions` documented functions of distinct shapes: a package that takes a
    measurable time to extract (about 1 ms per function)."""
    parts = [f'"""Bulky module {i}."""\n']
    for j in range(functions):
        op = _OPERATIONS[(i + j) % len(_OPERATIONS)]
        parts.append(
            f"\n\ndef compute_{i}_{j}(value_{j}, scale_{i}=1):\n"
            f'    """Combine value {j} with scale {i} for package {i}."""\n'
            f"    # step {j}: scale first\n"
            f"    scaled = value_{j} {op} scale_{i}\n"
            f"    if scaled > {j}:\n"
            f"        return scaled - {i * 31 + j}\n"
            f"    return [scaled] * {j % 7 + 1}\n"
        )
    return "".join(parts)


def make_bulky_site(root: Path, packages: int, functions: int) -> Path:
    """A site-packages folder of `packages` packages with `functions` functions each."""
    site = root / "site-packages"
    for i in range(packages):
        name = f"bulk{i:02d}"
        install_package(site, name, f"2.{i}", {f"{name}/core.py": bulky_module(i, functions)})
    return site


def folder_bytes(root: Path, *folders: str) -> dict[str, bytes]:
    """Every file's bytes under `root` by relative path (only under `folders`, if given):
    equal dicts mean byte-identical outputs."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and (not folders or p.relative_to(root).parts[0] in folders)
    }
