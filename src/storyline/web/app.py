"""The web app: a read-only view of a store, as server-rendered pages and a JSON API.

:func:`create_app` builds the FastAPI app; :func:`serve` runs it with uvicorn,
on loopback unless a token is given. Article text and metadata are hostile
input: templates autoescape everything, links are only made of http(s) URLs,
the Content-Security-Policy forbids inline script, and static files come from
a fixed list read from the package at start.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from storyline.errors import ConfigError, StoreError
from storyline.store import MemoryStore, SQLiteStore, Store
from storyline.web.snapshot import Snapshot, SnapshotHolder

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_STATIC_NAME = re.compile(r"[a-z0-9_-]+\.(css|js)")
_MEDIA = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
_LOOPBACK_NAMES = ("localhost", "localhost.")


@dataclass(slots=True)
class Context:
    """What every route reads: the store of this thread, the snapshot, the templates."""

    holder: SnapshotHolder
    local_store: Any
    templates: Any

    def store(self) -> Store:
        """The store for the calling thread."""
        return self.local_store()

    def snapshot(self) -> Snapshot:
        """The current snapshot of the store."""
        return self.holder.get()


def _store_opener(store: Store | str | Path) -> tuple[Any, Path | None]:
    """A function giving each thread its store, and the SQLite file (None for memory)."""
    if isinstance(store, MemoryStore):
        return (lambda: store), None
    if isinstance(store, SQLiteStore):
        path = store.path
    elif isinstance(store, Store):
        raise StoreError(f"the web UI cannot read a {type(store).__name__}")
    else:
        path = Path(str(store).removeprefix("sqlite:///"))
    if not path.is_file():
        raise StoreError(f"no store at {path}: run `storyline analyze --db {path} ...` first")
    local = threading.local()

    def opener() -> Store:
        # SQLite connections belong to the thread that made them: one per thread.
        if getattr(local, "store", None) is None:
            local.store = SQLiteStore(path)
        return local.store

    return opener, path


def _templates() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from storyline.web import pages

    env = Environment(
        loader=PackageLoader("storyline.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["safe_url"] = pages.safe_url
    env.filters["ev_link"] = pages.evidence_link
    env.globals["anchor"] = pages.anchor_of
    return env


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every file of the package's static folder, read once: nothing else is served."""
    files: dict[str, tuple[bytes, str]] = {}
    for entry in resources.files("storyline.web").joinpath("static").iterdir():
        name = entry.name
        if _STATIC_NAME.fullmatch(name) and entry.is_file():
            files[name] = (entry.read_bytes(), _MEDIA[name.rsplit(".", 1)[1]])
    return files


def create_app(
    store: Store | str | Path,
    *,
    token: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    refresh_s: float = 1.0,
) -> FastAPI:
    """Build the web app over a store (read only).

    Args:
        store: a SQLite file path (each server thread opens its own
            connection, so the UI keeps reading while another process writes),
            a :class:`SQLiteStore` (reopened by path per thread) or a
            :class:`MemoryStore` (tests).
        token: when set, every route but ``/login`` and ``/static`` needs it, as
            ``Authorization: Bearer TOKEN`` or the ``token`` cookie that
            ``/login?token=TOKEN`` sets.
        allowed_hosts: when set, requests whose ``Host`` header names another
            host are refused (400): a web page cannot reach a loopback server
            through a DNS name rebound to 127.0.0.1.
        refresh_s: the least seconds between two checks for a changed store.

    Returns:
        The FastAPI app; its OpenAPI schema is at ``/openapi.json``.

    Raises:
        StoreError: the file does not exist, or the store kind is not supported.
    """
    opener, path = _store_opener(store)
    ctx = Context(SnapshotHolder(opener, path, refresh_s), opener, _templates())
    app = FastAPI(
        title="storyline",
        summary="Evidence-linked structure of a news story: documents, entities, events.",
        docs_url=None,
        redoc_url=None,
    )
    static = _static_files()
    hosts = None if allowed_hosts is None else {h.lower().strip("[]") for h in allowed_hosts}

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if hosts is not None and _host_of(request) not in hosts:
            response: Response = PlainTextResponse("unknown Host header", status_code=400)
        elif token is not None and not _allowed(request, token):
            response = PlainTextResponse(
                "token required: send 'Authorization: Bearer TOKEN' or open /login?token=TOKEN",
                status_code=401,
            )
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/login", include_in_schema=False)
    def login(request: Request) -> Response:
        given = request.query_params.get("token", "")
        if token is None:
            return RedirectResponse("/", status_code=303)
        if not hmac.compare_digest(given.encode(), token.encode()):
            return PlainTextResponse("wrong token", status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("token", token, httponly=True, samesite="strict")
        return response

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        found = static.get(name)
        if found is None:
            return PlainTextResponse("not found", status_code=404)
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "max-age=300"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # Browsers ask for it on JSON pages too; no icon, and no 404 in their console.
        return Response(status_code=204)

    from storyline.web import api, pages

    api.add_routes(app, ctx)
    pages.add_routes(app, ctx)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return JSONResponse({"detail": f"store error: {exc}"}, status_code=503)

    return app


def _allowed(request: Request, token: str) -> bool:
    path = request.url.path
    if path in ("/login", "/favicon.ico") or path.startswith("/static/"):
        return True
    given = ""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        given = auth[7:].strip()
    elif "token" in request.cookies:
        given = request.cookies["token"]
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _host_of(request: Request) -> str:
    """The host named by the request's Host header, without port or brackets."""
    host = request.headers.get("host", "").lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback(host: str) -> bool:
    """True when ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    db: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None
) -> None:
    """Run the web UI over the store ``db`` with uvicorn until interrupted.

    Raises:
        ConfigError: ``host`` is not a loopback address and no token is given
            (anyone on the network could read the store), or the port is invalid.
        StoreError: no store at ``db``.
    """
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"refusing to serve on {host}: it is reachable from other machines; "
            "pass a token (--token or STORYLINE_TOKEN) or bind to 127.0.0.1"
        )
    if not 0 < port < 65536:
        raise ConfigError(f"bad port {port}: use 1-65535")
    import uvicorn

    # Bound to loopback without a token, only local names may be used to reach it.
    hosts = None if token else ["127.0.0.1", "localhost", "::1", host]
    app = create_app(db, token=token, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
