"""The numbers harness: scoring and the unit map (tiny hand-made cases)."""

from __future__ import annotations

from storyline.evaluate.numbers import UNIT_NAMES, _gold, _score, _storyline, markdown


def test_score_counts_value_and_unit() -> None:
    gold = _gold({"req": "I paid $5 for 3 apples", "res": [
        {"surface": "$5", "value": 5, "unit": "dollar"},
        {"surface": "3", "value": 3, "unit": "dimensionless"}]})  # fmt: skip
    s = _score([(_storyline("I paid $5 for 3 apples"), gold)])
    assert s == {"value": 1.0, "value+unit": 1.0}
    wrong = _score([([(0, 1, 9.0, "dollar")], gold)])
    assert wrong["value"] == 0.0


def test_unit_map_and_markdown() -> None:
    assert UNIT_NAMES["USD"] == "dollar" and UNIT_NAMES["count"] == "dimensionless"
    table = markdown({"f.json": {"storyline": {"value": 0.5, "value+unit": 0.25}}})
    assert "| f.json | storyline | 50.0 | 25.0 |" in table
