"""Claims about the same quantity grouped; conflicts and corroborated figures.

Two claims are about the same quantity when their counted things are in the same
class of ``data/counted.toml`` (or a class and the class it is part of:
"casualties" covers "killed"), their units agree, their owners and places agree
when both are stated (an unstated one is compatible), they are in the same story
(when ``story_of`` is given) and their dates agree to the coarser precision.
A group is a *conflict* when two values cannot both be true (precise values
differ, or ranges do not overlap), *corroborated* when claims from two or more
independent sources (derivation families: a repost and its original are one source)
give the same precise value, else *compatible* (values that can all be true: vague
ranges that overlap, or one figure that only one source gives, however many copies
carry it).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.claims.model import Claim
from storyline.events.model import Arg

__all__ = [
    "ClaimGroup",
    "claim_id",
    "claims_section",
    "conflicts_section",
    "counted_class",
    "group_claims",
]

_DATA = Path(__file__).parent / "data" / "counted.toml"


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims about one quantity and whether their values agree."""

    counted: str
    claims: tuple[Claim, ...]
    status: str


@lru_cache(maxsize=1)
def _classes() -> tuple[dict[str, str], dict[str, str], frozenset[str], frozenset[str]]:
    """Word -> class, class -> the class it lies within, generic classes, all classes."""
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    word = {w: name for name, words in data["classes"].items() for w in words}
    generic = frozenset(data.get("generic", {}).get("classes", ()))
    return word, dict(data.get("within", {})), generic, frozenset(word.values())


@lru_cache(maxsize=65536)
def counted_class(counted: str) -> str:
    """The class name of a counted word ("soldier" -> "troop"); the word itself if none."""
    return _classes()[0].get(counted.lower(), counted.lower())


def _same_thing(a: str, b: str) -> bool:
    within = _classes()[1]
    return a == b or within.get(a) == b or within.get(b) == a


def _generic(cls: str) -> bool:
    """A class that says little on its own ("people"): claims about it are the same
    quantity only when the same verb counts them ("people were evacuated")."""
    return cls in _classes()[2] or cls not in _classes()[3]


def _bounds(c: Claim) -> tuple[float, float]:
    low = c.low if c.low is not None else (0 if c.high is not None else c.value)
    high = c.high if c.high is not None else float("inf")
    return float(low), float(high)


def _precise(c: Claim) -> bool:
    return not c.approximate and c.low is not None and c.low == c.high


def _compatible_dates(a: Claim, b: Claim) -> bool:
    if a.date is None or b.date is None:
        return True
    n = min(len(a.date), len(b.date), 10)
    return a.date[:n] == b.date[:n]


def _same_arg(
    a: Arg | None,
    a_doc: str,
    b: Arg | None,
    b_doc: str,
    entity_of: Mapping[tuple[str, int, int], str] | None,
) -> bool:
    """Whether two owners (or places) may be the same: either unknown, the same canonical
    entity, or, where one is no entity (a country adjective), the same key."""
    if a is None or b is None:
        return True
    ea, eb = (
        entity_of.get((d, x.start, x.end)) if entity_of is not None else None
        for d, x in ((a_doc, a), (b_doc, b))
    )
    if ea is not None and eb is not None:
        return ea == eb
    if a.key and b.key:
        return a.key == b.key
    return (ea or a.key or a.text.lower()) == (eb or b.key or b.text.lower())


def group_claims(
    claims: Sequence[Claim],
    *,
    entity_of: Mapping[tuple[str, int, int], str] | None = None,
    family_of: Mapping[str, str] | None = None,
    story_of: Mapping[str, str] | None = None,
) -> list[ClaimGroup]:
    """Group claims about the same quantity; groups of two or more claims, in text order.

    Args:
        claims: claims of any documents.
        entity_of: ``(doc_id, start, end)`` of a span -> canonical entity id.
        family_of: doc id -> derivation family; a figure is corroborated only by two
            families (without it, each document is its own source).
        story_of: doc id -> story id; claims of different stories never group.

    Returns:
        :class:`ClaimGroup` items, each with its status.
    """
    groups: list[list[Claim]] = []
    # Only groups with the same top class, unit and story can take a claim: look at those
    # (in creation order, so the result is the one a scan over every group would give).
    buckets: dict[tuple[str, str, str | None], list[list[Claim]]] = {}
    within = _classes()[1]
    for c in sorted(claims, key=lambda c: (c.doc_id, c.start)):
        if not c.counted:
            continue
        cls = counted_class(c.counted)
        story = story_of.get(c.doc_id) if story_of is not None else None
        bucket = buckets.setdefault((within.get(cls, cls), c.unit, story), [])
        for g in bucket:
            first = g[0]
            if not _same_thing(counted_class(first.counted), cls) or first.unit != c.unit:
                continue
            if story_of is not None and story_of.get(first.doc_id) != story_of.get(c.doc_id):
                continue
            if _generic(cls) and not (c.predicate and c.predicate == first.predicate):
                continue
            if not all(_compatible_dates(o, c) for o in g):
                continue
            ok = all(
                _same_arg(getattr(c, attr), c.doc_id, getattr(o, attr), o.doc_id, entity_of)
                for attr in ("owner", "place")
                for o in g
            )
            if ok:
                g.append(c)
                break
        else:
            groups.append([c])
            bucket.append(groups[-1])
    out = []
    for g in groups:
        if len(g) < 2:
            continue
        out.append(ClaimGroup(counted_class(g[0].counted), tuple(g), _status(g, family_of)))
    return out


def _status(g: Sequence[Claim], family_of: Mapping[str, str] | None = None) -> str:
    for i, a in enumerate(g):
        for b in g[i + 1 :]:
            if _precise(a) and _precise(b) and a.value != b.value:
                return "conflict"
            la, ha = _bounds(a)
            lb, hb = _bounds(b)
            if ha < lb or hb < la:
                return "conflict"
    precise = [c for c in g if _precise(c)]
    sources = {(family_of or {}).get(c.doc_id, c.doc_id) for c in precise}
    if len({c.value for c in precise}) == 1 and len(sources) >= 2:
        return "corroborated"
    return "compatible"


def _evidence(texts: Mapping[str, str], doc_id: str, start: int, end: int) -> dict[str, Any]:
    return {"document_id": doc_id, "start": start, "end": end, "text": texts[doc_id][start:end]}


def claim_id(c: Claim) -> str:
    """``clm_`` + 16 hex digits of a hash of the claim's document, span and value."""
    raw = f"{c.doc_id}\x1f{c.start}\x1f{c.end}\x1f{c.value}\x1f{c.counted}"
    return "clm_" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _ref(
    texts: Mapping[str, str],
    doc_id: str,
    arg: Arg | None,
    entity_of: Mapping[tuple[str, int, int], str] | None,
    entity_names: Mapping[str, str] | None,
) -> dict[str, Any] | None:
    if arg is None:
        return None
    ev = _evidence(texts, doc_id, arg.start, arg.end)
    ent = (entity_of or {}).get((doc_id, arg.start, arg.end))
    return {
        "entity_id": ent,
        "name": (entity_names or {}).get(ent or "", ev["text"]),
        "evidence": ev,
    }


def claims_section(
    claims: Sequence[Claim],
    texts: Mapping[str, str],
    entity_of: Mapping[tuple[str, int, int], str] | None = None,
    entity_names: Mapping[str, str] | None = None,
    event_of: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The ``claims`` section (docs/sections.md): one item per claim.

    ``entity_of`` maps a span to its canonical entity id, ``entity_names`` an entity id
    to its name, ``event_of`` a claim id to its event id.
    """
    out = []
    for c in claims:
        cid = claim_id(c)
        out.append({
            "id": cid, "value": c.value, "low": c.low, "high": c.high,
            "approximate": c.approximate, "hedge": c.hedge, "unit": c.unit, "counted": c.counted,
            "owner": _ref(texts, c.doc_id, c.owner, entity_of, entity_names),
            "place": _ref(texts, c.doc_id, c.place, entity_of, entity_names),
            "date": {"value": c.date, "precision": c.date_precision, "source": c.date_source,
                     "evidence": None},
            "modality": c.modality,
            "speaker": _ref(texts, c.doc_id, c.speaker, entity_of, entity_names),
            "event_id": (event_of or {}).get(cid),
            "evidence": _evidence(texts, c.doc_id, c.start, c.end),
            "sentence": _evidence(texts, c.doc_id, c.sentence_start, c.sentence_end),
        })  # fmt: skip
    return out


def conflicts_section(
    groups: Sequence[ClaimGroup],
    texts: Mapping[str, str],
    family_of: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The ``conflicts`` section (docs/sections.md): one item per group, values with sources."""
    out = []
    for g in groups:
        values: dict[tuple[Any, Any, Any, bool], list[Claim]] = {}
        for c in g.claims:
            values.setdefault((c.value, c.low, c.high, c.approximate), []).append(c)
        items = []
        for (value, low, high, approx), cs in values.items():
            docs = sorted({c.doc_id for c in cs})
            families = {(family_of or {}).get(d, d) for d in docs}
            items.append({
                "value": value, "low": low, "high": high, "approximate": approx,
                "claims": [claim_id(c) for c in cs], "documents": docs,
                "independent_sources": len(families),
                "evidence": [_evidence(texts, c.doc_id, c.start, c.end) for c in cs],
            })  # fmt: skip
        ids = "\x1f".join(sorted(claim_id(c) for c in g.claims))
        owner = next((c.owner.text for c in g.claims if c.owner is not None), None)
        out.append({
            "id": "cfl_" + hashlib.sha256(ids.encode("utf-8")).hexdigest()[:16],
            "counted": g.counted, "owner": owner, "event_id": None,
            "status": g.status, "values": items,
        })  # fmt: skip
    return out
