"""Test fixtures for the crawlers: a PyPI-style index and a conda channel on a loopback server.

The `publish_*` helpers lay out a PyPI-style index (JSON API, PEP 691 JSON and PEP 503 HTML
simple pages, files) and a conda channel (`<subdir>/repodata.json` and package files) on an
`IndexServer` (tests.crawlers.indexserver), with real archives (tests.crawlers.archives).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from tests.crawlers.archives import make_conda_tar_bz2, make_conda_v2, make_sdist, make_wheel

# SIMPLE_JSON and Fault lived here before the split: still importable from here.
from tests.crawlers.indexserver import SIMPLE_JSON as SIMPLE_JSON
from tests.crawlers.indexserver import Fault as Fault
from tests.crawlers.indexserver import IndexServer, Route

#: Crawl settings for tests: no politeness delays, tiny backoff, quiet logs.
FAST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 2,
    "PYTORRENT_BACKOFF_BASE": 0.01,
    "PYTORRENT_BACKOFF_MAX": 3.0,
    "DOWNLOAD_TIMEOUT": 15,
    "LOG_LEVEL": "WARNING",
    "PYTORRENT_PROGRESS_INTERVAL": 0,
}


# --- a PyPI-style index ----------------------------------------------------------------------


@dataclass
class Dist:
    """One file of a release."""

    filename: str
    data: bytes
    packagetype: str
    upload_time: str
    yanked: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Project:
    name: str
    releases: dict[str, list[Dist]]
    latest: str
    license: str | None = "MIT"
    classifiers: list[str] = field(
        default_factory=lambda: ["License :: OSI Approved :: MIT License"]
    )


def sdist(name: str, version: str, day: int, **kwargs: Any) -> Dist:
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    return Dist(
        f"{stem}.tar.gz",
        make_sdist(name, version),
        "sdist",
        f"2024-01-{day:02d}T10:00:00",
        **kwargs,
    )


def wheel(name: str, version: str, day: int, tag: str = "py3-none-any", **kwargs: Any) -> Dist:
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    return Dist(
        f"{stem}-{tag}.whl",
        make_wheel(name, version, tag),
        "bdist_wheel",
        f"2024-01-{day:02d}T11:00:00",
        **kwargs,
    )


def standard_projects() -> list[Project]:
    """A small index covering the selection rules (see each comment)."""
    return [
        # Three releases with sdist + wheel: the latest sdist is taken.
        Project(
            "alpha",
            {
                v: [sdist("alpha", v, d), wheel("alpha", v, d)]
                for v, d in (("1.0", 1), ("1.1", 2), ("2.0", 3))
            },
            "2.0",
        ),
        # Latest final release has only a pure wheel; a newer pre-release is ignored.
        Project(
            "Beta_Pkg",
            {
                "0.1": [sdist("Beta_Pkg", "0.1", 4)],
                "0.2": [wheel("Beta_Pkg", "0.2", 5, tag="py2.py3-none-any")],
                "0.3rc1": [sdist("Beta_Pkg", "0.3rc1", 6)],
            },
            "0.2",
            license="Apache-2.0",
            classifiers=[],
        ),
        # Latest release has only a platform wheel: a record without an archive.
        Project(
            "gamma",
            {
                "1.0": [sdist("gamma", "1.0", 7)],
                "2.0": [wheel("gamma", "2.0", 8, tag="cp311-cp311-manylinux_2_17_x86_64")],
            },
            "2.0",
        ),
        # The declared latest release is yanked: the previous one is taken.
        Project(
            "delta",
            {
                "0.9": [sdist("delta", "0.9", 9)],
                "1.0": [sdist("delta", "1.0", 10, yanked=True)],
            },
            "1.0",
        ),
    ]


def many_projects(count: int) -> list[Project]:
    """`count` small projects with two releases each (for resume tests)."""
    projects = []
    for i in range(count):
        name = f"pkg{i:02d}"
        projects.append(
            Project(name, {v: [sdist(name, v, 1 + d)] for d, v in enumerate(("1.0", "1.1"))}, "1.1")
        )
    return projects


def file_entry(server: IndexServer, dist: Dist) -> dict[str, Any]:
    return {
        "comment_text": "",
        "digests": {
            "blake2b_256": hashlib.blake2b(dist.data, digest_size=32).hexdigest(),
            "md5": hashlib.md5(dist.data).hexdigest(),
            "sha256": dist.sha256,
        },
        "downloads": -1,
        "filename": dist.filename,
        "has_sig": False,
        "md5_digest": hashlib.md5(dist.data).hexdigest(),
        "packagetype": dist.packagetype,
        "python_version": "source" if dist.packagetype == "sdist" else "py3",
        "requires_python": ">=3.8",
        "size": len(dist.data),
        "upload_time": dist.upload_time,
        "upload_time_iso_8601": dist.upload_time + ".000000Z",
        "url": server.url(f"/files/{dist.filename}"),
        "yanked": dist.yanked,
        "yanked_reason": "broken" if dist.yanked else None,
    }


def json_api_document(server: IndexServer, project: Project, serial: int) -> dict[str, Any]:
    releases = {v: [file_entry(server, d) for d in dists] for v, dists in project.releases.items()}
    return {
        "info": {
            "name": project.name,
            "version": project.latest,
            "summary": f"The {project.name} package",
            "license": project.license,
            "classifiers": project.classifiers,
            "requires_python": ">=3.8",
            "requires_dist": None,
            "author": "Someone",
            "yanked": False,
        },
        "last_serial": serial,
        "releases": releases,
        "urls": releases[project.latest],
        "vulnerabilities": [],
        "ownership": {"roles": []},
    }


def simple_pages(server: IndexServer, project: Project) -> tuple[bytes, bytes]:
    """(PEP 503 HTML, PEP 691 JSON) of one project."""
    links, files = [], []
    for dists in project.releases.values():
        for dist in dists:
            yanked = ' data-yanked="broken"' if dist.yanked else ""
            links.append(
                f'<a href="../../files/{dist.filename}#sha256={dist.sha256}"'
                f' data-requires-python="&gt;=3.8"{yanked}>{dist.filename}</a><br/>'
            )
            files.append(
                {
                    "filename": dist.filename,
                    "url": f"../../files/{dist.filename}",
                    "hashes": {"sha256": dist.sha256},
                    "requires-python": ">=3.8",
                    "yanked": "broken" if dist.yanked else False,
                    "size": len(dist.data),
                    "upload-time": dist.upload_time + "Z",
                }
            )
    html = f"<!DOCTYPE html><html><body>{''.join(links)}</body></html>".encode()
    page = {"meta": {"api-version": "1.1"}, "name": canonicalize_name(project.name), "files": files}
    return html, json.dumps(page).encode()


def publish_pypi(
    server: IndexServer,
    projects: list[Project],
    json_api: bool = True,
    robots: str = "User-agent: *\nAllow: /\n",
) -> None:
    """Serve `projects` as an index at /simple/ (and the JSON API at /pypi/ if asked)."""
    names = []
    for serial, project in enumerate(projects, start=1):
        name = canonicalize_name(project.name)
        names.append(name)
        for dists in project.releases.values():
            for dist in dists:
                server.add(f"/files/{dist.filename}", Route(dist.data))
        if json_api:
            document = json_api_document(server, project, serial)
            server.add(
                f"/pypi/{name}/json",
                Route(json.dumps(document).encode(), "application/json"),
            )
        html, page = simple_pages(server, project)
        server.add(f"/simple/{name}/", Route(html, "text/html", json_body=page))
    index_html = "".join(f'<a href="{n}/">{n}</a>' for n in names)
    index_json = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
    server.add(
        "/simple/",
        Route(
            f"<html><body>{index_html}</body></html>".encode(),
            "text/html",
            json_body=json.dumps(index_json).encode(),
        ),
    )
    server.add("/robots.txt", Route(robots.encode(), "text/plain"))


# --- a conda channel -----------------------------------------------------------------------


@dataclass
class CondaBuild:
    subdir: str
    name: str
    version: str
    build: str
    fmt: str  # ".conda" or ".tar.bz2"
    depends: list[str]
    noarch: str | None = None
    build_number: int = 0
    timestamp: int = 1_700_000_000_000
    with_sha256: bool = True
    about: dict[str, Any] | None = None  # info/about.json inside the archive

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}-{self.build}{self.fmt}"

    def index(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "build_number": self.build_number,
            "depends": self.depends,
            "license": "BSD-3-Clause",
            "license_family": "BSD",
            "subdir": self.subdir,
            "timestamp": self.timestamp,
        }
        if self.noarch:
            record["noarch"] = self.noarch
        return record

    def data(self) -> bytes:
        if self.fmt == ".conda":
            return make_conda_v2(self.name, self.version, self.build, self.index(), self.about)
        return make_conda_tar_bz2(self.name, self.version, self.index(), self.about)


def publish_conda(server: IndexServer, channel: str, builds: list[CondaBuild]) -> dict[str, bytes]:
    """Serve a channel at /<channel>/; returns filename -> bytes."""
    repodata: dict[str, dict[str, Any]] = {}
    blobs: dict[str, bytes] = {}
    for build in builds:
        data = build.data()
        blobs[build.filename] = data
        entry = build.index()
        entry.update(md5=hashlib.md5(data).hexdigest(), size=len(data))
        if build.with_sha256:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
        section = "packages.conda" if build.fmt == ".conda" else "packages"
        content = repodata.setdefault(
            build.subdir,
            {
                "info": {"subdir": build.subdir},
                "packages": {},
                "packages.conda": {},
                "removed": [],
                "repodata_version": 1,
            },
        )
        content[section][build.filename] = entry
        server.add(f"/{channel}/{build.subdir}/{build.filename}", Route(data))
    for subdir, content in repodata.items():
        server.add(
            f"/{channel}/{subdir}/repodata.json",
            Route(json.dumps(content).encode(), "application/json"),
        )
    server.add("/robots.txt", Route(b"User-agent: *\nAllow: /\n", "text/plain"))
    return blobs


# --- store inspection ----------------------------------------------------------------------


def store_tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of the durable part of a store (archives and metadata)."""
    tree = {}
    for top in ("archives", "metadata"):
        base = root / top
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and "_parts" not in path.parts:
                tree[path.relative_to(root).as_posix()] = path.read_bytes()
    return tree


def part_records(root: Path, kind: str = "pypi") -> int:
    parts = root / "metadata" / kind / "_parts"
    if not parts.exists():
        return 0
    return sum(len(p.read_bytes().splitlines()) for p in parts.glob("*.jsonl"))


def iter_lines(path: Path) -> Iterator[str]:
    yield from path.read_text().splitlines()
