"""Derivations: who copied whom, what each copy added or cut.

For every pair of documents that share enough text (see :mod:`reuse`), this
module decides the relation and, where the evidence allows, the direction:

- ``duplicate``: the same text (each side at least 95% shared);
- ``repost``: a whole copy with small edits (80% of the source in it, and 90% of
  it from the source);
- ``expanded``: the derived copy holds most of the source and adds its own text
  (a repost with commentary);
- ``excerpt``: the derived copy is made of the source's text but leaves much out;
- ``partial``: a rewrite that keeps long runs, neither side mostly the other.

Direction evidence, strongest first: a credit line naming the other's outlet,
publication dates, and a reference to the other's URL give a ``known``
direction. Without them, containment asymmetry gives an ``inferred`` one: a copy
that holds all of another text and adds its own is taken as the later one (a
repost with commentary; a trimmed copy of a longer story reads the other way,
which is why the weaker label). When nothing decides, ``direction`` is
``unknown`` and the pair is listed in id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from storyline.corpus.reuse import (
    Alignment,
    ReuseParams,
    Tokens,
    align,
    anchors,
    candidate_pairs,
    ngram_hashes,
    tokenize,
)
from storyline.model import Document

DUPLICATE = 0.95
WHOLE = 0.8
LITTLE_ADDED = 0.9
"""A copy whose text is at least this much the source's added little of its own."""
_CONTAINS = "contains the other text and adds its own"


@dataclass(frozen=True, slots=True)
class Derivation:
    """One reuse relation between two documents, with its evidence."""

    source_id: str
    derived_id: str
    relation: str
    direction: str
    """``known``: credits, dates or links say which is the source; ``inferred``: only
    containment does (the longer text is taken as the later one, which is wrong for a
    trimmed copy); ``unknown``: nothing decides, and the pair is in id order."""
    evidence: tuple[str, ...]
    shared_source: float
    shared_derived: float
    shared_tokens: int
    added: tuple[tuple[int, int], ...]
    """Character ranges of the derived text found only there."""
    removed: tuple[tuple[int, int], ...]
    """Character ranges of the source text the derived copy does not have."""
    jaccard: float | None = None
    """MinHash-estimated Jaccard similarity of the two texts' word 5-grams, when the
    pair was a near-duplicate candidate."""
    exact: bool = False
    """The normalised texts are identical."""

    def to_dict(self, texts: dict[str, str]) -> dict[str, Any]:
        """The export form; ``texts`` maps document ids to their stored text."""

        def ev(doc_id: str, spans: tuple[tuple[int, int], ...]) -> list[dict[str, Any]]:
            text = texts[doc_id]
            return [
                {"document_id": doc_id, "start": a, "end": b, "text": text[a:b]} for a, b in spans
            ]

        return {
            "source_id": self.source_id,
            "derived_id": self.derived_id,
            "relation": self.relation,
            "direction": self.direction,
            "direction_evidence": list(self.evidence),
            "shared_source": round(self.shared_source, 4),
            "shared_derived": round(self.shared_derived, 4),
            "shared_tokens": self.shared_tokens,
            "added": ev(self.derived_id, self.added),
            "removed": ev(self.source_id, self.removed),
            "jaccard": self.jaccard,
            "exact_duplicate": self.exact,
        }


def _spans(evidence: list[dict[str, Any]]) -> tuple[tuple[int, int], ...]:
    return tuple((int(e["start"]), int(e["end"])) for e in evidence)


def derivation_from_dict(d: dict[str, Any]) -> Derivation:
    """Rebuild a :class:`Derivation` from its export form."""
    return Derivation(
        source_id=d["source_id"],
        derived_id=d["derived_id"],
        relation=d["relation"],
        direction=d["direction"],
        evidence=tuple(d["direction_evidence"]),
        shared_source=float(d["shared_source"]),
        shared_derived=float(d["shared_derived"]),
        shared_tokens=int(d["shared_tokens"]),
        added=_spans(d["added"]),
        removed=_spans(d["removed"]),
        jaccard=d.get("jaccard"),
        exact=bool(d.get("exact_duplicate", False)),
    )


def find_derivations(
    docs: Sequence[Document], params: ReuseParams | None = None, *, only: set[str] | None = None
) -> list[Derivation]:
    """All derivations among ``docs``, sorted by (source_id, derived_id).

    Args:
        docs: the documents to compare (pages holding posts should be left out).
        params: reuse settings.
        only: if given, only pairs with at least one document id in it (new documents).
    """
    params = params or ReuseParams()
    docs = sorted(docs, key=lambda d: d.id)
    tokens = [tokenize(d.text) for d in docs]
    doc_anchors = [anchors(ngram_hashes(t, params.ngram), params.sample) for t in tokens]
    out = []
    for i, j in candidate_pairs(doc_anchors, params):
        if only is not None and docs[i].id not in only and docs[j].id not in only:
            continue
        d = derive(docs[i], docs[j], tokens[i], tokens[j], params)
        if d is not None:
            out.append(d)
    return sorted(out, key=lambda d: (d.source_id, d.derived_id))


def derive(
    a: Document, b: Document, ta: Tokens, tb: Tokens, params: ReuseParams
) -> Derivation | None:
    """The derivation between two documents, or None when they share too little."""
    al = align(ta, tb, params)
    smaller = min(len(ta), len(tb)) or 1
    # Few shared words are reuse only when they are nearly all of a short text; and
    # words shared only inside quotation marks are a quoted statement, not a copy.
    if al.shared_unquoted < params.min_shared_tokens and al.shared_unquoted < 0.8 * smaller:
        return None
    if al.shared_tokens < params.min_shared_fraction * smaller:
        return None
    order, evidence = _direction(a, b, al)
    direction = "unknown" if order == "unknown" else "known"
    if evidence == (_CONTAINS,):
        direction = "inferred"
    if order == "ba":
        a, b = b, a
        al = Alignment(
            al.shared_b, al.shared_a, al.shared_tokens, al.only_b, al.only_a, al.shared_unquoted
        )
    # Now a is the source (or the first in id order when the direction is unknown).
    relation = _relation(al.shared_a, al.shared_b)
    return Derivation(
        source_id=a.id,
        derived_id=b.id,
        relation=relation,
        direction=direction,
        evidence=evidence,
        shared_source=round(al.shared_a, 4),
        shared_derived=round(al.shared_b, 4),
        shared_tokens=al.shared_tokens,
        added=al.only_b,
        removed=al.only_a,
    )


def _relation(shared_source: float, shared_derived: float) -> str:
    if shared_source >= DUPLICATE and shared_derived >= DUPLICATE:
        return "duplicate"
    if shared_source >= WHOLE and shared_derived >= LITTLE_ADDED:
        return "repost"
    if shared_source >= WHOLE:
        return "expanded"
    if shared_derived >= WHOLE:
        return "excerpt"
    return "partial"


def _direction(a: Document, b: Document, al: Alignment) -> tuple[str, tuple[str, ...]]:
    """``("ab", evidence)`` when a is the source, ``("ba", ...)``, or ``("unknown", ())``."""
    votes: list[tuple[str, str]] = []
    if (c := _credits(b, a)) is not None:
        votes.append(("ab", c))
    if (c := _credits(a, b)) is not None:
        votes.append(("ba", c))
    if a.published and b.published:
        pa, pb = _comparable(a.published.value, b.published.value)
        if pa < pb:
            votes.append(("ab", f"published {a.published.value} before {b.published.value}"))
        elif pb < pa:
            votes.append(("ba", f"published {b.published.value} before {a.published.value}"))
    if _references(b, a):
        votes.append(("ab", f"links to the source URL {a.url}"))
    if _references(a, b):
        votes.append(("ba", f"links to the source URL {b.url}"))
    sides = {v for v, _ in votes}
    if len(sides) == 1:
        return votes[0][0], tuple(e for _, e in votes)
    if len(sides) > 1:
        # Evidence disagrees: the strongest kind (listed first) wins, and all of it is kept.
        return votes[0][0], tuple(e for _, e in votes) + ("evidence disagrees",)
    # Containment asymmetry: the text that holds all of the other and adds its own
    # is the later one (a repost with commentary).
    if al.shared_b >= LITTLE_ADDED and al.shared_a <= al.shared_b - 0.1:
        return "ba", (_CONTAINS,)
    if al.shared_a >= LITTLE_ADDED and al.shared_b <= al.shared_a - 0.1:
        return "ab", (_CONTAINS,)
    return "unknown", ()


def _comparable(x: str, y: str) -> tuple[str, str]:
    """Cut two ISO dates to their common precision so that they compare fairly."""
    n = min(len(x), len(y), 16)  # minutes at most: zones differ past that
    return x[:n], y[:n]


def _credits(derived: Document, source: Document) -> str | None:
    """Evidence that ``derived`` credits ``source``'s outlet, or None."""
    names = {c.casefold() for c in derived.credited_sources}
    for name in (source.outlet, *(_host(source.url),)):
        if name and name.casefold() in names:
            return f"credits {name}"
    return None


def _references(derived: Document, source: Document) -> bool:
    if not source.url or not derived.url or _host(source.url) == _host(derived.url):
        return False
    return source.url in derived.original_text()


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
