"""Numbers scored on quantulum3's English test cases, with quantulum3 as the baseline.

Data: ``quantulum3-tests/quantities.json`` and ``quantities.ambiguity.json``. Each
gold quantity has a ``surface`` (located in the sentence, in order) and a value and
unit. A prediction matches a gold when their spans overlap (each gold matched once).

- **value** P/R/F1: a match whose value equals the gold's (relative tolerance 1e-6;
  a range's midpoint counts);
- **value+unit** P/R/F1: and whose unit maps to the gold unit name. storyline's
  units map through :data:`UNIT_NAMES` ("count" -> "dimensionless", "USD" ->
  "dollar", "km" -> "kilometre"...); quantulum3's unit names are used as they are.

The project's own news-style sentences (``evaluate/data/numbers_news.jsonl``, see
:mod:`storyline.evaluate.numbers_news`) are scored too, both systems side by side,
with precision, recall and F1, in a table of their own.

Run ``python -m storyline.evaluate.numbers [DATASETS_DIR]`` for Markdown tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from storyline.evaluate.harness import harness_main
from storyline.evaluate.numbers_news import (
    NEWS_FILE,
    match_counts,
    news_markdown,
    prf,
    score_news,
)

UNIT_NAMES = {
    "count": "dimensionless", "USD": "dollar", "EUR": "euro", "GBP": "pound sterling",
    "JPY": "japanese yen", "percent": "percentage", "km": "kilometre", "mile": "mile",
    "m": "metre", "cm": "centimetre", "mm": "millimetre", "kg": "kilogram", "tonne": "tonne",
    "lb": "pound-mass", "mg": "milligram", "g": "gram", "litre": "litre", "gallon": "gallon",
    "km2": "square kilometre", "sq mi": "square mile", "inch": "inch", "foot": "foot",
    "celsius": "degree Celsius", "fahrenheit": "degree fahrenheit", "km/h": "kilometre per hour",
    "year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour",
    "minute": "minute", "AUD": "australian dollar", "CAD": "canadian dollar",
    "hectare": "hectare", "acre": "acre", "barrel": "barrel", "mph": "mile per hour",
    "MW": "megawatt", "GW": "gigawatt",
}  # fmt: skip
"""storyline unit codes -> quantulum3 unit names."""


def _storyline(text: str) -> list[tuple[int, int, float, str]]:
    from storyline.claims.numbers import find_numbers

    return [
        (n.start, n.end, float(n.value), UNIT_NAMES.get(n.unit, n.unit)) for n in find_numbers(text)
    ]


def _quantulum(text: str) -> list[tuple[int, int, float, str]]:
    from quantulum3 import classifier, parser

    # The shipped classifier pickle does not load with this scikit-learn: quantulum3
    # runs with its rule-based disambiguation (USE_CLF off), as when sklearn is absent.
    classifier.USE_CLF = False
    found = parser.parse(text)
    return [(q.span[0], q.span[1], float(q.value), q.unit.name) for q in found]


def _gold(item: Mapping[str, Any]) -> list[tuple[int, int, float, str]]:
    out, pos = [], 0
    for r in item["res"]:
        i = item["req"].find(r["surface"], pos)
        if i < 0:
            i = item["req"].find(r["surface"])
        if i < 0:
            continue
        pos = i + len(r["surface"])
        out.append((i, pos, float(r["value"]), r["unit"]))
    return out


def _score(pairs: list[tuple[list, list]]) -> dict[str, float]:
    c = match_counts(pairs)
    return {name: prf(c[name], c["pred"], c["gold"])["f1"] for name in ("value", "value+unit")}


SYSTEMS = {"storyline": _storyline, "quantulum3": _quantulum}


def run_news() -> dict[str, dict[str, Any]]:
    """Both systems on the project's news sentences (see :func:`score_news`)."""
    return score_news(SYSTEMS, UNIT_NAMES)


def run(datasets: Path) -> dict[str, dict[str, Any]]:
    """F1 of each system on each file: ``{file: {system: {"value": f1, "value+unit": f1}}}``.

    The news set's entry (key :data:`NEWS_FILE`) holds precision and recall as well:
    ``{system: {"value": {"p", "r", "f1"}, "value+unit": {...}, "pred", "gold", "spurious"}}``.
    """
    base = datasets / "quantulum3-tests"
    result: dict[str, dict[str, Any]] = {}
    for name in ("quantities.json", "quantities.ambiguity.json"):
        items = json.loads((base / name).read_text(encoding="utf-8"))
        result[name] = {}
        for system, fn in SYSTEMS.items():
            result[name][system] = _score([(fn(it["req"]), _gold(it)) for it in items])
    result[NEWS_FILE] = run_news()
    return result


def markdown(result: Mapping[str, Any]) -> str:
    """Markdown tables of :func:`run`'s result: quantulum3-tests files, then the news set."""
    lines = ["| file | system | value F1 | value+unit F1 |", "| --- | --- | --- | --- |"]
    for name, systems in result.items():
        if name == NEWS_FILE:
            continue
        for system, s in systems.items():
            lines.append(
                f"| {name} | {system} | {100 * s['value']:.1f} | {100 * s['value+unit']:.1f} |"
            )
    if NEWS_FILE in result:
        lines += ["", news_markdown(result[NEWS_FILE])]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(harness_main(run, markdown))
