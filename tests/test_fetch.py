"""URL fetching against a local HTTP server: redirects, caps, errors, and the SSRF guard."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyline.config import Config, FetchConfig
from storyline.errors import IngestError
from storyline.ingest import fetch
from storyline.ingest.fetch import Fetched, fetch_url, is_url

ARTICLE = b"<html><body><article><p>Tram line extension opens.</p></article></body></html>"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        port = self.server.server_address[1]
        if path == "/news/tram.html":
            self.send(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/feed":
            self.send(200, FEED, {"Content-Type": "application/rss+xml"})
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            target = f"/hop/{n - 1}" if n > 0 else "/news/tram.html"
            self.send(302, headers={"Location": target})
        elif path == "/loop":
            self.send(301, headers={"Location": "/loop"})
        elif path == "/to-localhost":
            self.send(307, headers={"Location": f"http://localhost:{port}/news/tram.html"})
        elif path == "/to-file":
            self.send(302, headers={"Location": "file:///etc/passwd"})
        elif path == "/big":
            self.send(200, b"x" * 50_000, {"Content-Type": "text/plain"})
        elif path == "/big-unannounced":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"y" * 1000)
        elif path == "/bomb":
            body = gzip.compress(b"\0" * 2_000_000)
            self.send(200, body, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(1.0)
            self.send(200, ARTICLE, {"Content-Type": "text/html"})
        else:
            self.send(404, b"not here", {"Content-Type": "text/plain"})


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up (timeouts, size caps) leave broken pipes behind.
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def local(**options: object) -> FetchConfig:
    return Config().replace(fetch={"allow_private": True, **options}).fetch


def test_fetch_html(server: str) -> None:
    got = fetch_url(f"{server}/news/tram.html", local())
    assert got == Fetched(
        url=f"{server}/news/tram.html",
        content_type="text/html; charset=utf-8",
        data=ARTICLE,
        name="tram.html",
    )


def test_name_comes_from_the_content_type_when_the_path_has_none(server: str) -> None:
    got = fetch_url(f"{server}/feed", local())
    assert got.name == "feed.rss"
    assert got.data == FEED


def test_redirect_chain_within_the_limit(server: str) -> None:
    got = fetch_url(f"{server}/hop/3", local(max_redirects=4))
    assert got.url == f"{server}/news/tram.html"
    assert got.data == ARTICLE


def test_redirect_chain_over_the_limit(server: str) -> None:
    with pytest.raises(IngestError, match="too many redirects") as err:
        fetch_url(f"{server}/hop/3", local(max_redirects=3))
    assert err.value.source == f"{server}/hop/3"
    with pytest.raises(IngestError, match="too many redirects"):
        fetch_url(f"{server}/loop", local())


def test_redirect_to_another_scheme_is_refused(server: str) -> None:
    with pytest.raises(IngestError, match="only http and https"):
        fetch_url(f"{server}/to-file", local())


@pytest.mark.parametrize("path", ["/big", "/big-unannounced", "/bomb"])
def test_size_cap(server: str, path: str) -> None:
    with pytest.raises(IngestError, match=r"too large: .*\(fetch.max_bytes\)"):
        fetch_url(f"{server}{path}", local(max_bytes=10_000))


def test_http_error_names_the_status(server: str) -> None:
    with pytest.raises(IngestError) as err:
        fetch_url(f"{server}/missing", local())
    assert err.value.reason == "HTTP 404 Not Found"


def test_timeout(server: str) -> None:
    start = time.monotonic()
    with pytest.raises(IngestError, match="timed out after 0.2s"):
        fetch_url(f"{server}/slow", local(timeout=0.2))
    assert time.monotonic() - start < 0.9


def test_connection_refused_is_a_one_line_error() -> None:
    with pytest.raises(IngestError) as err:
        fetch_url("http://127.0.0.1:1/", local(timeout=2))
    assert err.value.reason.startswith("network error: ")
    assert "\n" not in err.value.reason


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_by_default(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    config = Config().fetch
    assert config.allow_private is False
    with pytest.raises(IngestError) as err:
        fetch_url(f"http://{host}:{port}/news/tram.html", config)
    assert err.value.reason == (
        f"refused: {host} resolves to a private or loopback address "
        "(set fetch.allow_private to allow)"
    )


def test_connected_address_is_checked_too(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # DNS rebinding: the name looks public when checked, then connects to loopback.
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34"])
    with pytest.raises(IngestError, match="private or loopback"):
        fetch_url(f"{server}/news/tram.html", Config().fetch)


def test_every_redirect_hop_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first host passes the check; the redirect to localhost must not.
    real = fetch._resolve
    monkeypatch.setattr(
        fetch, "_resolve", lambda h, p: ["93.184.216.34"] if h == "127.0.0.1" else real(h, p)
    )
    monkeypatch.setattr(fetch, "_check_peer", lambda url, host, response: None)
    with pytest.raises(IngestError) as err:
        fetch_url(f"{server}/to-localhost", Config().fetch)
    assert err.value.source.startswith("http://localhost:")
    assert "localhost resolves to a private or loopback address" in err.value.reason


@pytest.mark.parametrize(
    ("addresses", "allowed"),
    [
        (["93.184.216.34"], True),
        (["2606:2800:220:1:248:1893:25c8:1946"], True),
        (["10.1.2.3"], False),
        (["192.168.0.10"], False),
        (["169.254.169.254"], False),  # cloud metadata endpoint
        (["100.64.0.1"], False),  # carrier-grade NAT, not global
        (["0.0.0.0"], False),
        (["224.0.0.1"], False),
        (["::1"], False),
        (["fe80::1%eth0"], False),
        (["::ffff:127.0.0.1"], False),
        (["93.184.216.34", "127.0.0.1"], False),  # one private answer is enough
        ([], False),
    ],
)
def test_check_host(monkeypatch: pytest.MonkeyPatch, addresses: list[str], allowed: bool) -> None:
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: addresses)
    if allowed:
        fetch.check_host("http://h.example/", "h.example", 80)
    else:
        with pytest.raises(IngestError, match="refused: h.example resolves"):
            fetch.check_host("http://h.example/", "h.example", 80)


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    monkeypatch.setattr(fetch, "_resolve", fail)
    with pytest.raises(IngestError, match="cannot resolve nowhere.example"):
        fetch_url("http://nowhere.example/", Config().fetch)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)"]
)
def test_only_http_schemes(url: str) -> None:
    with pytest.raises(IngestError, match="only http and https"):
        fetch_url(url, local())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a", True),
        ("HTTP://EXAMPLE.COM", True),
        ("  http://example.com/x?y=1  ", True),
        ("ftp://example.com/a", False),
        ("file:///etc/passwd", False),
        ("example.com/a", False),
        ("notes/article.html", False),
        ("http://", False),
        ("http://[::1", False),
    ],
)
def test_is_url(text: str, expected: bool) -> None:
    assert is_url(text) is expected


@pytest.mark.parametrize(
    ("url", "content_type", "name"),
    [
        ("https://x.example/a/story.html", "text/html", "story.html"),
        ("https://x.example/a/story.php", "text/html", "index.html"),
        ("https://x.example/", "application/atom+xml; charset=utf-8", "feed.atom"),
        ("https://x.example/data", "application/json", "data.json"),
        ("https://x.example/crawl.warc.gz", "application/octet-stream", "crawl.warc.gz"),
        ("https://x.example/blob", "application/octet-stream", "blob"),
        ("https://x.example/", "", "download"),
    ],
)
def test_file_name(url: str, content_type: str, name: str) -> None:
    assert fetch._file_name(url, content_type) == name
