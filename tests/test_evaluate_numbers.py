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


def test_news_set_loads_and_scores() -> None:
    from storyline.evaluate.numbers import UNIT_NAMES as units
    from storyline.evaluate.numbers import run_news
    from storyline.evaluate.numbers_news import NEWS_FILE, load_news, news_gold, news_markdown

    items = load_news()
    assert len(items) >= 70 and len({it["id"] for it in items}) == len(items)
    for it in items:
        for n in it["numbers"]:
            assert n["text"] in it["text"], (it["id"], n["text"])
            assert isinstance(n["value"], int | float) and isinstance(n["unit"], str)
        assert len(news_gold(it, units)) == len(it["numbers"])
    result = run_news()
    assert set(result) == {"storyline", "quantulum3"}
    for s in result.values():
        assert s["gold"] == sum(len(it["numbers"]) for it in items)
        assert 0.0 <= s["value+unit"]["f1"] <= s["value"]["f1"] <= 1.0
    assert NEWS_FILE in news_markdown(result)
