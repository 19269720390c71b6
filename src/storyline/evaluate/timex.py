"""Time expressions scored on TempEval-3 TimeML (TimeBank, AQUAINT) beside a dateparser baseline.

Data: ``timebank-aquaint/`` (TimeBank 183 and AQUAINT 73 ``.tml`` files). A
document's text is its ``<TEXT>`` element with every tag stripped (offsets
recomputed on that text); its anchor is the creation time
(``<DCT><TIMEX3 functionInDocument="CREATION_TIME" value=...>``); its gold
expressions are the ``<TIMEX3>`` elements inside ``<TEXT>``.

Scores, TempEval-3 style, summed over the documents of a corpus:

- **strict span** P/R/F1: a prediction is right when its offsets equal a gold's;
- **relaxed span** P/R/F1: when it overlaps a gold (each gold matched once,
  largest overlap first);
- **value** P/R/F1: a relaxed match whose TIMEX3 value equals the gold's
  (precision over all predictions, recall over all gold: a missed or spurious
  expression counts against it), and value accuracy over relaxed matches;
- **type** accuracy over relaxed matches.

Two systems on the same documents: ``storyline``
(:func:`storyline.nlp.timex.find_timexes` with the DCT) and ``dateparser``
(``dateparser.search.search_dates`` over the text, ``RELATIVE_BASE`` the DCT,
``PREFER_DATES_FROM="past"``; each hit located in the text in order, typed
DATE and valued at day precision).

Run ``python -m storyline.evaluate.timex [DATASETS_DIR] [--errors CORPUS]``
for Markdown tables (and the mismatches of one corpus). ``DATASETS_DIR``
defaults to ``$STORYLINE_DATASETS`` or ``../shared/datasets``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from storyline.evaluate.harness import datasets_dir
from storyline.evaluate.metrics import PRF

CORPORA = ("TimeBank", "AQUAINT")
AQUAINT_PARTS = ("AQUAINT-dev", "AQUAINT-test")
SYSTEMS = ("storyline", "dateparser")
TIMEBANK_DIR = "timebank-aquaint"


@dataclass(frozen=True, slots=True)
class Mention:
    """A time expression: offsets into the document text, type and TIMEX3 value."""

    start: int
    end: int
    type: str
    value: str | None
    text: str = ""


@dataclass(frozen=True, slots=True)
class TimeMLDoc:
    """One TimeML document: its text (tags stripped), creation time and gold expressions."""

    doc_id: str
    corpus: str
    dct: str | None
    text: str
    gold: tuple[Mention, ...]
    part: str = ""
    """``AQUAINT-dev`` or ``AQUAINT-test`` (see :func:`load_corpus`); empty for TimeBank."""


def read_timeml(source: str, doc_id: str = "", corpus: str = "") -> TimeMLDoc:
    """Parse one TimeML document.

    Args:
        source: the XML text of a ``.tml`` file.
        doc_id: the document's name (default: its ``<DOCID>``).
        corpus: the corpus it belongs to.

    Returns:
        A :class:`TimeMLDoc`; the text is the content of ``<TEXT>`` with tags
        stripped, the gold its non-empty ``<TIMEX3>`` elements.

    Raises:
        ValueError: the document has no ``<TEXT>`` element.

    Example:
        >>> xml = ('<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="2020-01-04" '
        ...        'functionInDocument="CREATION_TIME">x</TIMEX3></DCT><TEXT>Met '
        ...        '<TIMEX3 tid="t1" type="DATE" value="2020-01-03">Friday</TIMEX3>.'
        ...        '</TEXT></TimeML>')
        >>> d = read_timeml(xml)
        >>> d.dct, d.text, d.gold[0].value, d.text[d.gold[0].start:d.gold[0].end]
        ('2020-01-04', 'Met Friday.', '2020-01-03', 'Friday')
    """
    root = ElementTree.fromstring(source)
    text_el = root.find(".//TEXT")
    if text_el is None:
        raise ValueError(f"no <TEXT> element in TimeML document {doc_id!r}")
    dct = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            dct = t.get("value")
            break
    parts: list[str] = []
    gold: list[Mention] = []
    _walk(text_el, parts, gold, top=True)
    docid_el = root.find(".//DOCID")
    name = doc_id
    if not name and docid_el is not None:
        name = (docid_el.text or "").strip()
    return TimeMLDoc(name, corpus, dct, "".join(parts), tuple(gold))


def _walk(el: Any, parts: list[str], gold: list[Mention], *, top: bool = False) -> None:
    """Append ``el``'s text (children included) to ``parts``, recording TIMEX3 offsets."""
    start = sum(len(p) for p in parts)
    if el.text:
        parts.append(el.text)
    for child in el:
        _walk(child, parts, gold)
    end = sum(len(p) for p in parts)
    if el.tag == "TIMEX3" and not top and end > start:
        surface = "".join(parts)[start:end]
        gold.append(Mention(start, end, el.get("type", ""), el.get("value"), surface))
    if el.tail and not top:
        parts.append(el.tail)


def load_corpus(dataset_dir: str | Path) -> list[TimeMLDoc]:
    """Every document of TimeBank then AQUAINT, each sorted by file name.

    Args:
        dataset_dir: the shared datasets folder (holding ``timebank-aquaint/``),
            or the ``timebank-aquaint`` folder itself.

    AQUAINT is cut in two by file order (even positions ``AQUAINT-dev``, odd
    ``AQUAINT-test``): rules were developed on TimeBank, then on AQUAINT-dev;
    AQUAINT-test was never looked at (see ``docs/benchmarks.md``).

    Raises:
        FileNotFoundError: neither corpus folder is there.
    """
    base = Path(dataset_dir)
    root = base / TIMEBANK_DIR if (base / TIMEBANK_DIR).is_dir() else base
    docs = []
    for corpus in CORPORA:
        folder = root / corpus
        for i, path in enumerate(sorted(folder.glob("*.tml")) if folder.is_dir() else ()):
            doc = read_timeml(path.read_text(encoding="utf-8"), path.stem, corpus)
            if corpus == "AQUAINT":
                doc = replace(doc, part=AQUAINT_PARTS[i % 2])
            docs.append(doc)
    if not docs:
        raise FileNotFoundError(
            f"TimeML not found: looked for {root}/TimeBank and {root}/AQUAINT; pass the shared "
            "datasets folder (../shared/datasets) or set STORYLINE_DATASETS"
        )
    return docs


# --- scoring ------------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    """Counts summed over documents; :meth:`scores` turns them into P/R/F1."""

    gold: int = 0
    predicted: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in ("gold", "predicted", "strict", "relaxed", "value", "type"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    def scores(self) -> dict[str, Any]:
        """Strict, relaxed and value P/R/F1, value and type accuracy, and the counts."""

        def prf(hits: int) -> dict[str, float]:
            p = hits / self.predicted if self.predicted else 0.0
            r = hits / self.gold if self.gold else 0.0
            return PRF(p, r).to_dict()

        return {
            "strict": prf(self.strict),
            "relaxed": prf(self.relaxed),
            "value": prf(self.value),
            "value_accuracy": self.value / self.relaxed if self.relaxed else 0.0,
            "type_accuracy": self.type / self.relaxed if self.relaxed else 0.0,
            "gold": self.gold,
            "predicted": self.predicted,
        }


def align(gold: Sequence[Mention], predicted: Sequence[Mention]) -> list[tuple[int, int]]:
    """One-to-one relaxed matches ``(gold index, predicted index)``, largest overlap first.

    Example:
        >>> gold = [Mention(0, 6, "DATE", "x")]
        >>> align(gold, [Mention(4, 9, "DATE", "x"), Mention(0, 3, "DATE", "y")])
        [(0, 1)]
    """
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                pairs.append((-overlap, i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, i, j in sorted(pairs):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return sorted(out)


def score_document(
    gold: Sequence[Mention], predicted: Sequence[Mention], doc_id: str = "", text: str = ""
) -> Counts:
    """Strict, relaxed, value and type counts of one document, with its mismatches.

    Example:
        >>> g = [Mention(0, 6, "DATE", "2020-01-03"), Mention(10, 15, "DURATION", "P2D")]
        >>> p = [Mention(0, 6, "DATE", "2020-01-03"), Mention(10, 12, "DATE", "X")]
        >>> c = score_document(g, p)
        >>> (c.strict, c.relaxed, c.value, c.type)
        (1, 2, 1, 1)
    """
    c = Counts(gold=len(gold), predicted=len(predicted))
    exact = {(p.start, p.end) for p in predicted}
    c.strict = sum(1 for g in gold if (g.start, g.end) in exact)
    matches = align(gold, predicted)
    c.relaxed = len(matches)
    matched_g = {i for i, _ in matches}
    matched_p = {j for _, j in matches}
    for i, j in matches:
        g, p = gold[i], predicted[j]
        c.value += g.value == p.value
        c.type += g.type == p.type
        if g.value != p.value:
            c.errors.append(_error("value", doc_id, text, g, p))
    for i, g in enumerate(gold):
        if i not in matched_g:
            c.errors.append(_error("missed", doc_id, text, g, None))
    for j, p in enumerate(predicted):
        if j not in matched_p:
            c.errors.append(_error("spurious", doc_id, text, None, p))
    return c


def _error(
    kind: str, doc_id: str, text: str, g: Mention | None, p: Mention | None
) -> dict[str, Any]:
    """One mismatch, with 80 characters of text around it."""
    at = g if g is not None else p
    assert at is not None
    context = text[max(0, at.start - 80) : at.end + 80].replace("\n", " ")
    return {
        "kind": kind,
        "doc": doc_id,
        "gold": None if g is None else [g.text, g.type, g.value],
        "predicted": None if p is None else [p.text, p.type, p.value],
        "context": context,
    }


# --- systems ------------------------------------------------------------------

System = Callable[[TimeMLDoc], list[Mention]]


def storyline_system(doc: TimeMLDoc) -> list[Mention]:
    """storyline's time expressions, anchored on the document's creation time."""
    from storyline.nlp.timex import find_timexes

    return [
        Mention(t.start, t.end, t.type, t.value, t.text) for t in find_timexes(doc.text, doc.dct)
    ]


def dateparser_system(doc: TimeMLDoc) -> list[Mention]:
    """The baseline: ``search_dates`` over the whole text, relative to the creation time.

    Every hit is a DATE valued at day precision; hits are located in the text
    in the order dateparser gives them (each searched after the previous one).
    """
    from dateparser.search import search_dates  # slow import: only for the baseline

    base = _dct_datetime(doc.dct)
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    hits = search_dates(doc.text, languages=["en"], settings=settings) or []
    out, pos = [], 0
    for surface, when in hits:
        start = doc.text.find(surface, pos)
        if start < 0:
            continue
        pos = start + len(surface)
        out.append(Mention(start, pos, "DATE", when.strftime("%Y-%m-%d"), surface))
    return out


def _dct_datetime(dct: str | None) -> datetime | None:
    if not dct:
        return None
    try:
        return datetime.fromisoformat(dct[:10])
    except ValueError:
        return None


SYSTEM_FUNCTIONS: dict[str, System] = {
    "storyline": storyline_system,
    "dateparser": dateparser_system,
}


def evaluate(docs: Iterable[TimeMLDoc], system: System) -> dict[str, Counts]:
    """Counts per corpus, per AQUAINT half and overall (key ``"all"``) for one system."""
    by: dict[str, Counts] = {"all": Counts()}
    for doc in docs:
        counts = score_document(doc.gold, system(doc), doc.doc_id, doc.text)
        by.setdefault(doc.corpus, Counts()).add(counts)
        if doc.part:
            by.setdefault(doc.part, Counts()).add(counts)
        by["all"].add(counts)
    return by


def run(
    dataset_dir: str | Path, systems: Sequence[str] = SYSTEMS, *, keep_errors: bool = False
) -> dict[str, Any]:
    """Score every system on TimeBank, AQUAINT and both.

    Args:
        dataset_dir: the shared datasets folder (holding ``timebank-aquaint/``).
        systems: names from :data:`SYSTEM_FUNCTIONS` (default: storyline and the baseline).
        keep_errors: also return every mismatch (``"errors"``: system -> corpus -> list).

    Returns:
        ``{"dataset", "documents", "scores": {system: {corpus: scores}}}``, where
        corpus is ``TimeBank``, ``AQUAINT`` or ``all`` and scores are
        :meth:`Counts.scores`.
    """
    docs = load_corpus(dataset_dir)
    result: dict[str, Any] = {
        "dataset": str(dataset_dir),
        "documents": {c: sum(1 for d in docs if d.corpus == c) for c in CORPORA},
        "scores": {},
    }
    if keep_errors:
        result["errors"] = {}
    for name in systems:
        by = evaluate(docs, SYSTEM_FUNCTIONS[name])
        result["scores"][name] = {corpus: c.scores() for corpus, c in by.items()}
        if keep_errors:
            result["errors"][name] = {corpus: c.errors for corpus, c in by.items()}
    return result


def markdown(result: Mapping[str, Any]) -> str:
    """One Markdown table: each corpus and system with strict, relaxed and value scores."""
    lines = [
        "| corpus | system | gold | predicted | strict P | strict R | strict F1 | relaxed P | "
        "relaxed R | relaxed F1 | value P | value R | value F1 | value acc. | type acc. |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for corpus in (*CORPORA, *AQUAINT_PARTS, "all"):
        for name, by in result["scores"].items():
            s = by.get(corpus)
            if s is None:
                continue
            cells = [
                f"{s[k][m]:.3f}"
                for k in ("strict", "relaxed", "value")
                for m in ("precision", "recall", "f1")
            ]
            lines.append(
                f"| {corpus} | {name} | {s['gold']} | {s['predicted']} | {' | '.join(cells)} | "
                f"{s['value_accuracy']:.3f} | {s['type_accuracy']:.3f} |"
            )
    return "\n".join(lines)


def _print_errors(result: Mapping[str, Any], corpus: str) -> None:
    for e in result["errors"]["storyline"].get(corpus, []):
        print(f"{e['kind']:8} {e['doc']:28} gold={e['gold']} predicted={e['predicted']}")
        print(f"         {e['context']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tables (and with ``--errors CORPUS`` storyline's mismatches); 2 without data."""
    args = list(sys.argv[1:] if argv is None else argv)
    errors_for = None
    if "--errors" in args:
        i = args.index("--errors")
        errors_for = args[i + 1] if i + 1 < len(args) else "all"
        del args[i : i + 2]
    dataset_dir = datasets_dir(args[0] if args else None)
    systems = ("storyline",) if errors_for else SYSTEMS
    try:
        result = run(dataset_dir, systems, keep_errors=errors_for is not None)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if errors_for:
        _print_errors(result, errors_for)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
