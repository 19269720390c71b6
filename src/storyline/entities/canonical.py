"""Canonical entities: a corpus's mentions grouped into the people, groups and places they name.

Rules, in order (each one deterministic, none using Python's ``hash()``):

1. **Acronyms**: a short form defined anywhere with exactly one expansion
   ("Popular Mobilization Units (PMU)") stands for it everywhere; defined two ways,
   it stands for the one defined in its own story, else for nothing.
2. **Short forms**: a one-word name ("Daoud") joins the full name ending in that word
   ("Qasem Daoud") in the same document (the nearest one before it when two people
   share the surname), else the only such full name in the same story (the same
   document when no stories are given); a first name alone joins the one person of
   the document so called; a group or place name that starts the one longer name of
   its kind in the document or story ("Lorvik Harbour", "Lorvik Harbour Clinic"), or a
   group name that ends one ("Saints", "Lorvik Saints"), joins it.
3. **Keys and type voting**: mentions with the same key are one name; its type is
   the weighted vote of its mentions (gazetteer 100, pattern 3, model 1), so a
   transliterated name the model tags PERSON here and GPE there gets one type. A key
   whose mentions split into kinds of thing (a person and a place, each with at least
   a third of the votes and three mentions) stays two entities; other disagreements are
   the model's noise and the vote settles them.
4. **Spelling variants**: names of the same kind whose keys are
   :func:`~storyline.entities.keys.same_name` (transliteration, one vowel edit,
   one typo in a long word) merge, unless both appear as names in one document:
   one writer spelling two names two ways is two people.
5. **Fuller names**: "Fred LaRue" and "Frederick C. LaRue" merge when every name on
   each side is :func:`~storyline.entities.keys.compatible_names` with every name on
   the other (so "George Bush" never joins two people).
6. **Unique surnames** (``link_unique_surnames``): a bare surname left over joins
   the one person in the corpus with that surname, never when two people share it.

Rules 1 and 2 look within a mention's document and story (and at two facts about the
whole corpus), so they run in blocks of whole stories (:mod:`storyline.entities.scoped`);
rules 3 to 6 join keys across the corpus, here.

Example:
    >>> entities = canonical_entities(mentions, {"d1": "s1", "d2": "s1"})  # doctest: +SKIP
    >>> [(e.name, e.label, e.aliases) for e in entities]                    # doctest: +SKIP
    [('Qasem Daoud', 'PERSON', (('Daoud', 3), ('Qasem Daoud', 1), ('Kassem Daoud', 1)))]
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from storyline.entities.gazetteer import ENTITY_LABELS, FAMILY, load_gazetteer
from storyline.entities.keys import (
    compatible_names,
    consonants,
    display_name,
    same_name,
    translit_token,
    words,
)
from storyline.entities.mentions import EntitiesConfig, Mention, mentions_for
from storyline.entities.scoped import rewrite_keys
from storyline.model import Document

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from storyline.corpus.blocks import Mapper

HOW_WEIGHT = {"gazetteer": 100.0, "pattern": 3.0, "apposition": 3.0, "acronym": 1.0, "ner": 1.0}


def _weight(m: Mention) -> float:
    """A mention's vote on its entity's type; a role phrase has none (it is typed by its name)."""
    return 0.0 if m.kind == "role" else HOW_WEIGHT.get(m.how, 1.0)


SPLIT_FAMILIES = {"person", "place"}
"""The one split that a name's type votes may show: a one-word name that is a person here and a
place there ("Jordan", "Georgia"). Other disagreements (a team tagged PERSON, ORG and NORP) are
the model's noise, settled by the vote."""
_MENTION_ORDER = attrgetter("doc_id", "start", "end", "kind", "key", "label", "text", "how")
"""The order canonicalisation reads mentions in (every field: the result never depends on
the order they came in)."""
_LABEL_RANK = {label: i for i, label in enumerate(ENTITY_LABELS)}
MIN_SPLIT_MENTIONS = 3
MAX_BLOCK = 200
"""Fuzzy matching compares every pair inside a block; larger blocks are skipped, not slowed."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world person, group or place, with every mention that names it.

    Attributes:
        id: stable id from the entity's kind and main key (``ent_`` + 16 hex digits).
        name: the canonical name (the gazetteer's, else the most frequent full form).
        label: PERSON, ORG, GPE, LOC, FAC or NORP, by weighted vote.
        aliases: ``(text as written, count)``, most frequent first.
        mentions: every mention, by document and offset (role mentions included).
        documents: the ids of the documents it appears in, sorted.
        roles: ``(role phrase, count)`` from appositions ("the commander of ...").
    """

    id: str
    name: str
    label: str
    aliases: tuple[tuple[str, int], ...]
    mentions: tuple[Mention, ...]
    documents: tuple[str, ...]
    roles: tuple[tuple[str, int], ...] = ()

    def to_dict(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """The export form, each mention as evidence ``{"document_id", "start", "end", "text"}``.

        Args:
            texts: document id -> ``Document.text`` (to check every span).
        """
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "aliases": [{"text": t, "count": c} for t, c in self.aliases],
            "roles": [{"text": t, "count": c} for t, c in self.roles],
            "documents": list(self.documents),
            "mentions": [m.evidence(texts[m.doc_id]) for m in self.mentions],
        }


def entities_for_documents(
    docs: Sequence[Document],
    parsed: Mapping[str, Doc],
    story_of: Mapping[str, str] | None = None,
    config: EntitiesConfig | None = None,
) -> list[Entity]:
    """Mentions of every document, then the corpus's canonical entities: one call.

    Args:
        docs: the documents.
        parsed: document id -> its spaCy parse (:func:`storyline.nlp.parse.parse_cached`).
        story_of: document id -> story id; surnames link within a story.
        config: the ``[entities]`` settings.
    """
    config = config or EntitiesConfig()
    mentions = [m for d in docs for m in mentions_for(d, parsed[d.id], config)]
    return canonical_entities(mentions, story_of, config)


class _Components:
    """Union-find over names, refusing a merge of two names seen in one document."""

    def __init__(self, docs: list[frozenset[str]]) -> None:
        self.parent = list(range(len(docs)))
        self.docs = [set(d) for d in docs]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int, *, strict: bool = True) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if strict and self.docs[a] & self.docs[b]:
            return False
        a, b = min(a, b), max(a, b)  # the lower index is the root: order-independent
        self.parent[b] = a
        self.docs[a] |= self.docs[b]
        return True


def canonical_entities(
    mentions: Sequence[Mention],
    docs_by_story: Mapping[str, str] | None = None,
    config: EntitiesConfig | None = None,
) -> list[Entity]:
    """Group mentions into entities (the rules are in the module docstring).

    Args:
        mentions: every mention of the corpus (:func:`mentions_for`).
        docs_by_story: document id -> story id; surnames link within a story.
            Without it (or for a document it lacks) they link within the document.
        config: the ``[entities]`` settings.

    Returns:
        Entities, those in the most documents first; the same for the same mentions
        in any order.
    """
    config = config or EntitiesConfig()
    gaz = gazetteer_index(config)
    groups = entity_groups(mentions, docs_by_story, config)
    return rank_entities([build_entity(g, gaz) for g in groups])


@dataclass(frozen=True, slots=True)
class Group:
    """The mentions of one entity before it is named, sorted, each with its final key."""

    mentions: tuple[Mention, ...]
    keys: tuple[str, ...]

    def fingerprint(self) -> str:
        """A digest of everything :func:`build_entity` reads (and :data:`NAMING_VERSION`):
        equal fingerprints build equal entities."""
        h = hashlib.sha256(NAMING_VERSION.encode())
        for m, k in zip(self.mentions, self.keys, strict=True):
            h.update(
                f"\x1e{m.doc_id}\x1f{m.start}\x1f{m.end}\x1f{m.text}\x1f{m.label}"
                f"\x1f{m.key}\x1f{m.kind}\x1f{m.how}\x1f{k}".encode()
            )
        return h.hexdigest()


NAMING_VERSION = "1"
"""Bump when :func:`build_entity` names, types or identifies a group differently, so that
names kept from an earlier run (:meth:`Group.fingerprint`) are not reused."""


def entity_groups(
    mentions: Sequence[Mention],
    docs_by_story: Mapping[str, str] | None = None,
    config: EntitiesConfig | None = None,
    *,
    mapper: Mapper | None = None,
) -> list[Group]:
    """The corpus's mentions grouped into entities (rules 1-6), in a deterministic order.

    :func:`canonical_entities` is this, then :func:`build_entity` on each group and
    :func:`rank_entities`; an incremental run builds only the groups it has not seen.
    Rules 1 and 2 run in blocks of whole stories through ``mapper``
    (:func:`~storyline.entities.scoped.rewrite_keys`); rules 3-6 join keys across the
    corpus, here.
    """
    config = config or EntitiesConfig()
    # Duplicates out, then sorted (fast on mentions that come in document order already).
    ms = sorted(dict.fromkeys(mentions), key=_MENTION_ORDER)
    story = {m.doc_id: (docs_by_story or {}).get(m.doc_id, f"doc:{m.doc_id}") for m in ms}
    keys = rewrite_keys(ms, story, mapper)
    nodes, node_of = _key_nodes(ms, keys)
    comps = _Components([docs for _, _, docs in nodes])
    _merge_variants(nodes, comps)
    _merge_partial_names(nodes, comps)
    if config.link_unique_surnames:
        _merge_unique_surnames(nodes, comps)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(ms)):
        members[comps.find(node_of[i])].append(i)
    return [
        Group(tuple(ms[i] for i in idx), tuple(keys[i] for i in idx)) for idx in members.values()
    ]


def gazetteer_index(config: EntitiesConfig) -> dict[str, Any]:
    """The curated names by key, as :func:`build_entity` reads them."""
    return {e.key: e for e in load_gazetteer(config.gazetteer).entries}


def rank_entities(entities: list[Entity]) -> list[Entity]:
    """Entities in the most documents first (then most mentions, name, id), a repeated
    id suffixed with its rank (:func:`rank_key` gives the same order as a string)."""
    entities = sorted(entities, key=lambda e: (-len(e.documents), -len(e.mentions), e.name, e.id))
    return _unique_ids(entities)


def rank_key(entity: Entity) -> str:
    """A string whose code point order is :func:`rank_entities`'s order (for a store's
    sort key): counts as fixed-width complements, then the name, then the id."""
    name = "".join(c if c >= "\x02" else " " for c in entity.name)
    docs, ms = 10**9 - len(entity.documents), 10**9 - len(entity.mentions)
    return f"{docs:010d}{ms:010d}{name}\x01{entity.id}"


def _unique_ids(entities: list[Entity]) -> list[Entity]:
    """Suffix a repeated id (two kinds of thing under one key) with its rank: ``..._2``."""
    seen: Counter[str] = Counter()
    out = []
    for e in entities:
        seen[e.id] += 1
        out.append(e if seen[e.id] == 1 else dataclasses.replace(e, id=f"{e.id}_{seen[e.id]}"))
    return out


def _key_nodes(
    ms: list[Mention], keys: list[str]
) -> tuple[list[tuple[str, str, frozenset[str]]], list[int]]:
    """One node per (key, kind of thing) after type voting: ``(key, family, documents)``."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        by_key[k].append(i)
    nodes: list[tuple[str, str, frozenset[str]]] = []
    node_of = [0] * len(ms)
    for key in sorted(by_key):
        idx = by_key[key]
        kinds = {FAMILY.get(ms[i].label, "other") for i in idx}
        if len(kinds) == 1:
            # One kind of thing: it wins the vote, and no split is possible.
            docs = frozenset(ms[i].doc_id for i in idx if ms[i].kind == "name")
            for i in idx:
                node_of[i] = len(nodes)
            nodes.append((key, kinds.pop(), docs))
            continue
        votes: Counter[str] = Counter()
        counts: Counter[str] = Counter()
        for i in idx:
            fam = FAMILY.get(ms[i].label, "other")
            votes[fam] += _weight(ms[i])
            counts[fam] += ms[i].kind != "role"
        total = sum(votes.values()) or 1.0
        winner = _top(votes) if votes else "person"
        kept = {winner} | {
            f
            for f in votes
            if " " not in key
            and {f, winner} == SPLIT_FAMILIES
            and votes[f] >= total / 3
            and counts[f] >= MIN_SPLIT_MENTIONS
        }
        for fam in sorted(kept):
            # A mention of a kind that lost the vote goes with the winner.
            mine = [i for i in idx if _family_in(ms[i], kept, winner) == fam]
            docs = frozenset(ms[i].doc_id for i in mine if ms[i].kind == "name")
            for i in mine:
                node_of[i] = len(nodes)
            nodes.append((key, fam, docs))
    return nodes, node_of


def _family_in(m: Mention, kept: set[str], winner: str) -> str:
    fam = FAMILY.get(m.label, "other")
    return fam if fam in kept else winner


def _top(votes: Mapping[str, float]) -> str:
    return min(votes, key=lambda f: (-votes[f], f))


def _merge_variants(nodes: list[tuple[str, str, frozenset[str]]], comps: _Components) -> None:
    """Union names of one kind whose keys are spelling variants (rule 4)."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, (key, fam, _) in enumerate(nodes):
        skeleton = consonants(key)
        if len(skeleton) < 2:
            continue  # too short to tell names apart by spelling
        variants = {skeleton}
        if any(len(w) >= 8 for w in key.split()):
            # One typo in a long word may hit a consonant: block on each one-letter deletion.
            variants |= {skeleton[:j] + skeleton[j + 1 :] for j in range(len(skeleton))}
        for v in variants:
            blocks[(fam, v)].append(n)
    pairs: set[tuple[int, int]] = set()
    for block in blocks.values():
        if 1 < len(block) <= MAX_BLOCK:
            pairs.update((a, b) for x, a in enumerate(block) for b in block[x + 1 :])
    for a, b in sorted(pairs):
        if nodes[a][0] != nodes[b][0] and same_name(nodes[a][0], nodes[b][0]):
            comps.union(a, b)


def _merge_partial_names(nodes: list[tuple[str, str, frozenset[str]]], comps: _Components) -> None:
    """Union a person's fuller and shorter full names ("Fred LaRue", "Frederick C. LaRue"),
    when every name on each side is :func:`compatible_names` with every name on the other:
    "George Bush" joins "George W. Bush" or "George H. W. Bush", never both."""
    by_surname: dict[str, list[int]] = defaultdict(list)
    names: dict[int, list[str]] = defaultdict(list)  # component root -> its full names
    for n, (key, fam, _) in enumerate(nodes):
        if fam == "person" and " " in key:
            by_surname[translit_token(key.split()[-1])].append(n)
            names[comps.find(n)].append(key)
    for bucket in by_surname.values():
        if len(bucket) > MAX_BLOCK:
            continue  # a very common surname: too many pairs to check, and to trust
        for x, a in enumerate(bucket):
            for b in bucket[x + 1 :]:
                ra, rb = comps.find(a), comps.find(b)
                if ra == rb or not compatible_names(nodes[a][0], nodes[b][0]):
                    continue
                side_a, side_b = names[ra], names[rb]
                if all(same_name(p, q) or compatible_names(p, q) for p in side_a for q in side_b):
                    if comps.union(a, b):
                        names[comps.find(a)] = side_a + side_b


def _merge_unique_surnames(
    nodes: list[tuple[str, str, frozenset[str]]], comps: _Components
) -> None:
    """A leftover one-word person joins the only person in the corpus with that surname."""
    full: dict[str, set[int]] = defaultdict(set)
    for n, (key, fam, _) in enumerate(nodes):
        if fam == "person" and " " in key:
            full[translit_token(key.split()[-1])].add(comps.find(n))
    for n, (key, fam, _) in enumerate(nodes):
        if fam == "person" and " " not in key:
            owners = full.get(translit_token(key), set())
            if len(owners) == 1:
                comps.union(n, next(iter(owners)))


def build_entity(
    group: Group, gaz: Mapping[str, Any], known: tuple[str, str, str] | None = None
) -> Entity:
    """The entity of one group (:func:`entity_groups`), named and typed.

    Args:
        group: its mentions (sorted by document, offsets and kind) with their keys.
        gaz: :func:`gazetteer_index`.
        known: ``(id, name, label)`` an earlier run built for a group of the same
            :meth:`~Group.fingerprint`: taken as they are, not worked out again.
    """
    ms, keys = group.mentions, group.keys
    named = [(m, k) for m, k in zip(ms, keys, strict=True) if m.kind != "role"]
    aliases = Counter(m.text for m, _ in named)
    roles = Counter(m.text for m in ms if m.kind == "role")
    if known is not None:
        ent_id, name, label = known
    else:
        ent_id, name, label = _identify(ms, keys, named, gaz)
    return Entity(
        id=ent_id,
        name=name,
        label=label,
        aliases=tuple(sorted(aliases.items(), key=lambda a: (-a[1], a[0]))),
        mentions=ms,
        documents=tuple(sorted({m.doc_id for m in ms})),
        roles=tuple(sorted(roles.items(), key=lambda a: (-a[1], a[0]))),
    )


def _identify(
    ms: Sequence[Mention],
    keys: Sequence[str],
    named: list[tuple[Mention, str]],
    gaz: Mapping[str, Any],
) -> tuple[str, str, str]:
    """``(id, name, label)`` of a group's mentions: the label by weighted vote, the name
    from the gazetteer else the most frequent full form, the id from kind and main key."""
    votes: Counter[str] = Counter()
    for m in ms:
        votes[m.label] += _weight(m)
    label = (
        min(votes, key=lambda x: (-votes[x], _LABEL_RANK.get(x, 99), x)) if votes else ms[0].label
    )
    key_counts = Counter(k for _, k in named) or Counter(keys)
    main_key = min(key_counts, key=lambda k: (-key_counts[k], -len(k.split()), k))
    gaz_entry = next((gaz[k] for k in sorted(key_counts) if k in gaz), None)
    if gaz_entry is not None:
        name = gaz_entry.name
    else:
        full = [m for m, _ in named if m.kind == "name"] or [m for m, _ in named] or ms
        forms: Counter[str] = Counter()
        for text, n in Counter(m.text for m in full).items():
            forms[display_name(text, person=label == "PERSON")] += n
        # Most words first, counted as the key counts them ("Abdul-Karem" is two).
        name = min(forms, key=lambda f: (-(" " in f), -forms[f], -len(words(f)), f))
    digest = hashlib.sha256(f"{FAMILY.get(label, label)}|{main_key}".encode()).hexdigest()[:16]
    return f"ent_{digest}", name, label
