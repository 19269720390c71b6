"""Merge event mentions across sentences and documents into events.

Mentions of one real event (in one story, when stories are given) become one
:class:`Event` with every mention kept. Merging runs in two steps (``method``
"pairs", the default):

1. **Rules.** Within a scope, mentions whose trigger lemmas are the same or in one
   lemma family (``data/lemma_families.toml``: "attack"/"assault"/"strike",
   "kill"/"death"/"die") form groups, each mention joining the first group where
   nothing says otherwise: two different PLOVER types (neither empty nor OTHER),
   two different resolved locations, or two sentence dates naming different
   calendar days keep apart (a bare weekday names no calendar day). With
   ``require_shared_args``, mentions that both name actors (or targets) must
   share one. ``method="rules"`` stops here.
2. **Pairs.** A logistic pair model (:mod:`storyline.events.merge_pairs`:
   lemma evidence, shared participants, conflicts, sentence context, position,
   lemma salience; trained on ECB+ train) scores mention pairs: every pair of a
   story, or without stories the pairs sharing a family or a document; groups
   then merge by average linkage above ``threshold``, never across a place or
   day conflict: groups of unrelated lemmas join when their sentences and
   participants agree.

Arguments are compared by entity: an :class:`~storyline.events.model.Arg` resolves to
the canonical entity of an entity mention inside or overlapping its span
(``entity_of``), else its ``key``, else its lowercased text. Mentions are ordered
by (story, document, offset) before anything is decided, so the output is
deterministic and independent of the input order.

Example:
    >>> from storyline.events.model import EventMention
    >>> a = EventMention("d1", 0, 8, "attacked", "attack", "ASSAULT", 0, 30)
    >>> b = EventMention("d2", 4, 10, "strike", "strike", "ASSAULT", 0, 40)
    >>> [len(e.mentions) for e in merge_events([a, b])]
    [2]
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storyline.events.merge_pairs import (
    MentionInfo,
    average_linkage,
    context_words,
    load_weights,
    pair_features,
    probability,
)
from storyline.events.model import Arg, EventMention

__all__ = [
    "Event",
    "MergeParams",
    "lemma_family",
    "load_families",
    "mention_key",
    "merge_events",
    "scoped_infos",
]

FAMILIES_PATH = Path(__file__).parent / "data" / "lemma_families.toml"
_DAY_PRECISIONS = frozenset({"day", "part_of_day", "hour", "minute", "second"})
_CALENDAR_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_UNTYPED = frozenset({"", "OTHER"})

EntityIndex = Mapping[tuple[str, int, int], str]


@dataclass(frozen=True, slots=True)
class MergeParams:
    """The knobs of event merging.

    Attributes:
        families: use lemma families (else only identical lemmas merge).
        families_path: a lemma-family TOML; empty for the shipped one.
        check_types: different PLOVER types keep apart.
        check_locations: different locations keep apart.
        check_dates: different day-precise sentence dates keep apart.
        require_shared_args: ``rules`` only: mentions that both name actors (or
            targets) must share one.
        method: ``pairs`` (the pair model and average linkage) or ``rules``
            (first fit within a lemma family).
        seed_families: ``pairs`` starts from the ``rules`` groups (one per lemma
            family, conflicts apart) and only merges groups.
        threshold: the lowest average pair probability at which two groups merge
            (``pairs``; tuned on ECB+ train).
        weights_path: the pair model's weights; empty for the shipped ones.
    """

    families: bool = True
    families_path: str = ""
    check_types: bool = True
    check_locations: bool = True
    check_dates: bool = True
    require_shared_args: bool = False
    method: str = "pairs"
    seed_families: bool = True
    threshold: float = 0.5
    weights_path: str = ""


DEFAULT_PARAMS = MergeParams()


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event and every mention that reports it.

    Attributes:
        id: ``evt_`` + 16 hex digits of a hash of its sorted mention keys.
        type: the majority type of its mentions (ties: the first in sorted order).
        mentions: sorted by (document, start, end).
        documents: the ids of its documents, sorted.
        story_id: the story its mentions belong to, when stories were given.
    """

    id: str
    type: str
    mentions: tuple[EventMention, ...]
    documents: tuple[str, ...]
    story_id: str | None = None


def mention_key(m: EventMention) -> tuple[str, int, int]:
    """The identity of a mention within a corpus: ``(doc_id, start, end)``."""
    return (m.doc_id, m.start, m.end)


@lru_cache(maxsize=4)
def load_families(path: str = "") -> dict[str, str]:
    """Lemma -> family name, from ``path`` (default: the shipped ``lemma_families.toml``).

    Raises:
        ValueError: a lemma is listed in two families.
    """
    with Path(path or FAMILIES_PATH).open("rb") as f:
        data = tomllib.load(f)
    out: dict[str, str] = {}
    for name, lemmas in sorted(data.get("families", {}).items()):
        for lemma in lemmas:
            low = str(lemma).lower()
            if low in out and out[low] != name:
                raise ValueError(f"lemma {low!r} is in families {out[low]!r} and {name!r}")
            out[low] = name
    return out


def lemma_family(lemma: str, params: MergeParams = DEFAULT_PARAMS) -> str:
    """The family of a lemma ("assault" -> "attack"), or the lemma itself."""
    low = lemma.lower()
    if not params.families:
        return low
    return load_families(params.families_path).get(low, low)


class _Resolver:
    """Resolve arguments to entity ids through the entity mentions of their document."""

    def __init__(self, entity_of: EntityIndex | None) -> None:
        self._by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for (doc, start, end), ent in sorted((entity_of or {}).items()):
            self._by_doc[doc].append((start, end, ent))
        self._starts = {d: [s for s, _, _ in spans] for d, spans in self._by_doc.items()}

    def __call__(self, doc_id: str, arg: Arg) -> str:
        spans = self._by_doc.get(doc_id)
        if spans:
            # Entity mentions overlapping the span; the one starting last before its end wins.
            i = bisect_right(self._starts[doc_id], arg.end - 1)
            for start, end, ent in reversed(spans[max(0, i - 8) : i]):
                if start < arg.end and arg.start < end:
                    return ent
        return arg.key or arg.text.lower()


@dataclass(slots=True)
class _Cluster:
    members: list[EventMention]
    types: set[str]
    locations: set[str]
    days: set[str]
    actors: set[str]
    targets: set[str]


def _day(m: EventMention) -> str | None:
    """The calendar day a sentence date names ("2020-01-04"), or None (a bare weekday too)."""
    if m.date_source != "sentence" or not m.date or m.date_precision not in _DAY_PRECISIONS:
        return None
    return m.date[:10] if _CALENDAR_DAY.match(m.date) else None


def _fits(c: _Cluster, m: EventMention, feats: tuple, params: MergeParams) -> bool:
    typ, loc, day, actors, targets = feats
    if params.check_types and typ not in _UNTYPED and c.types - {typ}:
        return False
    if params.check_locations and loc is not None and c.locations - {loc}:
        return False
    if params.check_dates and day is not None and c.days - {day}:
        return False
    if params.require_shared_args:
        if actors and c.actors and not actors & c.actors:
            return False
        if targets and c.targets and not targets & c.targets:
            return False
    return True


def merge_events(
    mentions: Sequence[EventMention],
    *,
    story_of: Mapping[str, str] | None = None,
    entity_of: EntityIndex | None = None,
    params: MergeParams | None = None,
    texts: Mapping[str, str] | None = None,
) -> list[Event]:
    """Group event mentions into events.

    Args:
        mentions: event mentions of any number of documents (duplicates count once).
        story_of: document id -> story id; mentions merge only within a story.
            Documents missing from it form a story of their own.
        entity_of: ``(doc_id, start, end)`` of an entity mention -> its canonical
            entity id (how arguments are compared across documents).
        params: the merging knobs.
        texts: document id -> ``Document.text``, for the sentence context the pair
            model compares (without it, context counts as nothing shared).

    Returns:
        Events sorted by their first mention (document, offset), each holding its
        mentions sorted by (document, start, end).

    Raises:
        ValueError: unknown ``params.method``.
    """
    params = params or DEFAULT_PARAMS
    if params.method not in ("pairs", "rules"):
        raise ValueError(f"unknown merge method {params.method!r}; use 'pairs' or 'rules'")
    events: list[Event] = []
    for scope, infos in scoped_infos(mentions, story_of, entity_of, params, texts).items():
        story = scope if story_of is not None and not scope.startswith("doc:") else None
        if params.method == "rules":
            groups = _first_fit(infos, params)
        else:
            groups = _linkage(infos, params, all_pairs=story_of is not None)
        events.extend(_event([infos[i].mention for i in g], story) for g in groups)
    return sorted(events, key=lambda e: (mention_key(e.mentions[0]), e.id))


def scoped_infos(
    mentions: Sequence[EventMention],
    story_of: Mapping[str, str] | None = None,
    entity_of: EntityIndex | None = None,
    params: MergeParams | None = None,
    texts: Mapping[str, str] | None = None,
) -> dict[str, list[MentionInfo]]:
    """The mentions of each merging scope (story, or "" for all) with what pairs compare.

    Scopes come sorted, their mentions sorted by (document, start, end); duplicates
    count once. The arguments are those of :func:`merge_events`.
    """
    params = params or DEFAULT_PARAMS
    resolve = _Resolver(entity_of)
    unique = sorted(set(mentions), key=lambda m: (mention_key(m), m.lemma, m.type))
    scopes: dict[str, list[EventMention]] = defaultdict(list)
    for m in unique:
        scopes[story_of.get(m.doc_id, f"doc:{m.doc_id}") if story_of is not None else ""].append(m)
    return {
        scope: _infos(members, resolve, params, texts) for scope, members in sorted(scopes.items())
    }


def _infos(
    members: Sequence[EventMention],
    resolve: _Resolver,
    params: MergeParams,
    texts: Mapping[str, str] | None,
) -> list[MentionInfo]:
    docs_of: dict[str, set[str]] = defaultdict(set)
    for m in members:
        docs_of[lemma_family(m.lemma, params)].add(m.doc_id)
    n_docs = len({m.doc_id for m in members})
    out = []
    for m in members:
        family = lemma_family(m.lemma, params)
        text = texts.get(m.doc_id) if texts is not None else None
        out.append(
            MentionInfo(
                mention=m,
                family=family,
                location=resolve(m.doc_id, m.location) if m.location is not None else None,
                day=_day(m) if params.check_dates else None,
                actors=frozenset(resolve(m.doc_id, a) for a in m.actors),
                targets=frozenset(resolve(m.doc_id, a) for a in m.targets),
                words=context_words(text[m.sentence_start : m.sentence_end])
                if text
                else frozenset(),
                salience=len(docs_of[family]) / n_docs,
            )
        )
    return out


def _linkage(
    infos: Sequence[MentionInfo], params: MergeParams, *, all_pairs: bool
) -> list[list[int]]:
    """Average linkage over the pair model's probabilities (candidates: see the module doc)."""
    weights = load_weights(params.weights_path)
    scores: dict[tuple[int, int], float] = {}
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, info in enumerate(infos):
        by_key[f"f:{info.family}"].append(i)
        by_key[f"d:{info.mention.doc_id}"].append(i)
    if all_pairs:
        pairs = ((i, j) for i in range(len(infos)) for j in range(i + 1, len(infos)))
    else:
        pairs = iter(
            sorted({(a, b) for g in by_key.values() for x, a in enumerate(g) for b in g[x + 1 :]})
        )
    for i, j in pairs:
        scores[(i, j)] = probability(pair_features(infos[i], infos[j]), weights)

    def cannot(i: int, j: int) -> bool:
        a, b = infos[i], infos[j]
        if params.check_locations and a.location and b.location and a.location != b.location:
            return True
        return a.day is not None and b.day is not None and a.day != b.day

    start = _first_fit(infos, params) if params.seed_families else None
    return average_linkage(len(infos), scores, params.threshold, cannot, start)


def _first_fit(infos: Sequence[MentionInfo], params: MergeParams) -> list[list[int]]:
    """Each mention joins the first compatible group of its lemma family, else starts one."""
    clusters: dict[str, list[tuple[_Cluster, list[int]]]] = defaultdict(list)
    for i, info in enumerate(infos):
        m = info.mention
        feats = (m.type, info.location, info.day, set(info.actors), set(info.targets))
        family = clusters[info.family]
        home = next((c for c in family if _fits(c[0], m, feats, params)), None)
        if home is None:
            home = (_Cluster([], set(), set(), set(), set(), set()), [])
            family.append(home)
        c = home[0]
        c.members.append(m)
        home[1].append(i)
        if feats[0] not in _UNTYPED:
            c.types.add(feats[0])
        for field, value in ((c.locations, feats[1]), (c.days, feats[2])):
            if value is not None:
                field.add(value)
        c.actors |= feats[3]
        c.targets |= feats[4]
    return sorted(g for family in clusters.values() for _, g in family)


def _event(members: Sequence[EventMention], story: str | None) -> Event:
    ordered = tuple(sorted(members, key=lambda m: (mention_key(m), m.lemma)))
    keys = "\n".join(f"{d}\t{s}\t{e}" for d, s, e in (mention_key(m) for m in ordered))
    digest = hashlib.sha256(keys.encode("utf-8")).hexdigest()[:16]
    votes = Counter(m.type for m in ordered if m.type)
    typ = min(votes, key=lambda t: (-votes[t], t == "OTHER", t)) if votes else ""
    docs = tuple(sorted({m.doc_id for m in ordered}))
    return Event(f"evt_{digest}", typ, ordered, docs, story)
