"""Story clustering: group documents that report the same real-world event or development.

Two reports of *one* earthquake are one story; two earthquakes are two stories,
even though they share most of their vocabulary. Documents become feature
vectors (:mod:`storyline.corpus.story_features`: words, names, numbers with
units, dates, title words, weighed against both the pile and a background of
ordinary news) and are grouped by average-linkage agglomerative clustering on
their cosine (:mod:`storyline.corpus.story_linkage`), stopping at a threshold,
with a penalty for two dated documents far apart in time. So a small pile about
one development comes out as one story, and two events of one kind in one pile
as two. :func:`assign_stories` does the same incrementally: new
documents and the stories so far are clustered together, a story counting as
one group of its members.

Everything is deterministic: documents are processed in doc-id order, ties go
to the smaller doc id, nothing uses Python's salted ``hash()``. Only numpy is
needed.

Example:
    >>> docs = [
    ...     StoryInput("a", "A magnitude 6.1 earthquake struck Lorvik on Monday."),
    ...     StoryInput("b", "The Lorvik earthquake on Monday measured magnitude 6.1."),
    ...     StoryInput("c", "Fire destroyed the Harrow Mill warehouse in Denby."),
    ... ]
    >>> cluster_stories(docs)
    [['a', 'b'], ['c']]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from storyline.corpus.story_features import (
    FeatureWeights,
    StoryInput,
    background_shares,
    document_frequency,
    document_terms,
    featurize,
    vectors,
    weigh,
)
from storyline.corpus.story_linkage import (
    Encoder,
    Row,
    Span,
    Vector,
    average_linkage,
    average_linkage_tree,
    cut_tree,
    day,
    gap_penalty,
    similarity,
)

__all__ = [
    "DEFAULT_PARAMS",
    "FeatureWeights",
    "Story",
    "StoryInput",
    "StoryBuilder",
    "StoryParams",
    "TermCounts",
    "assign_stories",
    "average_linkage",
    "average_linkage_tree",
    "cluster_stories",
    "cut_tree",
    "document_terms",
    "featurize",
    "pack_pairs",
    "place_documents",
    "similarity_matrix",
    "story_summary",
    "summed_df",
    "unpack_pairs",
]


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Every knob of story clustering.

    Attributes:
        threshold: the lowest average cosine at which two groups still merge
            (tuned on ECB+ train).
        weights: feature block weights.
        background_docs: how many background documents (Reuters-21578 word
            counts) a term's idf counts beside the pile; 0 for idf over the pile
            alone. Tuned on ECB+ train, whole and in small piles.
        max_gap_days: two documents published more than this many days apart
            (both dated to the day) get ``gap_penalty`` taken off their cosine.
            Not tuned: ECB+ documents carry no publication date. Reports of one
            event come out within days; a month apart is most often a new event.
        gap_penalty: how much cosine a date gap costs (not tuned either; high
            enough that two reports sharing only their protagonists, a year
            apart, stay two stories).
        centroid_size: how many of its strongest features a :class:`Story` keeps.
    """

    threshold: float = 0.18
    weights: FeatureWeights = field(default_factory=FeatureWeights)
    background_docs: float = 3000.0
    max_gap_days: int = 30
    gap_penalty: float = 0.5
    centroid_size: int = 400

    def featurize(self, docs: Sequence[StoryInput]) -> list[Vector]:
        """Feature vectors of documents with these weights and this background."""
        return featurize(docs, weights=self.weights, background_docs=self.background_docs)

    def vectors(self, term_counts: Sequence[Mapping[str, int]]) -> list[Vector]:
        """:meth:`featurize`, from the documents' :func:`document_terms`."""
        return vectors(term_counts, self.weights, self.background_docs)

    def penalty(self, rows: Sequence[Span], cols: Sequence[Span]) -> np.ndarray:
        """The date-gap penalty between two lists of date spans."""
        return gap_penalty(rows, cols, self.max_gap_days, self.gap_penalty)


DEFAULT_PARAMS = StoryParams()


# --- clustering ---------------------------------------------------------------


def _check_unique(docs: Sequence[StoryInput]) -> None:
    seen: set[str] = set()
    for d in docs:
        if d.doc_id in seen:
            raise ValueError(f"document id {d.doc_id!r} is given twice; ids must be unique")
        seen.add(d.doc_id)


def cluster_stories(
    docs: Sequence[StoryInput],
    *,
    threshold: float | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> list[list[str]]:
    """Group documents into stories.

    Args:
        docs: the documents; ids must be unique. Their order does not matter.
        threshold: overrides ``params.threshold`` (higher: more, smaller stories).
        params: features, threshold and date-gap settings.

    Returns:
        Stories as sorted lists of doc ids, sorted by their first id.

    Raises:
        ValueError: two documents share an id.

    Example:
        >>> cluster_stories([StoryInput("b", "Fire in Denby."), StoryInput("a", "Fire in Denby!")])
        [['a', 'b']]
    """
    ordered, sim = similarity_matrix(docs, params=params)
    cut = params.threshold if threshold is None else threshold
    return [[ordered[i].doc_id for i in g] for g in average_linkage(sim, cut)]


def similarity_matrix(
    docs: Sequence[StoryInput], *, params: StoryParams = DEFAULT_PARAMS
) -> tuple[list[StoryInput], np.ndarray]:
    """The documents sorted by id and their pairwise similarity, as clustering sees it.

    Similarity is the cosine of the feature vectors
    (:func:`~storyline.corpus.story_features.featurize`) minus the date-gap penalty.

    Args:
        docs: the documents; ids must be unique.
        params: feature weights, background and date-gap settings.

    Returns:
        ``(documents sorted by id, n x n similarity matrix in that order)``.

    Raises:
        ValueError: two documents share an id.

    Example:
        >>> _, sim = similarity_matrix([StoryInput("a", "Fire in Denby."), StoryInput("b", "Fire")])
        >>> sim.shape
        (2, 2)
    """
    _check_unique(docs)
    ordered = sorted(docs, key=lambda d: d.doc_id)
    vectors = params.featurize(ordered)
    days = [(day(d.published),) * 2 for d in ordered]
    return ordered, similarity(vectors, vectors) - params.penalty(days, days)


# --- incremental stories ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """A story: its documents and what is needed to add more later.

    Attributes:
        id: ``"story-"`` + the smallest doc id when the story was made; kept
            when documents join, and when two stories merge the smaller id is
            kept, so ids are stable across runs.
        doc_ids: member ids, sorted.
        centroid: the mean of the members' feature vectors, its
            ``centroid_size`` strongest features, sorted by name. Its dot product
            with a document's vector is the document's average cosine to the
            members, the same quantity average linkage thresholds.
        df: for each feature, how many members have it (idf for newcomers); None when
            the caller keeps the whole corpus's counts instead (:func:`place_documents`).
        first_published: the earliest member date (``YYYY-MM-DD``), or None.
        last_published: the latest member date, or None.
    """

    id: str
    doc_ids: tuple[str, ...]
    centroid: tuple[tuple[str, float], ...]
    df: tuple[tuple[str, int], ...] | None
    first_published: str | None = None
    last_published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back.

        Terms are joined by tabs (no term holds one: they are words, names and numbers
        joined by spaces) beside flat lists of their values, which reads back several
        times faster than a list of pairs; a term with a tab falls back to pairs.
        """
        out: dict[str, Any] = {"id": self.id, "doc_ids": list(self.doc_ids)}
        out.update(pack_pairs("centroid", self.centroid))
        if self.df is not None:
            out.update(pack_pairs("df", self.df))
        out["first_published"] = self.first_published
        out["last_published"] = self.last_published
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Story:
        return cls(
            id=str(d["id"]),
            doc_ids=tuple(str(x) for x in d["doc_ids"]),
            centroid=unpack_pairs(d, "centroid", float),
            df=unpack_pairs(d, "df", int) if "df" in d or "df_terms" in d else None,
            first_published=d.get("first_published"),
            last_published=d.get("last_published"),
        )


_SEP = "\t"
T = TypeVar("T")


def pack_pairs(name: str, pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """``(term, value)`` pairs in their stored form: ``{name}_terms`` (tab-joined) beside
    ``{name}_values``, or ``{name}`` as a list of pairs when a term holds a tab."""
    if any(_SEP in t for t, _ in pairs):
        return {name: [[t, x] for t, x in pairs]}
    return {
        f"{name}_terms": _SEP.join(t for t, _ in pairs),
        f"{name}_values": [x for _, x in pairs],
    }


def unpack_pairs(
    d: Mapping[str, Any], name: str, kind: Callable[[Any], T]
) -> tuple[tuple[str, T], ...]:
    """``(term, value)`` pairs back from either of :func:`pack_pairs`'s forms."""
    if name in d:
        return tuple((str(t), kind(x)) for t, x in d[name])
    terms = d[f"{name}_terms"]
    values = d[f"{name}_values"]
    return tuple(zip(terms.split(_SEP) if terms else [], map(kind, values), strict=True))


@dataclass(frozen=True, slots=True)
class _Group:
    """A story or a new document, as one input of incremental clustering."""

    story: Story | None
    doc: StoryInput | None
    vector: Vector | None  # the document's vector (a story's centroid is read from the story)
    row: Row  # the vector or the centroid, encoded for similarity products
    df: Counter[str]  # the document's terms (a story's df is read from the story)
    size: int
    span: Span


TermCounts = Mapping[str, Mapping[str, int]]
"""doc id -> the document's :func:`document_terms`, computed ahead (in blocks, elsewhere)."""


def assign_stories(
    existing: Sequence[Story],
    new_docs: Sequence[StoryInput],
    *,
    threshold: float | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> list[Story]:
    """Add new documents to stories: join existing ones, start new ones, or bring two together.

    The new documents and the existing stories are clustered together by
    average linkage, each story standing as one group of its members (its
    centroid gives its average cosine to anything). So a document joins the
    story it is closest to on average if that reaches the threshold, new
    documents close to each other form a story, and two stories that a new
    document shows to be one merge (the merged story keeps the smaller id).
    Fed one document at a time, this gives what :func:`cluster_stories` gives
    on the whole pile, or nearly. Existing stories are never split; documents
    already in a story are skipped; the order of either argument does not matter.

    Args:
        existing: the stories so far (may be empty).
        new_docs: documents to place; ids must be unique.
        threshold: overrides ``params.threshold``.
        params: the same settings the existing stories were made with.

    Returns:
        All stories, sorted by id.

    Raises:
        ValueError: two new documents share an id.

    Example:
        >>> first = assign_stories([], [StoryInput("a", "Fire destroys Denby mill.")])
        >>> [s.doc_ids for s in assign_stories(first, [StoryInput("b", "Denby mill fire.")])]
        [('a', 'b')]
    """
    return place_documents(existing, new_docs, None, threshold=threshold, params=params)[0]


def place_documents(
    existing: Sequence[Story],
    new_docs: Sequence[StoryInput],
    df: Mapping[str, int] | None,
    *,
    threshold: float | None = None,
    params: StoryParams = DEFAULT_PARAMS,
    terms: TermCounts | None = None,
) -> tuple[list[Story], Counter[str]]:
    """:func:`assign_stories`, with the document frequencies of the whole corpus kept
    by the caller rather than in every story (an archive reads them as one item).

    Args:
        existing: the stories so far.
        new_docs: documents to place.
        df: for each feature, how many documents of ``existing`` have it; with None it
            is summed from the stories' own ``df``, which the stories returned keep.
            Given, the stories returned keep none (``df`` None).
        threshold: overrides ``params.threshold``.
        params: the same settings the existing stories were made with.
        terms: the new documents' terms where already computed.

    Returns:
        ``(all stories sorted by id, df with the new documents counted)``.

    Raises:
        ValueError: two new documents share an id, or ``df`` is None and a story
            kept no ``df``.
    """
    builder = StoryBuilder(existing, df, threshold=threshold, params=params)
    builder.add(new_docs, terms)
    return builder.stories, builder.df


class StoryBuilder:
    """Stories built up batch after batch, as :func:`place_documents` would build them
    one call per batch, keeping between batches what a batch does not change (each
    story's centroid, encoded for the similarity products).

    Example:
        >>> builder = StoryBuilder([], None)
        >>> builder.add([StoryInput("a", "Fire destroys Denby mill.")])
        >>> builder.add([StoryInput("b", "Denby mill fire.")])
        >>> [s.doc_ids for s in builder.stories]
        [('a', 'b')]
    """

    def __init__(
        self,
        existing: Sequence[Story],
        df: Mapping[str, int] | None,
        *,
        threshold: float | None = None,
        params: StoryParams = DEFAULT_PARAMS,
    ) -> None:
        """Start from ``existing`` stories; ``df`` as :func:`place_documents` takes it.

        Raises:
            ValueError: ``df`` is None and a story kept no ``df``.
        """
        self.params = params
        self.cut = params.threshold if threshold is None else threshold
        self._keep_df = df is None
        stories = sorted(existing, key=lambda s: s.id)
        self._df = summed_df(stories) if df is None else Counter(df)
        self._known = {doc_id for s in stories for doc_id in s.doc_ids}
        self._encoder = Encoder()
        self._groups = [self._story_group(s) for s in stories]

    @property
    def stories(self) -> list[Story]:
        """All stories so far, sorted by id."""
        return [g.story for g in self._groups if g.story]

    @property
    def df(self) -> Counter[str]:
        """For each feature, how many of the placed documents have it."""
        return Counter(self._df)

    def add(self, new_docs: Sequence[StoryInput], terms: TermCounts | None = None) -> None:
        """Place a batch of documents (those already placed are skipped).

        Raises:
            ValueError: two of the documents share an id.
        """
        _check_unique(new_docs)
        fresh = sorted((d for d in new_docs if d.doc_id not in self._known), key=lambda d: d.doc_id)
        if not fresh:
            return
        docs = self._doc_groups(fresh, terms or {})
        self._known.update(d.doc_id for d in fresh)
        olds = self._groups
        # Stories are below the cut with each other, so one can only take part in a merge
        # if some new document reaches the cut with it: leave the others out of the matrix.
        near = (self._similarity(docs, olds) >= self.cut).any(axis=0).tolist()
        result = [g for g, hit in zip(olds, near, strict=True) if not hit]
        groups = [g for g, hit in zip(olds, near, strict=True) if hit] + docs
        sim = self._similarity(groups, groups)
        tree = average_linkage_tree(sim, [g.size for g in groups])
        for members in cut_tree(len(groups), tree, self.cut):
            parts = [groups[i] for i in members]
            if len(parts) == 1 and parts[0].story:
                result.append(parts[0])
            else:
                result.append(self._story_group(_join(parts, self.params, keep_df=self._keep_df)))
        self._groups = sorted(result, key=lambda g: g.story.id if g.story else "")

    def _similarity(self, rows: Sequence[_Group], cols: Sequence[_Group]) -> np.ndarray:
        """Mean cosine between groups, date-gap penalty taken off."""
        spans = [g.span for g in rows], [g.span for g in cols]
        vectors = [g.row for g in rows], [g.row for g in cols]
        if rows is cols:
            return self._encoder.similarity(vectors[0], vectors[0]) - self.params.penalty(
                spans[0], spans[0]
            )
        return self._encoder.similarity(*vectors) - self.params.penalty(*spans)

    def _story_group(self, story: Story) -> _Group:
        span = (day(story.first_published), day(story.last_published))
        row = self._encoder.row(dict(story.centroid))
        # A story's centroid and df are read from the story itself, if it joins something.
        return _Group(story, None, None, row, Counter(), len(story.doc_ids), span)

    def _doc_groups(self, docs: Sequence[StoryInput], terms: TermCounts) -> list[_Group]:
        """New documents as groups, featurised with idf over the known documents and
        them; they are counted in ``df``."""
        term_counts = [terms.get(d.doc_id) or document_terms(d) for d in docs]
        new_df = document_frequency(term_counts)
        self._df.update(new_df)
        n_docs = len(self._known) + len(docs)
        params = self.params
        shares = background_shares(new_df, params.background_docs)
        groups = []
        for d, counts in zip(docs, term_counts, strict=True):
            vector = weigh(counts, self._df, n_docs, params.weights, params.background_docs, shares)
            row = self._encoder.row(vector)
            span = (day(d.published),) * 2
            groups.append(_Group(None, d, vector, row, Counter(counts.keys()), 1, span))
        return groups


def summed_df(stories: Sequence[Story]) -> Counter[str]:
    """The document frequencies of the stories' documents, from each story's own.

    Raises:
        ValueError: a story keeps no ``df``.
    """
    df: Counter[str] = Counter()
    for story in stories:
        if story.df is None:
            raise ValueError(f"story {story.id} keeps no df: pass the corpus's df")
        df.update(dict(story.df))
    return df


def _join(parts: Sequence[_Group], params: StoryParams, *, keep_df: bool = True) -> Story:
    """One story of stories and documents: size-weighted mean centroid, summed df (or
    none, ``keep_df`` False), dates.

    The story keeps the smallest id among the stories joined; a story of new
    documents only is ``"story-"`` + its smallest doc id.
    """
    df: Counter[str] = Counter()
    doc_ids: list[str] = []
    days: list[str] = []
    for p in parts:
        if keep_df:
            df.update(dict(p.story.df or ()) if p.story else p.df)
        if p.story:
            doc_ids += p.story.doc_ids
            days += [x for x in (p.story.first_published, p.story.last_published) if x]
        elif p.doc:
            doc_ids.append(p.doc.doc_id)
            if p.span[0] and p.doc.published:
                days.append(p.doc.published[:10])
    total: dict[str, float] = {}
    for p in parts:
        for term, x in p.story.centroid if p.story else (p.vector or {}).items():
            total[term] = total.get(term, 0.0) + p.size * x
    n = sum(p.size for p in parts)
    strongest = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[: params.centroid_size]
    ids = [p.story.id for p in parts if p.story]
    return Story(
        id=min(ids) if ids else "story-" + min(doc_ids),
        doc_ids=tuple(sorted(doc_ids)),
        # Rounded so the JSON form reads back to the same story.
        centroid=tuple(sorted((t, round(x / n, 6)) for t, x in strongest)),
        df=tuple(sorted(df.items())) if keep_df else None,
        first_published=min(days) if days else None,
        last_published=max(days) if days else None,
    )


# --- export -------------------------------------------------------------------


def story_summary(
    story: Story,
    docs: Sequence[StoryInput],
    *,
    params: StoryParams = DEFAULT_PARAMS,
    terms: TermCounts | None = None,
) -> dict[str, Any]:
    """The export form of a story.

    Args:
        story: the story.
        docs: documents to read titles and dates from; those not in the story
            are ignored, missing members are simply not consulted.
        params: feature settings used to find the most central document.
        terms: the members' terms where already computed.

    Returns:
        ``{"id", "documents", "size", "title", "first_published",
        "last_published"}``. ``title`` is the title of the most central member
        that has one (highest average cosine to the other members, ties to the
        smaller id), or None; the dates are the earliest and latest member
        ``published`` values as given, or None.

    Example:
        >>> docs = [StoryInput("a", "Fire in Denby.", "Denby fire", "2024-05-02")]
        >>> story_summary(assign_stories([], docs)[0], docs)["title"]
        'Denby fire'
    """
    wanted = set(story.doc_ids)
    members = sorted((d for d in docs if d.doc_id in wanted), key=lambda d: d.doc_id)
    title = None
    titled = [i for i, d in enumerate(members) if d.title]
    if len(titled) == 1:
        title = members[titled[0]].title
    elif titled:
        known = terms or {}
        vectors = params.vectors([known.get(d.doc_id) or document_terms(d) for d in members])
        centrality = similarity(vectors, vectors).sum(axis=1)
        # Rounded: a two-member story ties exactly, and float noise must not break the tie.
        best = max(titled, key=lambda i: (round(float(centrality[i]), 9), -i))
        title = members[best].title
    published = sorted(d.published for d in members if d.published)
    return {
        "id": story.id,
        "documents": list(story.doc_ids),
        "size": len(story.doc_ids),
        "title": title,
        "first_published": published[0] if published else None,
        "last_published": published[-1] if published else None,
    }
