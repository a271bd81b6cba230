"""A threaded HTTP server on a loopback address: a route table, a request log, faults.

Faults: status codes with headers, dropped connections, delays, corrupted bodies; routes can
stream their body chunked (no Content-Length) or redirect.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


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
        #: The HTTP `Date` of every answer: a fixed clock, so two crawls of the same routes
        #: give the same records (`crawled_at` is the index's Date).
        self.date = "Tue, 02 Jan 2024 12:00:00 GMT"
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.handle(self)

            def date_time_string(self, timestamp: float | None = None) -> str:
                return server.date

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
