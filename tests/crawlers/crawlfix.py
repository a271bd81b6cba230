"""Test fixtures for the crawlers: real archives built here, served over HTTP on 127.0.0.1.

`IndexServer` is a threaded `http.server` with a route table and injectable faults (status
codes with headers, dropped connections, delays, corrupted bodies, malformed JSON). The
`publish_*` helpers lay out a PyPI-style index (JSON API, PEP 691 JSON and PEP 503 HTML
simple pages, files) and a conda channel (`<subdir>/repodata.json` and package files).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import zstandard
from packaging.utils import canonicalize_name

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"

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

# --- archives ------------------------------------------------------------------------------


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


def _conda_payload(name: str, version: str, record: dict[str, Any]) -> tuple[bytes, bytes]:
    """(info tar, pkg tar) of a conda package, uncompressed."""
    module = name.replace("-", "_")
    info, pkg = io.BytesIO(), io.BytesIO()
    with tarfile.open(fileobj=info, mode="w") as archive:
        _tar_add(archive, "info/index.json", json.dumps(record).encode())
        _tar_add(archive, "info/files", f"site-packages/{module}/__init__.py\n".encode())
    with tarfile.open(fileobj=pkg, mode="w") as archive:
        _tar_add(
            archive, f"site-packages/{module}/__init__.py", module_source(name, version).encode()
        )
    return info.getvalue(), pkg.getvalue()


def make_conda_tar_bz2(name: str, version: str, record: dict[str, Any]) -> bytes:
    """A v1 conda package: one bzip2 tar with info/ and the files."""
    info, pkg = _conda_payload(name, version, record)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:bz2") as archive:
        for part in (info, pkg):
            with tarfile.open(fileobj=io.BytesIO(part)) as source:
                for member in source.getmembers():
                    extracted = source.extractfile(member)
                    assert extracted is not None
                    _tar_add(archive, member.name, extracted.read())
    return buffer.getvalue()


def make_conda_v2(name: str, version: str, build: str, record: dict[str, Any]) -> bytes:
    """A v2 `.conda` package: a zip of metadata.json and zstd tars of info/ and pkg/."""
    info, pkg = _conda_payload(name, version, record)
    stem = f"{name}-{version}-{build}"
    compressor = zstandard.ZstdCompressor()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        _zip_add(archive, "metadata.json", json.dumps({"conda_pkg_format_version": 2}))
        _zip_add(archive, f"info-{stem}.tar.zst", compressor.compress(info))
        _zip_add(archive, f"pkg-{stem}.tar.zst", compressor.compress(pkg))
    return buffer.getvalue()


# --- server --------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    json_body: bytes | None = None  # served instead when the client accepts PEP 691 JSON
    chunked: bool = False  # no Content-Length: the body streams in chunks


@dataclass
class Fault:
    """One injected misbehaviour, consumed by the next request for its path."""

    kind: str  # "status", "drop", "delay", "body"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    body: bytes = b""


class IndexServer:
    """A threaded HTTP server on a loopback address serving routes, a request log and faults."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.sticky: dict[str, Fault] = {}
        self.delays: dict[str, float] = {}
        self.log: list[tuple[float, str, int, str]] = []
        self.authorization: list[str | None] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.handle(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # dropped connections are on purpose

        self.host = host
        self.httpd = Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def fault(self, path: str, *faults: Fault) -> None:
        self.faults.setdefault(path, []).extend(faults)

    def requests_for(self, path: str) -> list[tuple[float, int]]:
        with self.lock:
            return [(t, status) for t, p, status, _ in self.log if p == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        accept = handler.headers.get("Accept", "")
        self.authorization.append(handler.headers.get("Authorization"))
        with self.lock:
            queue = self.faults.get(path)
            fault = queue.pop(0) if queue else self.sticky.get(path)
        if path in self.delays:
            time.sleep(self.delays[path])
        route = self.routes.get(path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "drop":
            self._record(path, 0, accept)
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.kind == "status":
            self._send(handler, fault.status, b"error", "text/plain", fault.headers)
            self._record(path, fault.status, accept)
            return
        if route is None:
            self._send(handler, 404, b"not found", "text/plain", {})
            self._record(path, 404, accept)
            return
        body, content_type = route.body, route.content_type
        if route.json_body is not None and SIMPLE_JSON in accept:
            body, content_type = route.json_body, SIMPLE_JSON
        if fault is not None and fault.kind == "body":
            body = fault.body
        self._send(handler, route.status, body, content_type, route.headers, route.chunked)
        self._record(path, route.status, accept)

    def _record(self, path: str, status: int, accept: str) -> None:
        with self.lock:
            self.log.append((time.monotonic(), path, status, accept))

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str],
        chunked: bool = False,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            handler.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        if not chunked:
            handler.wfile.write(body)
            return
        try:
            for start in range(0, len(body), 65536):
                piece = body[start : start + 65536]
                handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            handler.close_connection = True  # the client hung up (a cap cut it off)


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
            return make_conda_v2(self.name, self.version, self.build, self.index())
        return make_conda_tar_bz2(self.name, self.version, self.index())


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
