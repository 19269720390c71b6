"""Filters over the stored sections: what ``storyline events --entity X`` and friends do.

Pure functions over section items (the shapes in ``docs/sections.md``), shared by
the Python API, the CLI and the web UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Item = dict[str, Any]

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def date_key(value: str | None) -> str | None:
    """The calendar part of a TIMEX3 value ("2020-01-08", "2020-01", "2020"), else None.

    >>> date_key("2020-01-03TNI")
    '2020-01-03'
    >>> date_key("PRESENT_REF") is None
    True
    """
    if not value:
        return None
    m = _DATE.match(value)
    return m.group(0) if m else None


def in_range(value: str | None, since: str | None, until: str | None) -> bool:
    """Whether a date lies in ``[since, until]`` (ISO dates, either end open).

    A coarse date overlapping the range counts: "2020-01" is in a range from
    2020-01-15. An unknown date is never in a bounded range.
    """
    if since is None and until is None:
        return True
    key = date_key(value)
    if key is None:
        return False
    if since is not None and key < since[: len(key)]:
        return False
    return not (until is not None and key > until[: len(key)])


def _refs(item: Item, fields: Iterable[str]) -> Iterable[Item]:
    for f in fields:
        v = item.get(f)
        if isinstance(v, dict):
            yield v
        elif isinstance(v, list):
            yield from (x for x in v if isinstance(x, dict))


def names_entity(ref: Item, entity: str) -> bool:
    """Whether an entity reference is ``entity`` (an id, or a name, case-insensitive)."""
    if ref.get("entity_id") == entity:
        return True
    return entity.casefold() in (ref.get("name") or "").casefold()


def filter_events(
    events: Sequence[Item],
    *,
    entity: str | None = None,
    type: str | None = None,
    since: str | None = None,
    until: str | None = None,
    story: str | None = None,
) -> list[Item]:
    """Events involving ``entity`` (actor, target or place), of a PLOVER ``type``,
    dated within ``[since, until]``, in ``story``."""
    out = []
    for e in events:
        if type and e.get("event_type") != type.upper():
            continue
        if story and e.get("story_id") != story:
            continue
        if not in_range((e.get("date") or {}).get("value"), since, until):
            continue
        refs = list(_refs(e, ("actors", "targets", "location")))
        if entity and not any(names_entity(r, entity) for r in refs):
            continue
        out.append(e)
    return out


def filter_timeline(timeline: Sequence[Item], events: Sequence[Item], **filters: Any) -> list[Item]:
    """Timeline entries whose events pass :func:`filter_events` with ``filters``."""
    keep = {e["id"] for e in filter_events(events, **filters)}
    return [t for t in timeline if t["event_id"] in keep]


def story_index(stories: Sequence[Item]) -> dict[str, str]:
    """Document id -> story id."""
    return {d: s["id"] for s in stories for d in s.get("documents", ())}


def _doc_of(item: Item) -> str | None:
    ev = item.get("evidence") or {}
    return ev.get("document_id")


def filter_quotes(
    quotes: Sequence[Item],
    *,
    speaker: str | None = None,
    story: str | None = None,
    story_of: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> list[Item]:
    """Quotes by ``speaker`` (entity id or name; "unknown" for unnamed speakers),
    in ``story``, of ``kind`` (direct or indirect)."""
    out = []
    for q in quotes:
        if kind and q.get("kind") != kind:
            continue
        if story and (story_of or {}).get(_doc_of(q) or "") != story:
            continue
        if speaker:
            ref = q.get("speaker")
            if speaker == "unknown":
                if ref is not None:
                    continue
            elif ref is None or not names_entity(ref, speaker):
                continue
        out.append(q)
    return out


def filter_claims(
    claims: Sequence[Item],
    *,
    counted: str | None = None,
    story: str | None = None,
    story_of: Mapping[str, str] | None = None,
    speaker: str | None = None,
) -> list[Item]:
    """Claims counting ``counted``, in ``story``, asserted by ``speaker``."""
    out = []
    for c in claims:
        if counted and (c.get("counted") or "").casefold() != counted.casefold():
            continue
        if story and (story_of or {}).get(_doc_of(c) or "") != story:
            continue
        if speaker and not (c.get("speaker") and names_entity(c["speaker"], speaker)):
            continue
        out.append(c)
    return out


def filter_conflicts(
    conflicts: Sequence[Item],
    *,
    status: str | None = None,
    counted: str | None = None,
    story: str | None = None,
    story_of: Mapping[str, str] | None = None,
) -> list[Item]:
    """Claim groups with ``status`` (conflict, corroborated, compatible), about
    ``counted``, with a document in ``story``."""
    out = []
    for g in conflicts:
        if status and g.get("status") != status:
            continue
        if counted and (g.get("counted") or "").casefold() != counted.casefold():
            continue
        if story:
            docs = {d for v in g.get("values", ()) for d in v.get("documents", ())}
            if not any((story_of or {}).get(d) == story for d in docs):
                continue
        out.append(g)
    return out
