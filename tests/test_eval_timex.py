"""The TimeML reader, the TempEval-3 style scores, and the evaluation on TimeBank/AQUAINT."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.evaluate import timex as ev
from storyline.evaluate.timex import Counts, Mention, align, read_timeml, score_document

DATASETS = Path(__file__).parent.parent.parent / "shared" / "datasets"

# A tiny TimeML document written for this test: nested tags, a creation time, two gold
# expressions and one empty TIMEX3 (which carries no text and is no gold span).
TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>toy_0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2020-01-04" temporalFunction="false"
 functionInDocument="CREATION_TIME">20200104</TIMEX3></DCT>
<TITLE>ignored</TITLE>
<TEXT>
The ferry <EVENT eid="e1" class="OCCURRENCE">sank</EVENT> on <TIMEX3 tid="t1" type="DATE"
 value="2020-01-03">Friday</TIMEX3>; rescuers searched for <TIMEX3 tid="t2" type="DURATION"
 value="PT12H">twelve hours</TIMEX3>.<TIMEX3 tid="t3" type="DATE" value="2020"/>
</TEXT>
</TimeML>
"""


def test_read_timeml_strips_tags_and_keeps_offsets() -> None:
    doc = read_timeml(TML, corpus="toy")
    assert doc.doc_id == "toy_0001"
    assert doc.dct == "2020-01-04"
    assert doc.text == "\nThe ferry sank on Friday; rescuers searched for twelve hours.\n"
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("Friday", "DATE", "2020-01-03"),
        ("twelve hours", "DURATION", "PT12H"),
    ]
    for g in doc.gold:
        assert doc.text[g.start : g.end] == g.text


def test_read_timeml_without_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="TEXT"):
        read_timeml("<TimeML><DOCID>x</DOCID></TimeML>")


def test_storyline_on_the_toy_document() -> None:
    doc = read_timeml(TML)
    counts = score_document(doc.gold, ev.storyline_system(doc))
    assert (counts.strict, counts.relaxed, counts.value) == (2, 2, 2)


def test_align_is_one_to_one_by_largest_overlap() -> None:
    gold = [Mention(0, 10, "DATE", "a"), Mention(20, 25, "DATE", "b")]
    predicted = [Mention(8, 22, "DATE", "a"), Mention(0, 6, "DATE", "a")]
    # Both predictions overlap the first gold; the larger overlap (6 chars) wins it,
    # and the other prediction takes the second gold.
    assert align(gold, predicted) == [(0, 1), (1, 0)]
    assert align(gold, []) == []


def test_scores_on_toy_cases() -> None:
    gold = [
        Mention(0, 6, "DATE", "2020-01-03"),
        Mention(10, 20, "DURATION", "P2D"),
        Mention(30, 35, "DATE", "2019"),
    ]
    predicted = [
        Mention(0, 6, "DATE", "2020-01-03"),  # strict, value right
        Mention(12, 20, "DURATION", "P3D"),  # relaxed only, value wrong
        Mention(40, 45, "DATE", "2018"),  # spurious
    ]
    c = score_document(gold, predicted, "toy")
    assert (c.gold, c.predicted, c.strict, c.relaxed, c.value, c.type) == (3, 3, 1, 2, 1, 2)
    s = c.scores()
    assert s["strict"]["precision"] == pytest.approx(1 / 3)
    assert s["relaxed"]["recall"] == pytest.approx(2 / 3)
    assert s["value"]["f1"] == pytest.approx(1 / 3)
    assert s["value_accuracy"] == pytest.approx(0.5)
    assert s["type_accuracy"] == pytest.approx(1.0)
    assert sorted(e["kind"] for e in c.errors) == ["missed", "spurious", "value"]
    total = Counts()
    total.add(c)
    total.add(c)
    assert (total.gold, total.value) == (6, 2)
    assert Counts().scores()["value"]["f1"] == 0.0


def test_markdown_has_one_row_per_corpus_and_system() -> None:
    scores = Counts(gold=2, predicted=2, strict=1, relaxed=2, value=1, type=2).scores()
    result = {"scores": {"storyline": {"TimeBank": scores, "all": scores}}}
    lines = ev.markdown(result).splitlines()
    assert lines[0].startswith("| corpus | system |")
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["TimeBank", "all"]


def test_main_without_data_exits_2(tmp_path: Path) -> None:
    assert ev.main([str(tmp_path)]) == 2


@pytest.mark.skipif(not (DATASETS / "timebank-aquaint").is_dir(), reason="no ../shared/datasets")
def test_value_f1_on_timebank_and_aquaint() -> None:
    # storyline only: the dateparser baseline takes longer; `python -m
    # storyline.evaluate.timex` prints both. Numbers in docs/benchmarks.md.
    result = ev.run(DATASETS, ("storyline",))
    assert result["documents"] == {"TimeBank": 183, "AQUAINT": 73}
    scores = result["scores"]["storyline"]
    assert scores["all"]["value"]["f1"] >= 0.80
    assert scores["all"]["relaxed"]["f1"] >= 0.93
    assert scores["TimeBank"]["value"]["f1"] >= 0.81
    assert scores["AQUAINT-test"]["value"]["f1"] >= 0.72
