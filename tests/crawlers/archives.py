"""Real package archives for the crawler tests: sdists, wheels and conda packages (v1, v2).

Fixed timestamps everywhere, so the same package always has the same bytes (and sha256).
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from typing import Any

import zstandard
from packaging.utils import canonicalize_name


def _tar_add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1_700_000_000
    archive.addfile(info, io.BytesIO(data))


def _zip_add(archive: zipfile.ZipFile, name: str, data: str | bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = archive.compression
    archive.writestr(info, data)


def pkg_info(name: str, version: str, license: str = "MIT") -> str:
    return (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        f"Summary: The {name} package\nLicense: {license}\n"
        "Classifier: License :: OSI Approved :: MIT License\n"
        "Classifier: Programming Language :: Python :: 3\nRequires-Python: >=3.8\n"
    )


def module_source(name: str, version: str) -> str:
    return (
        f'"""The {name} package, version {version}."""\n\n\n'
        "def add(a, b):\n"
        '    """Return the sum of a and b."""\n'
        "    # plain addition\n"
        "    return a + b\n"
    )


def make_sdist(name: str, version: str) -> bytes:
    """A real sdist (.tar.gz) with PKG-INFO, pyproject.toml and one module."""
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    module = canonicalize_name(name).replace("-", "_")
    buffer = io.BytesIO()
    # Fixed timestamps everywhere: the same package gives the same bytes (and sha256).
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as archive,
    ):
        _tar_add(archive, f"{stem}/PKG-INFO", pkg_info(name, version).encode())
        _tar_add(archive, f"{stem}/pyproject.toml", b'[project]\nname = "x"\n')
        _tar_add(archive, f"{stem}/src/{module}/__init__.py", module_source(name, version).encode())
    return buffer.getvalue()


def make_wheel(name: str, version: str, tag: str = "py3-none-any") -> bytes:
    """A real wheel with METADATA, WHEEL, RECORD and one module."""
    module = canonicalize_name(name).replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _zip_add(archive, f"{module}/__init__.py", module_source(name, version))
        _zip_add(archive, f"{dist_info}/METADATA", pkg_info(name, version))
        _zip_add(archive, f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nTag: {tag}\n")
        _zip_add(archive, f"{dist_info}/RECORD", "")
    return buffer.getvalue()


def _conda_payload(
    name: str, version: str, record: dict[str, Any], about: dict[str, Any] | None = None
) -> tuple[bytes, bytes]:
    """(info tar, pkg tar) of a conda package, uncompressed; info/about.json when given."""
    module = name.replace("-", "_")
    info, pkg = io.BytesIO(), io.BytesIO()
    with tarfile.open(fileobj=info, mode="w") as archive:
        _tar_add(archive, "info/index.json", json.dumps(record).encode())
        if about is not None:
            _tar_add(archive, "info/about.json", json.dumps(about).encode())
        _tar_add(archive, "info/files", f"site-packages/{module}/__init__.py\n".encode())
    with tarfile.open(fileobj=pkg, mode="w") as archive:
        _tar_add(
            archive, f"site-packages/{module}/__init__.py", module_source(name, version).encode()
        )
    return info.getvalue(), pkg.getvalue()


def make_conda_tar_bz2(
    name: str, version: str, record: dict[str, Any], about: dict[str, Any] | None = None
) -> bytes:
    """A v1 conda package: one bzip2 tar with info/ and the files."""
    info, pkg = _conda_payload(name, version, record, about)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:bz2") as archive:
        for part in (info, pkg):
            with tarfile.open(fileobj=io.BytesIO(part)) as source:
                for member in source.getmembers():
                    extracted = source.extractfile(member)
                    assert extracted is not None
                    _tar_add(archive, member.name, extracted.read())
    return buffer.getvalue()


def make_conda_v2(
    name: str,
    version: str,
    build: str,
    record: dict[str, Any],
    about: dict[str, Any] | None = None,
) -> bytes:
    """A v2 `.conda` package: a zip of metadata.json and zstd tars of info/ and pkg/."""
    info, pkg = _conda_payload(name, version, record, about)
    stem = f"{name}-{version}-{build}"
    compressor = zstandard.ZstdCompressor()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        _zip_add(archive, "metadata.json", json.dumps({"conda_pkg_format_version": 2}))
        _zip_add(archive, f"info-{stem}.tar.zst", compressor.compress(info))
        _zip_add(archive, f"pkg-{stem}.tar.zst", compressor.compress(pkg))
    return buffer.getvalue()
