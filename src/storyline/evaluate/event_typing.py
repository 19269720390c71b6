"""Event typing scored on the project's own sentences (``data/event_typing.jsonl``).

Each line is one news sentence written for storyline (not taken from any sample
article or outside source): ``{"id", "text", "trigger", "type", "actor",
"target", "modality", "split"}``, with ``actor``/``target`` the gold words or
null and ``split`` ``dev`` (used while writing the rules) or ``test`` (held out,
scored at the end).

All sentences are parsed in one ``nlp.pipe`` pass; each goes through
:func:`storyline.entities.mentions.mentions_for` and
:func:`storyline.events.mentions.event_mentions`. The prediction for a sentence
is the event mention whose trigger is the gold trigger (its first whole-word
occurrence), or ``NONE`` when there is none there. Scores per split:

- **type accuracy** per gold type and overall, and the **macro-F1** over the
  types (``NONE`` counts as a wrong type);
- **actor / target accuracy**: the first predicted actor (target) shares a
  content word with the gold one, or both are empty; over sentences whose
  trigger was found;
- **modality accuracy**: over sentences whose trigger was found.

Run ``python -m storyline.evaluate.event_typing [PATH]`` for Markdown tables.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.events.model import PLOVER_TYPES, EventMention

DATA_PATH = Path(__file__).with_name("data") / "event_typing.jsonl"
_STOP = frozenset("the a an its their his her our of and 's ' any both several".split())


@dataclass(frozen=True, slots=True)
class Item:
    """One gold sentence."""

    id: str
    text: str
    trigger: str
    type: str
    actor: str | None
    target: str | None
    modality: str
    split: str = "dev"


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the system said at an item's trigger (``type`` "NONE" when nothing)."""

    type: str
    actor: str | None
    target: str | None
    modality: str | None


def load_items(path: str | Path | None = None) -> list[Item]:
    """Read a JSONL gold file (default: the shipped set).

    Raises:
        ValueError: a line lacks a field, has an unknown type, or its trigger is not in its text.
    """
    items = []
    with Path(path or DATA_PATH).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            d = json.loads(line)
            item = Item(**{k: d.get(k) for k in Item.__slots__ if k in d})
            if item.type not in PLOVER_TYPES or _trigger_offset(item) is None:
                raise ValueError(f"line {n} ({item.id}): bad type or trigger not in text")
            items.append(item)
    return items


def _trigger_offset(item: Item) -> int | None:
    m = re.search(rf"(?<!\w){re.escape(item.trigger)}(?!\w)", item.text)
    return m.start() if m else None


def predict(items: Sequence[Item]) -> list[Prediction]:
    """Run the event layer on every item (one parsing pass) and read off its trigger."""
    from storyline.entities.mentions import mentions_for
    from storyline.events.mentions import event_mentions
    from storyline.model import Document
    from storyline.nlp.model import load_nlp

    nlp = load_nlp()
    out = []
    for item, parsed in zip(items, nlp.pipe(it.text for it in items), strict=True):
        doc = Document(id=item.id, source="event_typing", text=item.text)
        events = event_mentions(doc, parsed, mentions_for(doc, parsed))
        out.append(_at_trigger(events, _trigger_offset(item) or 0))
    return out


def _at_trigger(events: Iterable[EventMention], offset: int) -> Prediction:
    for e in events:
        if e.start == offset:
            return Prediction(
                e.type,
                e.actors[0].text if e.actors else None,
                e.targets[0].text if e.targets else None,
                e.modality,
            )
    return Prediction("NONE", None, None, None)


def same_argument(gold: str | None, predicted: str | None) -> bool:
    """Both empty, or the two share a content word (case-insensitive)."""
    if not gold or not predicted:
        return not gold and not predicted
    words = lambda s: {w for w in re.findall(r"\w+", s.lower()) if w not in _STOP}  # noqa: E731
    return bool(words(gold) & words(predicted))


def score(items: Sequence[Item], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Accuracy per type and overall, macro-F1, actor/target/modality accuracy, per split.

    Returns:
        ``{split: {"n", "type_accuracy", "macro_f1", "actor_accuracy", "target_accuracy",
        "modality_accuracy", "found", "per_type": {type: {"n", "accuracy", "f1"}},
        "errors": [...]}}`` with an ``all`` split over every item.
    """
    result: dict[str, Any] = {}
    splits = sorted({it.split for it in items})
    for split in [*splits, "all"]:
        pairs = [(it, p) for it, p in zip(items, preds, strict=True) if split in ("all", it.split)]
        if pairs:
            result[split] = _score_pairs(pairs)
    return result


def _score_pairs(pairs: Sequence[tuple[Item, Prediction]]) -> dict[str, Any]:
    gold = Counter(it.type for it, _ in pairs)
    predicted = Counter(p.type for _, p in pairs)
    hits = Counter(it.type for it, p in pairs if it.type == p.type)
    per_type = {}
    f1s = []
    for t in PLOVER_TYPES:
        if not gold[t] and not predicted[t]:
            continue
        prec = hits[t] / predicted[t] if predicted[t] else 0.0
        rec = hits[t] / gold[t] if gold[t] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        per_type[t] = {"n": gold[t], "accuracy": rec, "f1": f1}
    found = [(it, p) for it, p in pairs if p.type != "NONE"]
    n_found = len(found) or 1
    return {
        "n": len(pairs),
        "found": len(found),
        "type_accuracy": sum(hits.values()) / len(pairs),
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "actor_accuracy": sum(same_argument(it.actor, p.actor) for it, p in found) / n_found,
        "target_accuracy": sum(same_argument(it.target, p.target) for it, p in found) / n_found,
        "modality_accuracy": sum(it.modality == p.modality for it, p in found) / n_found,
        "per_type": per_type,
        "errors": [
            {"id": it.id, "gold": it.type, "predicted": p.type}
            for it, p in pairs
            if it.type != p.type
        ],
    }


def run(path: str | Path | None = None) -> dict[str, Any]:
    """Load the set, predict, score."""
    items = load_items(path)
    return score(items, predict(items))


def markdown(result: Mapping[str, Any]) -> str:
    """The scores as Markdown tables: a summary per split, then accuracy per type."""
    splits = list(result)
    lines = [
        "| split | n | found | type acc | macro-F1 | actor acc | target acc | modality acc |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in splits:
        r = result[s]
        lines.append(
            f"| {s} | {r['n']} | {r['found']} | {r['type_accuracy']:.3f} | {r['macro_f1']:.3f} "
            f"| {r['actor_accuracy']:.3f} | {r['target_accuracy']:.3f} "
            f"| {r['modality_accuracy']:.3f} |"
        )
    lines += ["", "| type | " + " | ".join(f"{s} acc (n)" for s in splits) + " |"]
    lines.append("|---|" + "---:|" * len(splits))
    for t in PLOVER_TYPES:
        cells = []
        for s in splits:
            pt = result[s]["per_type"].get(t)
            cells.append(f"{pt['accuracy']:.2f} ({pt['n']})" if pt and pt["n"] else "-")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m storyline.evaluate.event_typing [PATH] [--errors]``: print the tables."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_errors = "--errors" in args
    paths = [a for a in args if a != "--errors"]
    result = run(paths[0] if paths else None)
    print(markdown(result))
    if show_errors:
        for s, r in result.items():
            if s != "all":
                for e in r["errors"]:
                    print(f"{s}\t{e['id']}\t{e['gold']}\t{e['predicted']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
