"""Claims and quotes scored on the project's own sentences (``data/claims_quotes.jsonl``).

Each line is a news-style sentence or short snippet written for storyline (fictional
actors; not taken from any article or outside source)::

    {"id", "text", "split": "dev" | "test",
     "numbers": [{"value", "low", "high", "unit", "counted", "owner", "place"}],
     "quotes": [{"kind": "direct" | "indirect", "text", "speaker", "cue"}],
     "note": optional}

``speaker`` is the speaker's full name as the snippet gives it, or null when the text
does not name who speaks: unnamed sources ("officials said", "a ministry spokeswoman
said", "one villager said") are null, because no entity stands behind them. ``cue`` is
the speech word as written ("said", "according to"), null for a bare colon or a
follow-on quote. ``split`` "dev" items were used while writing the rules; "test" items
were held out.

Every snippet is parsed in one ``nlp.pipe`` pass, gets its entity mentions
(:func:`storyline.entities.mentions.mentions_for`), its quotes
(:func:`storyline.quotes.find.quotes_for`) and, when that module is importable, its
claims (``storyline.claims.extract.claims_for``). Scores per split:

- **quotes**: a predicted quote matches a gold one when their word sets overlap by half
  of the longer; ``span`` precision/recall counts matches, and ``kind``/``speaker``/
  ``cue`` count matched pairs that agree on a non-null value (precision over predicted
  non-null values, recall over gold non-null values). A speaker agrees when the words
  of one name are a subset of the other's ("Lindqvist" and "Mara Lindqvist"). A
  predicted speaker with no entity key counts as null (the text does not name it) unless
  it is a proper name as written (``speaker_how`` "named" or "colon").
- **direct-quote speaker accuracy**: over gold direct quotes, the share whose matched
  prediction has the same speaker (null agreeing with null); an unmatched quote is wrong.
- **claims**: a predicted claim matches a gold number with the same value (or the same
  bounds); ``value`` precision/recall counts matches, ``unit``/``counted``/``owner``
  count matched pairs that agree, as for quotes.

Run ``python -m storyline.evaluate.claims_quotes [PATH]`` for Markdown tables.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

DATA_PATH = Path(__file__).with_name("data") / "claims_quotes.jsonl"
QUOTE_FIELDS = ("span", "kind", "speaker", "cue")
CLAIM_FIELDS = ("value", "unit", "counted", "owner")
MATCH_OVERLAP = 0.5
_WORD = re.compile(r"\w+")


def load_items(path: str | Path = DATA_PATH) -> list[dict[str, Any]]:
    """The gold items of a JSONL file, in order."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two speaker names agree: both null, or one's words inside the other's."""
    if a is None or b is None:
        return a is None and b is None
    wa, wb = set(_words(a)), set(_words(b))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    common = sum(min(wa.count(w), wb.count(w)) for w in set(wa))
    return common / max(len(wa), len(wb))


def _pairs(gold: Sequence[Any], pred: Sequence[Any], sim) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best similarity first."""
    cands = sorted(
        ((sim(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for s, gi, pi in cands:
        if s <= 0 or gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def predict(items: Sequence[Mapping[str, Any]], nlp: Any = None) -> list[dict[str, Any]]:
    """The system's quotes (and claims, when available) for each item.

    Returns:
        One ``{"quotes": [...], "claims": [...] | None}`` per item; a quote as
        ``{"kind", "text", "speaker", "cue"}``, a claim as
        ``{"value", "low", "high", "unit", "counted", "owner"}``.
    """
    from storyline.entities.mentions import mentions_for
    from storyline.model import Document
    from storyline.nlp.model import load_nlp
    from storyline.quotes.find import quotes_for

    claims_for = _claims_for()
    nlp = nlp or load_nlp()
    out = []
    texts = [it["text"] for it in items]
    for it, parsed in zip(items, nlp.pipe(texts), strict=True):
        doc = Document(id=it["id"], source="claims_quotes", text=it["text"])
        ms = mentions_for(doc, parsed)
        names: dict[str, str] = {}
        for m in ms:
            if m.kind != "role" and len(m.text) > len(names.get(m.key, "")):
                names[m.key] = m.text
        quotes = []
        for q in quotes_for(doc, parsed, ms):
            speaker = None
            if q.speaker is not None and q.speaker.key:
                speaker = names.get(q.speaker.key, q.speaker.text)
            elif q.speaker is not None and q.speaker_how in ("named", "colon"):
                speaker = q.speaker.text
            cue = q.cue.text if q.cue else None
            quotes.append({"kind": q.kind, "text": q.text, "speaker": speaker, "cue": cue})
        claims = None
        if claims_for is not None:
            from storyline.nlp.timex import find_timexes

            claims = [
                {
                    "value": c.value,
                    "low": c.low,
                    "high": c.high,
                    "unit": c.unit,
                    "counted": c.counted,
                    "owner": c.owner.text if c.owner is not None else None,
                }
                for c in claims_for(doc, parsed, ms, find_timexes(doc.text, None))
            ]
        out.append({"quotes": quotes, "claims": claims})
    return out


def _claims_for():
    """``storyline.claims.extract.claims_for``, or None while it is not written yet."""
    try:
        from storyline.claims.extract import claims_for
    except ImportError:
        return None
    return claims_for


class _Counts:
    """True positives and the predicted and gold totals of one field."""

    def __init__(self) -> None:
        self.tp = self.pred = self.gold = 0

    def add(self, pred_value: Any, gold_value: Any, agree: bool | None) -> None:
        self.pred += pred_value is not None
        self.gold += gold_value is not None
        self.tp += bool(agree) and pred_value is not None and gold_value is not None

    def row(self) -> dict[str, Any]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "pred": self.pred,
                "gold": self.gold}  # fmt: skip


def _number_sim(g: Mapping[str, Any], p: Mapping[str, Any]) -> float:
    def close(a: Any, b: Any) -> bool:
        return (
            a is not None
            and b is not None
            and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))
        )

    if close(g["value"], p["value"]):
        return 1.0
    if (
        g.get("low") is not None
        and close(g["low"], p.get("low"))
        and close(g["high"], p.get("high"))
    ):
        return 1.0
    return 0.0


def _lemma(w: str | None) -> str | None:
    return None if w is None else w.lower().strip().removesuffix("s")


def score_split(items: Sequence[Mapping[str, Any]], preds: Sequence[Mapping[str, Any]]) -> dict:
    """Scores of items against their predictions (see the module docstring)."""
    q = {f: _Counts() for f in QUOTE_FIELDS}
    c = {f: _Counts() for f in CLAIM_FIELDS}
    direct = right = 0
    claims_available = all(p["claims"] is not None for p in preds)
    for it, pr in zip(items, preds, strict=True):
        gold_q, pred_q = it["quotes"], pr["quotes"]
        pairs = _pairs(gold_q, pred_q, lambda g, p: _quote_sim(g, p))
        matched_p = {pi: gi for gi, pi in pairs}
        matched_g = {gi: pi for gi, pi in pairs}
        q["span"].tp += len(pairs)
        q["span"].pred += len(pred_q)
        q["span"].gold += len(gold_q)
        for gi, g in enumerate(gold_q):
            p = pred_q[matched_g[gi]] if gi in matched_g else None
            if g["kind"] == "direct":
                direct += 1
                right += p is not None and same_name(p["speaker"], g["speaker"])
        for f, agree in (("kind", lambda a, b: a == b), ("speaker", same_name),
                         ("cue", lambda a, b: (a or "").lower() == (b or "").lower())):  # fmt: skip
            for gi, g in enumerate(gold_q):
                if gi not in matched_g:
                    q[f].gold += g[f] is not None
            for pi, p in enumerate(pred_q):
                if pi not in matched_p:
                    q[f].pred += p[f] is not None
                    continue
                g = gold_q[matched_p[pi]]
                q[f].add(p[f], g[f], agree(p[f], g[f]))
        if claims_available:
            _score_claims(it["numbers"], pr["claims"], c)
    out: dict[str, Any] = {
        "items": len(items),
        "quotes": {f: q[f].row() for f in QUOTE_FIELDS},
        "direct_speaker_accuracy": right / direct if direct else 0.0,
        "direct_quotes": direct,
        "claims": {f: c[f].row() for f in CLAIM_FIELDS} if claims_available else None,
    }
    return out


def _quote_sim(g: Mapping[str, Any], p: Mapping[str, Any]) -> float:
    s = _overlap(g["text"], p["text"])
    return s if s >= MATCH_OVERLAP else 0.0


def _score_claims(gold: Sequence[Mapping], pred: Sequence[Mapping], c: dict) -> None:
    pairs = _pairs(gold, pred, _number_sim)
    matched_g = {gi: pi for gi, pi in pairs}
    matched_p = {pi: gi for gi, pi in pairs}
    c["value"].tp += len(pairs)
    c["value"].pred += len(pred)
    c["value"].gold += len(gold)
    agree = {
        "unit": lambda a, b: (a or "").lower() == (b or "").lower(),
        "counted": lambda a, b: _lemma(a) == _lemma(b),
        "owner": same_name,
    }
    for f, same in agree.items():
        for gi, g in enumerate(gold):
            if gi not in matched_g:
                c[f].gold += g.get(f) is not None
        for pi, p in enumerate(pred):
            if pi not in matched_p:
                c[f].pred += p.get(f) is not None
                continue
            g = gold[matched_p[pi]]
            c[f].add(p.get(f), g.get(f), same(p.get(f), g.get(f)))


def evaluate(path: str | Path = DATA_PATH, nlp: Any = None) -> dict[str, Any]:
    """Predict and score every item, per split ("dev", "test") and over all."""
    items = load_items(path)
    preds = predict(items, nlp)
    out: dict[str, Any] = {}
    for split in ("dev", "test", "all"):
        pick = [i for i, it in enumerate(items) if split == "all" or it.get("split") == split]
        if pick:
            out[split] = score_split([items[i] for i in pick], [preds[i] for i in pick])
    return out


def _table(rows: Mapping[str, Mapping[str, Any]]) -> Iterable[str]:
    yield "| field | precision | recall | F1 | gold | predicted |"
    yield "|---|---:|---:|---:|---:|---:|"
    for f, r in rows.items():
        yield (
            f"| {f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
            f"| {r['gold']} | {r['pred']} |"
        )


def markdown(result: Mapping[str, Any]) -> str:
    """The scores as Markdown tables, one block per split."""
    lines: list[str] = []
    for split, r in result.items():
        lines += [f"## {split} ({r['items']} items)", "", "### quotes", ""]
        lines += _table(r["quotes"])
        lines += ["", f"Direct-quote speaker accuracy: **{r['direct_speaker_accuracy']:.3f}** "
                      f"({r['direct_quotes']} direct quotes)", "", "### claims", ""]  # fmt: skip
        if r["claims"] is None:
            lines += ["not available (storyline.claims.extract is not importable)"]
        else:
            lines += _table(r["claims"])
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the set (or the JSONL file given as the only argument) and print the tables."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DATA_PATH
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    print(markdown(evaluate(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
