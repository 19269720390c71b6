"""Fast checks of the benchmark helpers; the benchmarks themselves are not run here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.common import (
    DatasetMissing,
    Overlap,
    dataset,
    datasets_root,
    macro,
    markdown_table,
    micro,
    overlap,
    tokens,
)
from bench.ingest_throughput import load_stories, parse_date, parse_reuters, prepare

SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="7">
<DATE> 2-MAR-1987 09:30:12.05</DATE>
<TOPICS><D>grain</D></TOPICS>
<TEXT>&#2;
<TITLE>HARBOUR TOWN &lt;PIER&gt; OPENS NEW GRAIN SILO</TITLE>
<DATELINE>    HARBOUR TOWN, March 2 - </DATELINE><BODY>The port authority opened a new silo
on Monday, it said in a statement.
    Capacity is 40,000 tonnes &amp; more later.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="8">
<DATE>3-MAR-1987 10:00:00.00</DATE>
<TEXT TYPE="BRIEF">&#2;
<TITLE>HEADLINE ONLY</TITLE>
&#3;</TEXT>
</REUTERS>
<REUTERS NEWID="9">
<DATE>garbled</DATE>
<TEXT><BODY>A short body with no title.</BODY></TEXT>
</REUTERS>
"""


# --- token metrics ---------------------------------------------------------------


def test_tokens_are_lowercased_word_bags() -> None:
    assert tokens("The cat, the HAT!") == {"the": 2, "cat": 1, "hat": 1}


@pytest.mark.parametrize(
    ("predicted", "gold", "counts", "prf"),
    [
        ("a b c", "a b c", (3, 3, 3), (1.0, 1.0, 1.0)),
        ("a b", "a b c d", (2, 2, 4), (1.0, 0.5, 2 / 3)),
        ("a a a b", "a b", (2, 4, 2), (0.5, 1.0, 2 / 3)),  # repeats count once per gold copy
        ("", "a b", (0, 0, 2), (0.0, 0.0, 0.0)),  # nothing extracted scores zero
        ("x y", "a b", (0, 2, 2), (0.0, 0.0, 0.0)),
    ],
)
def test_overlap(
    predicted: str, gold: str, counts: tuple[int, int, int], prf: tuple[float, float, float]
) -> None:
    o = overlap(predicted, gold)
    assert (o.common, o.predicted, o.gold) == counts
    assert (o.precision, o.recall, o.f1) == pytest.approx(prf)


def test_macro_averages_pages_and_micro_pools_tokens() -> None:
    small_perfect = Overlap(common=1, predicted=1, gold=1)
    big_half = Overlap(common=50, predicted=100, gold=50)
    assert macro([small_perfect, big_half]) == pytest.approx((0.75, 1.0, (1 + 2 / 3) / 2))
    assert micro([small_perfect, big_half]) == pytest.approx((51 / 101, 1.0, 102 / 152))


def test_markdown_table() -> None:
    table = markdown_table(["a", "b"], [["x", 0.5], ["y", 2]])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x | 0.500 |", "| y | 2 |"]


# --- Reuters SGML ----------------------------------------------------------------


def test_parse_reuters_keeps_stories_with_a_body() -> None:
    stories = list(parse_reuters(SGML))
    assert [s.newid for s in stories] == ["7", "9"]
    first = stories[0]
    assert first.title == "HARBOUR TOWN <PIER> OPENS NEW GRAIN SILO"
    assert first.published == "1987-03-02T09:30:12"
    assert first.body.startswith("The port authority opened a new silo\non Monday")
    assert "40,000 tonnes & more later." in first.body
    assert first.body.endswith("Reuter")  # the control-character marker is gone
    assert stories[1].title == "" and stories[1].published is None


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
        ("  3-MAR-1987  09:15:05.40", "1987-03-03T09:15:05"),
        ("31-FEB-1987 10:00:00.00", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(raw: str | None, iso: str | None) -> None:
    assert parse_date(raw) == iso


def test_load_and_prepare(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "reut2-000.sgm").write_bytes(SGML.replace("silo", "silo caf\xe9").encode("latin-1"))
    stories = load_stories(src, limit=5)
    assert len(stories) == 2 and "café" in stories[0].body
    assert len(load_stories(src, limit=1)) == 1

    corpus = prepare(stories, tmp_path / "work")
    records = [json.loads(line) for line in corpus.jsonl.read_text("utf-8").splitlines()]
    assert [r["outlet"] for r in records] == ["Reuters", "Reuters"]
    assert records[0]["published"] == "1987-03-02T09:30:12"
    assert "published" not in records[1]
    assert len(list(corpus.txt.glob("*.txt"))) == 2
    assert corpus.docs == 2 and corpus.words == sum(len(s.body.split()) for s in stories)


# --- dataset paths ---------------------------------------------------------------


def test_dataset_override_and_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_DATASETS", str(tmp_path))
    (tmp_path / "present").mkdir()
    assert datasets_root() == tmp_path.resolve()
    assert dataset("present") == tmp_path.resolve() / "present"
    with pytest.raises(DatasetMissing, match="STORYLINE_DATASETS"):
        dataset("absent")


def test_real_reuters_file_parses() -> None:
    try:
        root = dataset("reuters21578")
    except DatasetMissing:
        pytest.skip("../shared/datasets is not beside the checkout")
    stories = list(parse_reuters((root / "reut2-000.sgm").read_text(encoding="latin-1")))
    assert len(stories) > 500
    assert all(s.body and "&lt;" not in s.body for s in stories)
    assert sum(s.published is not None for s in stories) == len(stories)
