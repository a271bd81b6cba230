"""The token and one-line errors for what the Hub said.

The token is looked up, handed to huggingface_hub per call, and never formatted into a message,
a log record or a file. Retries with backoff on transient failures are huggingface_hub's own; an
error that reaches us is final for this run, and the message says how to go on.
"""

from __future__ import annotations

from huggingface_hub import get_token
from huggingface_hub.errors import HfHubHTTPError, OIDCError

from pytorrent.errors import ConfigError, HubError, PytorrentError

LOGIN_HINT = "log in with `hf auth login` or set HF_TOKEN to a token with write access"

# HfHubHTTPError derives from the base error of huggingface_hub's HTTP client, which that
# client's connection and timeout errors share; OSError covers offline mode and sockets.
HUB_ERRORS: tuple[type[Exception], ...] = tuple(
    base for base in (*HfHubHTTPError.__bases__, OSError) if issubclass(base, Exception)
)


def resolve_token(explicit: str | None = None) -> str:
    """`explicit`, else HF_TOKEN, else the login cache; ConfigError when there is none."""
    try:
        token = explicit or get_token()
    except OIDCError as exc:
        raise ConfigError(f"no Hugging Face token ({_first_line(exc)}): {LOGIN_HINT}") from None
    if not token:
        raise ConfigError(f"no Hugging Face token found: {LOGIN_HINT}")
    return token


def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def hub_error(exc: BaseException, repo_id: str, doing: str, then: str = "") -> PytorrentError:
    """A one-line error for `exc`, raised while `doing` (a phrase naming the repository);
    `then` says how to go on. A refused token (401, 403) is a ConfigError: fix the login."""
    status = status_of(exc)
    if status in (401, 403):
        return ConfigError(
            f"the Hub refused the token ({status}) while {doing}: {LOGIN_HINT} to {repo_id}"
        )
    return HubError(f"{doing} failed: {_first_line(exc)}" + (f"; {then}" if then else ""))


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    server = getattr(exc, "server_message", None)
    if isinstance(server, str) and server.strip() and server.strip() not in text:
        text += f" ({server.strip().splitlines()[0]})"
    return text if len(text) <= 300 else text[:297] + "..."
