"""Fetching one URL over HTTP(S), guarded against server-side request forgery.

Every hop of a redirect chain is checked: only http/https, and (unless
``fetch.allow_private``) only hosts that resolve to public addresses. The
address actually connected to is checked again before the body is read, so a
name that resolves differently the second time (DNS rebinding) gains nothing.
Bodies are streamed and cut off at ``fetch.max_bytes``; ``fetch.timeout``
bounds the whole fetch, redirects included.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from storyline.config import FetchConfig
from storyline.errors import IngestError

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# File names that tell readers.sniff the format, by media type.
_NAMES = {
    "text/html": "index.html",
    "application/xhtml+xml": "index.xhtml",
    "application/rss+xml": "feed.rss",
    "application/atom+xml": "feed.atom",
    "application/rdf+xml": "feed.rdf",
    "application/xml": "feed.xml",
    "text/xml": "feed.xml",
    "application/json": "data.json",
    "application/x-ndjson": "data.jsonl",
    "application/jsonl": "data.jsonl",
    "text/plain": "index.txt",
    "application/warc": "archive.warc",
}
_KNOWN_EXTENSIONS = (
    ".html", ".htm", ".xhtml", ".shtml", ".txt", ".text", ".md", ".json", ".jsonl", ".ndjson",
    ".warc", ".arc", ".rss", ".atom", ".xml", ".rdf", ".gz",
)  # fmt: skip


@dataclass(frozen=True)
class Fetched:
    """A fetched document.

    ``url`` is the final URL after redirects; ``name`` is a file name to guess
    the format from (the URL's last path segment, or one made up from the
    content type, such as ``index.html``).
    """

    url: str
    content_type: str
    data: bytes
    name: str


def is_url(s: str) -> bool:
    """True for an absolute http(s) URL with a host.

    >>> is_url("https://example.com/a"), is_url("file:///etc/passwd"), is_url("notes.txt")
    (True, False, False)
    """
    try:
        parts = urlsplit(s.strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def fetch_url(url: str, config: FetchConfig) -> Fetched:
    """GET one URL, following redirects by hand so each hop is checked.

    Args:
        url: an http or https URL.
        config: timeout, size cap, redirect cap, user agent and the private-address guard.

    Returns:
        The final URL, its content type, the body and a file name for format sniffing.

    Raises:
        IngestError: a refused or unsupported URL, too many redirects, an HTTP
            error status, a body over ``max_bytes``, a timeout or a network error.
    """
    import httpx

    deadline = time.monotonic() + config.timeout
    # trust_env=False: no proxy from the environment, so the connected peer
    # checked below is the server itself.
    with httpx.Client(
        follow_redirects=False,
        timeout=config.timeout,
        headers={"User-Agent": config.user_agent},
        trust_env=False,
    ) as client:
        current = url
        for _hop in range(config.max_redirects + 1):
            host = _check_url(current, config)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IngestError(current, f"timed out after {config.timeout:g}s")
            try:
                with client.stream("GET", current, timeout=remaining) as response:
                    if not config.allow_private:
                        _check_peer(current, host, response)
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise IngestError(
                                current, f"HTTP {response.status_code} redirect without a Location"
                            )
                        current = urljoin(current, location.strip())
                        continue
                    if response.status_code >= 400:
                        raise IngestError(
                            current, f"HTTP {response.status_code} {response.reason_phrase}".strip()
                        )
                    data = _read_body(response, current, config, deadline)
                    content_type = response.headers.get("content-type", "")
                    final = str(response.url)
            except httpx.TimeoutException:
                raise IngestError(current, f"timed out after {config.timeout:g}s") from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:
                reason = " ".join(str(e).split()) or type(e).__name__
                raise IngestError(current, f"network error: {reason}") from None
            return Fetched(final, content_type, data, _file_name(final, content_type))
    raise IngestError(url, f"too many redirects (over {config.max_redirects}, fetch.max_redirects)")


def _check_url(url: str, config: FetchConfig) -> str:
    """Return the URL's host; refuse non-http(s) URLs and, unless allowed, non-public hosts."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise IngestError(url, f"not a valid URL: {e}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(url, f"refused: only http and https URLs are fetched, not {scheme!r}")
    host = parts.hostname
    if not host:
        raise IngestError(url, "not a valid URL: no host")
    port = port or (443 if scheme == "https" else 80)
    if not config.allow_private:
        check_host(url, host, port)
    return host


def check_host(url: str, host: str, port: int) -> None:
    """Raise IngestError unless every address ``host`` resolves to is public."""
    try:
        addresses = _resolve(host, port)
    except (OSError, UnicodeError) as e:
        raise IngestError(url, f"cannot resolve {host}: {e}") from None
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise IngestError(url, _private_reason(host))


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _private_reason(host: str) -> str:
    return (
        f"refused: {host} resolves to a private or loopback address "
        "(set fetch.allow_private to allow)"
    )


def _check_peer(url: str, host: str, response: Any) -> None:
    """Refuse a connection that landed on a non-public address after all."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not is_public_address(str(peer[0])):
        raise IngestError(url, _private_reason(host))


def _read_body(response: Any, url: str, config: FetchConfig, deadline: float) -> bytes:
    limit = config.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise IngestError(url, _too_large(int(declared), limit))
    body = bytearray()
    # iter_bytes undoes gzip/deflate, so the cap also stops compression bombs.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise IngestError(url, _too_large(len(body), limit, at_least=True))
        if time.monotonic() > deadline:
            raise IngestError(url, f"timed out after {config.timeout:g}s")
    return bytes(body)


def _too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    amount = f"over {limit:,} bytes" if at_least else f"{size:,} bytes, over {limit:,}"
    return f"too large: {amount} (fetch.max_bytes)"


def _file_name(url: str, content_type: str) -> str:
    """The URL's last path segment when it has a format extension, else one from the type."""
    segment = urlsplit(url).path.rsplit("/", 1)[-1]
    if segment.lower().endswith(_KNOWN_EXTENSIONS):
        return segment
    media = content_type.split(";")[0].strip().lower()
    if media in _NAMES:
        return _NAMES[media]
    if media.endswith(("+xml", "/xml")):
        return "feed.xml"
    return segment or "download"
