"""Cited extractive summaries: the ``summary`` section, one item per story.

No model: sentences are split with a small rule, grouped when near-identical
(the same sentence printed by a copy), and scored by how many independent
sources (derivation families) carry them, then by centrality (word overlap with
the story as a whole). A copy repeating a sentence adds a document to its
citation list but never another independent source.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.model import Document

if TYPE_CHECKING:
    from storyline.corpus.blocks import Mapper

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|$)", re.MULTILINE)
_WORD = re.compile(r"\w+")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Jr|Sr|No|vs|[A-Za-z]))\.$"
)
MIN_WORDS, MAX_WORDS = 6, 60
NEAR = 0.8
"""Word-set Jaccard from which two sentences count as the same sentence."""


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets ``(start, end)`` in ``text``, trimmed of spaces.

    Splits after ``.``, ``!``, ``?`` (with closing quotes) and at line breaks,
    but not inside a token ("3.5", "a.m.") nor after common abbreviations or
    initials ("Mr.", "J.").

    Example:
        >>> split_sentences("Mr. Vos left. He came back.")
        [(0, 13), (14, 27)]
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for m in _SENTENCE.finditer(text):
        if start is None:
            start = m.start()
        chunk = text[start : m.end()].rstrip()
        after = text[m.end() : m.end() + 1]
        if after and not after.isspace() or (after == " " and _ABBREV.search(chunk)):
            continue  # "3.5", "a.m.", "Mr. Vos": not the end of a sentence
        s, e = start, start + len(chunk)
        while s < e and text[s].isspace():
            s += 1
        if e > s:
            spans.append((s, e))
        start = None
    return spans


def _words(s: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(s)]


@dataclass
class _Group:
    """One sentence and its near-identical copies across documents."""

    words: frozenset[str]
    first: tuple[Any, ...]  # sort key of the occurrence cited as evidence
    occurrences: list[tuple[tuple[Any, ...], str, int, int]] = field(default_factory=list)


def summary_section(
    docs: Sequence[Document],
    stories: Sequence[Mapping[str, Any]],
    derivations: Sequence[Mapping[str, Any]],
    families: Sequence[Mapping[str, Any]],
    *,
    sentences_per_story: int = 5,
) -> list[dict[str, Any]]:
    """Build the ``summary`` section: cited extractive sentences per story.

    Args:
        docs: the stored documents (pages are ignored; their posts count).
        stories: items of the ``stories`` section (``id``, ``documents``).
        derivations: items of the ``derivations`` section; a document that is
            a known copy is cited only when no original carries the sentence.
        families: items of the ``families`` section; a document in none is its
            own independent source.
        sentences_per_story: how many sentences to keep per story.

    Returns:
        ``[{"story_id", "sentences": [{"text", "evidence", "documents",
        "independent_sources"}]}]`` in the stories' order. Stories with no
        usable sentence get an empty list.

    Example:
        >>> summary_section(docs, store.get_section("stories"), [], [])  # doctest: +SKIP
    """
    if sentences_per_story < 1:
        raise ValueError("sentences_per_story must be at least 1")
    by_id, copies, family_of = _inputs(docs, derivations, families)
    out: list[dict[str, Any]] = []
    for story in stories:
        picked = _pick(_groups(_members(story, by_id), copies), family_of, sentences_per_story)
        sentences = [_item(g, by_id, family_of) for g in picked]
        out.append({"story_id": story.get("id"), "sentences": sentences})
    return out


def summary_in_blocks(
    mapper: Mapper,
    docs: Sequence[Document],
    stories: Sequence[Mapping[str, Any]],
    derivations: Sequence[Mapping[str, Any]],
    families: Sequence[Mapping[str, Any]],
    *,
    sentences_per_story: int = 5,
) -> list[dict[str, Any]]:
    """:func:`summary_section`, built in blocks of whole stories with ``mapper``
    (:mod:`storyline.corpus.blocks`): each block gets its stories' documents and the
    copies and families among them, and the items come back in the stories' order."""
    from storyline.corpus.blocks import story_blocks

    by_story = {str(s.get("id")): s for s in stories}
    order = {story: i for i, story in enumerate(by_story)}
    by_id = {d.id: d for d in docs}
    jobs = []
    for block in story_blocks({k: len(s.get("documents", ())) for k, s in by_story.items()}):
        block.sort(key=order.__getitem__)
        ids = {str(i) for k in block for i in by_story[k].get("documents", ())}
        jobs.append(
            SummaryBlock(
                tuple(by_id[i] for i in sorted(ids) if i in by_id),
                tuple(by_story[k] for k in block),
                tuple(d for d in derivations if str(d.get("derived_id")) in ids),
                tuple(
                    {"id": f["id"], "documents": [i for i in f.get("documents", ()) if i in ids]}
                    for f in families
                    if any(i in ids for i in f.get("documents", ()))
                ),
                sentences_per_story,
            )
        )
    items = [item for found in mapper(summary_block, jobs) for item in found]
    return sorted(items, key=lambda item: order[str(item["story_id"])])


@dataclass(frozen=True)
class SummaryBlock:
    """The arguments of :func:`summary_section` for a block of stories (picklable)."""

    docs: tuple[Document, ...]
    stories: tuple[Mapping[str, Any], ...]
    derivations: tuple[Mapping[str, Any], ...]
    families: tuple[Mapping[str, Any], ...]
    sentences_per_story: int


def summary_block(block: SummaryBlock) -> list[dict[str, Any]]:
    """:func:`summary_section` of one block."""
    return summary_section(
        block.docs,
        block.stories,
        block.derivations,
        block.families,
        sentences_per_story=block.sentences_per_story,
    )


def story_keys(
    docs: Sequence[Document],
    stories: Sequence[Mapping[str, Any]],
    derivations: Sequence[Mapping[str, Any]],
    families: Sequence[Mapping[str, Any]],
    *,
    sentences_per_story: int = 5,
) -> dict[str, str]:
    """Story id -> :func:`story_key` of its summary, for the arguments of
    :func:`summary_section` (how an incremental run finds the stories to summarise again)."""
    by_id, copies, family_of = _inputs(docs, derivations, families)
    return {
        str(story.get("id")): story_key(
            _members(story, by_id), copies, family_of, sentences_per_story
        )
        for story in stories
    }


def _members(story: Mapping[str, Any], by_id: Mapping[str, Document]) -> list[Document]:
    """The stored documents of a ``stories`` item (pages and missing ids left out)."""
    return [by_id[i] for i in story.get("documents", ()) if i in by_id]


def _inputs(
    docs: Sequence[Document],
    derivations: Sequence[Mapping[str, Any]],
    families: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, Document], set[str], dict[str, str]]:
    """Documents by id (pages left out), the ids of known copies, document -> family."""
    by_id = {d.id: d for d in docs if d.kind != "page"}
    family_of = {str(doc_id): str(f["id"]) for f in families for doc_id in f.get("documents", ())}
    copies = {
        str(d["derived_id"]) for d in derivations if d.get("direction") in ("known", "inferred")
    }
    return by_id, copies, family_of


def story_key(
    members: Sequence[Document], copies: set[str], family_of: Mapping[str, str], n: int
) -> str:
    """Everything a story's summary depends on, hashed: its documents, which are
    copies, which of them share a family, and the sentence count (documents never
    change under an id). A family is named by its first member in the story, so a
    family id that changed elsewhere in the corpus leaves the key alone."""
    from storyline.corpus.families import local_families

    ids = sorted(d.id for d in members)
    families = local_families(ids, family_of)
    raw = json.dumps([n, [[i, i in copies, f] for i, f in zip(ids, families, strict=True)]])
    return hashlib.sha256(raw.encode()).hexdigest()


def _doc_key(doc: Document, copies: set[str]) -> tuple[Any, ...]:
    published = doc.published.value if doc.published else "~"
    return (doc.id in copies, published, doc.id)


def _groups(members: Sequence[Document], copies: set[str]) -> list[_Group]:
    exact: dict[tuple[str, ...], _Group] = {}
    for doc in sorted(members, key=lambda d: _doc_key(d, copies)):
        for start, end in split_sentences(doc.text):
            words = _words(doc.text[start:end])
            if not MIN_WORDS <= len(words) <= MAX_WORDS:
                continue
            key = tuple(words)
            occ_key = (*_doc_key(doc, copies), start)
            group = exact.get(key)
            if group is None:
                group = exact[key] = _Group(frozenset(words), occ_key)
            group.occurrences.append((occ_key, doc.id, start, end))
    merged: list[_Group] = []
    index: dict[str, list[int]] = {}
    for group in sorted(exact.values(), key=lambda g: g.first):
        target = _near(group, merged, index)
        if target is None:
            for w in group.words:
                index.setdefault(w, []).append(len(merged))
            merged.append(group)
        else:
            target.occurrences.extend(group.occurrences)
    return merged


def _near(group: _Group, merged: list[_Group], index: dict[str, list[int]]) -> _Group | None:
    overlap: Counter[int] = Counter()
    for w in group.words:
        overlap.update(index.get(w, ()))
    if not overlap:
        return None
    # Only the best candidate (most shared words, then the first merged) can pass:
    # the others share fewer words.
    shared = max(overlap.values())
    other = merged[min(i for i, n in overlap.items() if n == shared)]
    return other if shared / len(group.words | other.words) >= NEAR else None


def _pick(groups: list[_Group], family_of: Mapping[str, str], n: int) -> list[_Group]:
    if not groups:
        return []
    df: Counter[str] = Counter(w for g in groups for w in g.words)
    total = len(groups)
    idf = {w: math.log((1 + total) / c) for w, c in df.items()}

    def centrality(g: _Group) -> float:
        # how much of the story's recurring vocabulary the sentence uses
        return sum((df[w] - 1) * idf[w] for w in g.words) / (len(g.words) ** 0.5)

    def key(g: _Group) -> tuple[Any, ...]:
        fams = {family_of.get(doc_id, doc_id) for _, doc_id, _, _ in g.occurrences}
        return (-len(fams), -round(centrality(g), 9), g.first)

    picked: list[_Group] = []
    for g in sorted(groups, key=key):
        if any(len(g.words & p.words) / len(g.words | p.words) > 0.5 for p in picked):
            continue  # says the same as a sentence already kept
        picked.append(g)
        if len(picked) == n:
            break
    return picked


def _item(g: _Group, by_id: Mapping[str, Document], family_of: Mapping[str, str]) -> dict[str, Any]:
    occurrences = sorted(g.occurrences)
    _, doc_id, start, end = occurrences[0]
    text = by_id[doc_id].text[start:end]
    documents = sorted({o[1] for o in occurrences})
    return {
        "text": text,
        "evidence": {"document_id": doc_id, "start": start, "end": end, "text": text},
        "documents": documents,
        "independent_sources": len({family_of.get(d, d) for d in documents}),
    }
