"""Numbers on the project's own news-style sentences: storyline and quantulum3 side by side.

Data: ``evaluate/data/numbers_news.jsonl``, one sentence a line, written for this
project (fictional places and people): ``{"id", "text", "numbers": [{"text", "value",
"low", "high", "unit"}]}``. ``text`` is the gold span as written (hedge, number and
unit: "more than €250,000"); ``unit`` a storyline unit name ("count", "USD",
"percent", "km"...). Conventions: a range's value is its midpoint ("5-10%" -> 7.5);
a hedge keeps the stated number ("nearly 2,000" -> 2000, high 2000, low null); a
vague amount is worth its smallest reading ("dozens" 24, "scores" 40, "hundreds" 200,
"tens of thousands" 20,000); "a dozen" is 12. Years, dates, clock times, ordinals,
phone numbers and names with digits ("F-16", "COVID-19", "Flight 302") are not gold:
a system that extracts them loses precision.

Scoring is the quantulum3-tests scoring of :mod:`storyline.evaluate.numbers` (span
overlap, each gold matched once, value within 1e-6), with precision and recall as well
as F1. Gold and storyline units map through ``UNIT_NAMES`` to quantulum3's names.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

DATA_PATH = Path(__file__).with_name("data") / "numbers_news.jsonl"
NEWS_FILE = DATA_PATH.name

Span = tuple[int, int, float, str]


def load_news(path: str | Path = DATA_PATH) -> list[dict[str, Any]]:
    """The news items of ``path`` (JSON lines)."""
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def news_gold(item: Mapping[str, Any], unit_names: Mapping[str, str]) -> list[Span]:
    """``(start, end, value, unit)`` of each gold number, located in order in the sentence."""
    out, pos = [], 0
    for n in item["numbers"]:
        i = item["text"].find(n["text"], pos)
        if i < 0:
            i = item["text"].find(n["text"])
        if i < 0:
            raise ValueError(f"{item['id']}: {n['text']!r} is not in the sentence")
        pos = i + len(n["text"])
        out.append((i, pos, float(n["value"]), unit_names.get(n["unit"], n["unit"])))
    return out


def match_counts(pairs: Iterable[tuple[list[Span], list[Span]]]) -> dict[str, int]:
    """Counts of predictions, golds, overlapping matches, value hits and value+unit hits."""
    c = {"pred": 0, "gold": 0, "matched": 0, "value": 0, "value+unit": 0}
    for pred, gold in pairs:
        c["pred"] += len(pred)
        c["gold"] += len(gold)
        used: set[int] = set()
        for ps, pe, pv, pu in pred:
            for j, (gs, ge, gv, gu) in enumerate(gold):
                if j in used or not (ps < ge and gs < pe):
                    continue
                used.add(j)
                c["matched"] += 1
                if math.isclose(pv, gv, rel_tol=1e-6, abs_tol=1e-9):
                    c["value"] += 1
                    c["value+unit"] += pu.lower() == gu.lower()
                break
    return c


def prf(hit: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 of ``hit`` correct among ``n_pred`` predicted, ``n_gold`` gold."""
    p = hit / n_pred if n_pred else 0.0
    r = hit / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_news(
    systems: Mapping[str, Callable[[str], list[Span]]],
    unit_names: Mapping[str, str],
    items: list[dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """``{system: {"value": {p, r, f1}, "value+unit": {p, r, f1}, "pred", "gold", "spurious"}}``.

    ``spurious`` counts predictions that overlap no gold span (years, dates, names...).
    """
    items = load_news() if items is None else items
    golds = [news_gold(it, unit_names) for it in items]
    out: dict[str, dict[str, Any]] = {}
    for name, fn in systems.items():
        c = match_counts((fn(it["text"]), g) for it, g in zip(items, golds, strict=True))
        out[name] = {
            "value": prf(c["value"], c["pred"], c["gold"]),
            "value+unit": prf(c["value+unit"], c["pred"], c["gold"]),
            "pred": c["pred"],
            "gold": c["gold"],
            "spurious": c["pred"] - c["matched"],
        }
    return out


def news_markdown(systems: Mapping[str, Mapping[str, Any]]) -> str:
    """A Markdown table of :func:`score_news`'s result."""

    def pct(x: float) -> str:
        return f"{100 * x:.1f}"

    lines = [
        f"{NEWS_FILE} (project-written news sentences)",
        "",
        "| system | value P | value R | value F1 | value+unit P | value+unit R | value+unit F1 "
        "| predicted | gold | spurious |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in systems.items():
        v, vu = s["value"], s["value+unit"]
        cells = [pct(v["p"]), pct(v["r"]), pct(v["f1"]), pct(vu["p"]), pct(vu["r"]), pct(vu["f1"])]
        lines.append(
            f"| {name} | {' | '.join(cells)} | {s['pred']} | {s['gold']} | {s['spurious']} |"
        )
    return "\n".join(lines)
