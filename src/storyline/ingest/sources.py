"""Inputs: paths, folders (walked recursively, in sorted order) and URLs."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.decode import check_size
from storyline.ingest.fetch import is_url
from storyline.model import Failure


@dataclass(frozen=True, slots=True)
class Input:
    """One thing to read: a file (``path``) or a URL (``url``)."""

    source: str
    path: Path | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    """An input's bytes, the name to guess its format from, and a content digest."""

    input: Input
    name: str
    data: bytes
    url: str | None
    charset: str | None = None
    """The charset an HTTP server declared, if any."""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def iter_inputs(
    targets: Sequence[str | Path], config: Config, *, exclude: Collection[Path] = ()
) -> Iterator[Input | Failure]:
    """Expand paths, folders and URLs into inputs, in a deterministic order.

    Folders are walked recursively in sorted order; hidden files and folders are
    skipped (``ingest.skip_hidden``) and symlinks are not followed
    (``ingest.follow_symlinks``). Files in ``exclude`` (the store's own files) are
    skipped in folder walks. A target that does not exist yields a Failure.
    """
    skip = {p.resolve() for p in exclude}
    for target in targets:
        t = str(target)
        if is_url(t):
            yield Input(source=t, url=t)
            continue
        path = Path(t)
        if path.is_dir():
            yield from (i for i in _walk(path, config) if i.path and i.path.resolve() not in skip)
        elif path.is_file():
            yield Input(source=_printable(path), path=path)
        elif path.exists():
            yield Failure(t, "not a regular file")
        else:
            yield Failure(t, "no such file or directory")


def _printable(path: Path) -> str:
    """A path as text that can be stored: undecodable bytes in file names become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _walk(root: Path, config: Config) -> Iterator[Input | Failure]:
    follow = config.ingest.follow_symlinks
    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow):
        dirnames[:] = sorted(
            d for d in dirnames if not (config.ingest.skip_hidden and d.startswith("."))
        )
        for name in sorted(filenames):
            if config.ingest.skip_hidden and name.startswith("."):
                continue
            p = Path(dirpath) / name
            if p.is_symlink() and not follow:
                continue
            if p.is_file():
                yield Input(source=_printable(p), path=p)


def load(inp: Input, config: Config) -> Loaded:
    """Read an input's bytes (or fetch its URL), within the size limits.

    Raises:
        IngestError: unreadable, too large, or the fetch failed.
    """
    if inp.url is not None:
        from storyline.ingest.fetch import fetch_url

        got = fetch_url(inp.url, config.fetch)
        return Loaded(inp, got.name, got.data, got.url, _charset(got.content_type))
    assert inp.path is not None
    try:
        check_size(inp.source, inp.path.stat().st_size, config.ingest.max_bytes)
        with inp.path.open("rb") as fh:
            data = fh.read(config.ingest.max_bytes + 1)
    except PermissionError:
        raise IngestError(inp.source, "permission denied") from None
    except OSError as e:
        raise IngestError(inp.source, f"cannot read: {e.strerror or e}") from None
    check_size(inp.source, len(data), config.ingest.max_bytes)
    return Loaded(inp, inp.path.name, data, None)


def _charset(content_type: str) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if it names a known codec."""
    import codecs

    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip("\"'")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None
