"""Derivation families: how many independent sources stand behind a fact.

Documents linked by any derivation (a copy, a repost, an excerpt, a rewrite)
form one family, and so do documents that name the same source, as their
outlet or as a credit ("Source: AFP", "according to Reuters"): two outlets
printing the same agency story are one witness, not two, and so are two
articles of one outlet. A fact carried by documents from three families has
three independent sources.

Every family is the closure of such links, so adding documents only ever joins
families: what a family holds never depends on the order documents came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.corpus.derivations import Derivation
from storyline.model import Document


@dataclass(frozen=True, slots=True)
class Family:
    """Documents that are not independent of each other."""

    id: str
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    credited_sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "documents": list(self.doc_ids),
            "size": len(self.doc_ids),
            "outlets": list(self.outlets),
            "credited_sources": list(self.credited_sources),
        }


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id becomes the root, so family ids do not depend on order.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def families(
    docs: Sequence[Document],
    derivations: Sequence[Derivation],
    *,
    merge_shared_credits: bool = True,
) -> list[Family]:
    """Group documents into derivation families, sorted by family id.

    Args:
        docs: the analysed documents.
        derivations: reuse relations among them.
        merge_shared_credits: also join documents that name the same source, as
            their outlet or in a credit.
    """
    uf = _UnionFind(d.id for d in docs)
    for d in derivations:
        if d.source_id in uf.parent and d.derived_id in uf.parent:
            uf.union(d.source_id, d.derived_id)
    if merge_shared_credits:
        first_by_name: dict[str, str] = {}
        for doc in sorted(docs, key=lambda d: d.id):
            for name in _credit_keys(doc):
                if name in first_by_name:
                    uf.union(first_by_name[name], doc.id)
                else:
                    first_by_name[name] = doc.id
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(uf.find(doc.id), []).append(doc)
    out = []
    for root, members in groups.items():
        members.sort(key=lambda d: d.id)
        out.append(
            Family(
                id=root,
                doc_ids=tuple(d.id for d in members),
                outlets=tuple(sorted({d.outlet for d in members if d.outlet})),
                credited_sources=tuple(sorted({c for d in members for c in d.credited_sources})),
            )
        )
    return sorted(out, key=lambda f: f.id)


def _credit_keys(doc: Document) -> set[str]:
    """The sources a document names: the ones it credits and its own outlet."""
    keys = {c.casefold() for c in doc.credited_sources}
    if doc.outlet:
        keys.add(doc.outlet.casefold())
    return keys


def family_index(fams: Sequence[Family]) -> dict[str, str]:
    """Document id → family id."""
    return {doc_id: f.id for f in fams for doc_id in f.doc_ids}


def independent_sources(doc_ids: Iterable[str], index: dict[str, str]) -> int:
    """How many independent sources (families) a set of documents represents.

    A document missing from ``index`` counts as its own source.
    """
    return len({index.get(d, d) for d in doc_ids})


def local_families(doc_ids: Sequence[str], family_of: Mapping[str, str]) -> list[str]:
    """Each document's family, named by the first of ``doc_ids`` in it (a document missing
    from ``family_of`` is its own): which of these documents share a family, whatever the
    families' ids, so a family that grew elsewhere in the corpus changes nothing here."""
    first: dict[str, str] = {}
    return [first.setdefault(family_of.get(i, i), i) for i in doc_ids]
