from __future__ import annotations

import gzip

import pytest

from storyline.errors import IngestError
from storyline.ingest.decode import check_size, decode_text, gunzip, looks_binary

TEXT = "Café owners in Münster said the new rules — announced on Monday — came too late.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.encode("utf-16-le"),  # without BOM
        TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
        TEXT.encode("cp1252"),
    ],
)
def test_decodes_common_encodings(data: bytes) -> None:
    assert decode_text(data, "f.txt") == TEXT


def test_crlf_normalised() -> None:
    assert decode_text(b"one\r\ntwo\rthree", "f") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (bytes(range(256)) * 10, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 500, "binary"),
        (b"\xff\xfe" + b"\x00\xd8" * 10, "undecodable"),
    ],
)
def test_bad_input_is_named(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as e:
        decode_text(data, "bad.txt")
    assert e.value.source == "bad.txt"
    assert reason in e.value.reason


def test_looks_binary_accepts_text() -> None:
    assert not looks_binary(TEXT.encode())


def test_size_limit() -> None:
    check_size("f", 10, 10)
    with pytest.raises(IngestError, match="too large"):
        check_size("f", 11, 10)


def test_gunzip_bomb_and_truncation() -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    with pytest.raises(IngestError, match="too large"):
        gunzip(bomb, "bomb.gz", 1_000_000)
    assert gunzip(bomb, "ok.gz", 10_000_000) == b"a" * 5_000_000
    with pytest.raises(IngestError, match="truncated or corrupt"):
        gunzip(bomb[: len(bomb) // 2], "cut.gz", 10_000_000)
