"""HTTP cache policy: cache index metadata, never archives or failures.

Archives are stored content-addressed already (requests set `dont_cache`); 5xx/429 answers
must not be replayed; a JSON body cut short (not ending in `}`) is not cached, so a re-run
fetches it again instead of replaying the damage for the cache's lifetime.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Request, Response

CACHED_STATUSES = frozenset({200, 404})


class MetadataCachePolicy(DummyPolicy):
    """DummyPolicy (expiry from HTTPCACHE_EXPIRATION_SECS) limited to complete metadata."""

    def should_cache_request(self, request: Request) -> bool:
        return not request.meta.get("dont_cache", False) and super().should_cache_request(request)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status not in CACHED_STATUSES:
            return False
        encoded = bool(response.headers.get("Content-Encoding"))  # checked once inflated
        if response.status == 200 and request.meta.get("pytorrent_json") and not encoded:
            body = response.body.strip()
            return body.startswith(b"{") and body.endswith(b"}")
        return super().should_cache_response(response, request)
